"""A bounded memo that keeps what is used twice: scanned documents shared by many pages.

A plain LRU of scanned documents thrashes on a large site: every page brings stylesheets and
scripts of its own, used once, which push out the shared ones (a component stylesheet imported
by ten pages spread over a 10,000-page run) long before their next use. :class:`SecondUseMemo`
is the "2Q" policy (Johnson and Shasha, VLDB 1994), simplified: a value seen for the first time
waits in a short first-in-first-out probation queue; a key asked for again, while on probation
or while its key is still remembered after leaving it, earns a place in the main LRU, which
values used once never enter.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["SecondUseMemo"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SecondUseMemo(Generic[K, V]):
    """At most ``size`` values in the main LRU, ``probation`` values on probation (default: a
    quarter of ``size``), and the keys of the last ``ghosts`` values that left probation unused
    again (default: eight times ``size``)."""

    def __init__(self, size: int, probation: int | None = None, ghosts: int | None = None) -> None:
        self._size = size
        self._probation_size = size // 4 if probation is None else probation
        self._ghosts_size = size * 8 if ghosts is None else ghosts
        self._main: OrderedDict[K, V] = OrderedDict()
        self._probation: OrderedDict[K, V] = OrderedDict()
        self._ghosts: OrderedDict[K, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._main) + len(self._probation)

    def get(self, key: K) -> V | None:
        """The value kept for ``key``, or None. A value on probation moves to the main LRU."""
        value = self._main.get(key)
        if value is not None:
            self._main.move_to_end(key)
            return value
        value = self._probation.pop(key, None)
        if value is not None:
            self._keep(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        """Remember ``value``: on probation, or in the main LRU when ``key`` left probation
        recently (its second use)."""
        if key in self._ghosts:
            del self._ghosts[key]
            self._keep(key, value)
            return
        self._probation[key] = value
        if len(self._probation) > self._probation_size:
            old, _ = self._probation.popitem(last=False)
            self._ghosts[old] = None
            if len(self._ghosts) > self._ghosts_size:
                self._ghosts.popitem(last=False)

    def _keep(self, key: K, value: V) -> None:
        self._main[key] = value
        if len(self._main) > self._size:
            self._main.popitem(last=False)
