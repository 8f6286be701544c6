"""A progress bar for long runs: pages done / total and the rate, on one terminal line.

It stays invisible on short runs (nothing is drawn before ``delay`` seconds), redraws at most
every ``interval`` seconds, and erases itself when closed, so warnings printed afterwards start
on a clean line. :func:`progress_bar` gives one only when the stream is a terminal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["ProgressBar", "progress_bar"]

_CLEAR = "\r\x1b[K"


class ProgressBar:
    """Draws ``done/total`` on ``stream``; call :meth:`update` after each page, then :meth:`close`.

    ``update`` has the shape of ``build_manifest``'s ``progress`` callback: ``(done, total)``.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        unit: str = "pages",
        delay: float = 1.0,
        interval: float = 0.1,
        width: int = 24,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._unit = unit
        self._delay = delay
        self._interval = interval
        self._width = width
        self._clock = clock
        self._start = clock()
        self._last_draw: float | None = None
        self._drawn = False
        self._visible = False

    @property
    def drawn(self) -> bool:
        """True once the bar has been shown (the run was long enough)."""
        return self._drawn

    def update(self, done: int, total: int) -> None:
        """Record that ``done`` of ``total`` items are finished; redraw if it is time to."""
        now = self._clock()
        elapsed = now - self._start
        if elapsed < self._delay:
            return
        finished = done >= total
        if not finished and self._last_draw is not None and now - self._last_draw < self._interval:
            return
        self._last_draw = now
        self._drawn = self._visible = True
        self._stream.write(_CLEAR + self.render(done, total, elapsed))
        self._stream.flush()

    def render(self, done: int, total: int, elapsed: float) -> str:
        """The bar's text: ``[#####.....]  12/40 pages  3.4 pages/s``."""
        fraction = min(done / total, 1.0) if total > 0 else 1.0
        filled = int(fraction * self._width)
        bar = "#" * filled + "." * (self._width - filled)
        rate = done / elapsed if elapsed > 0 else 0.0
        digits = len(str(total))
        return f"[{bar}] {done:>{digits}}/{total} {self._unit}  {rate:.1f} {self._unit}/s"

    def close(self) -> None:
        """Erase the bar if it was drawn. Safe to call more than once."""
        if self._visible:
            self._stream.write(_CLEAR)
            self._stream.flush()
            self._visible = False


def progress_bar(stream: TextIO, *, enabled: bool = True) -> ProgressBar | None:
    """A :class:`ProgressBar` on ``stream`` when ``enabled`` and ``stream`` is a terminal."""
    if not enabled:
        return None
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    return ProgressBar(stream) if interactive else None
