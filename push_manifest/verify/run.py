"""``verify(...)``: serve a site on loopback, load each page in headless Chromium, and compare
what it fetched with the manifest.

Pages load in parallel: one Chromium, driven by Playwright's async API, loads ``workers`` pages
at once, each in a fresh context (a browser per worker costs a browser process, a driver and a
Python process each, and the machine's cores are the limit). A page that crashes or times out
is reported as such; the run goes on, in a new browser if the old one died.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from push_manifest.errors import InputError
from push_manifest.model import Manifest
from push_manifest.verify.compare import PageReport, compare_page, listing, total
from push_manifest.verify.recorder import (
    CHROMIUM,
    QUIET_MS,
    TIMEOUT_S,
    BrowserDevice,
    BrowserUnavailable,
    PageRecording,
    launch_async,
    record_page_async,
    require_driver,
    require_executable,
)
from push_manifest.verify.server import serve

Listing = Mapping[str, Mapping[str, str]]
"""page key → (url → why it is listed)."""


@dataclass(frozen=True, slots=True)
class VerifyResult:
    pages: tuple[PageReport, ...]
    """In input order."""
    recordings: Mapping[str, PageRecording]
    """What the browser fetched, by page key (absent for a page that failed)."""

    @property
    def recall(self) -> tuple[int, int]:
        return total(page.recall for page in self.pages if not page.error)

    @property
    def precision(self) -> tuple[int, int]:
        return total(page.precision for page in self.pages if not page.error)

    @property
    def failed(self) -> tuple[PageReport, ...]:
        return tuple(page for page in self.pages if page.error)


def page_url(key: str) -> str:
    """The URL path a static server answers for page ``key``, percent-encoded."""
    return "/" + quote(key)


def manifest_listing(manifest: Manifest) -> dict[str, dict[str, str]]:
    """The crawled manifest as page key → (url → the ``--verbose`` reason)."""
    return {page.key: listing(page.resources, page.url) for page in manifest.pages}


def read_listing(path: Path, pages: Sequence[str]) -> dict[str, dict[str, str]]:
    """A JSON manifest file (single- or multi-page format) as page key → (url → reason).

    A single-page file applies to the one page in ``pages``. Raises :class:`InputError`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InputError(f"cannot read the manifest {str(path)!r}: {error}") from error
    if not isinstance(data, dict):
        raise InputError(f"{str(path)!r} is not a JSON manifest (an object)")
    reason = f"listed in {path.name}"
    single = all(isinstance(v, dict) and "type" in v for v in data.values())
    if single and data:
        if len(pages) != 1:
            raise InputError(
                f"{str(path)!r} is a single-page manifest; verify it with exactly one page"
            )
        return {pages[0]: dict.fromkeys(data, reason)}
    return {
        str(key): dict.fromkeys(value, reason) if isinstance(value, dict) else {}
        for key, value in data.items()
    }


WORKERS = 4
"""Pages loaded at once by default (see the README's figures)."""
GRACE_S = 10.0
"""Beyond its own timeout, how long a page may take before it is given up as hung."""

_STARTUP = ""
"""The key of the message that the browser could not start."""

_Done = queue.Queue[tuple[str, PageRecording | None, str]]


async def _record_all(
    origin: str,
    pages: Sequence[str],
    *,
    device: BrowserDevice,
    executable: str,
    workers: int,
    quiet_ms: int,
    timeout_s: float,
    done: _Done,
) -> None:
    """One Playwright driver and one Chromium; ``workers`` pages in flight at once, each in
    its own context; every outcome put on ``done``. A browser that died is started again."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        try:
            browser = await launch_async(playwright, executable)
        except BrowserUnavailable as error:
            done.put((_STARTUP, None, str(error)))
            return
        todo = iter(pages)
        relaunch = asyncio.Lock()

        async def work() -> None:
            nonlocal browser
            for key in todo:
                try:
                    async with relaunch:
                        if not browser.is_connected():
                            browser = await launch_async(playwright, executable)
                    recorded = await asyncio.wait_for(
                        record_page_async(
                            browser, origin, page_url(key), quiet_ms=quiet_ms,
                            timeout_s=timeout_s, device=device,
                        ),
                        timeout_s + GRACE_S,
                    )  # fmt: skip
                except TimeoutError:
                    done.put((key, None, f"no answer within {timeout_s + GRACE_S:g} s (hung)"))
                except Exception as error:  # a crash or a dead browser: this page only
                    lines = str(error).strip().splitlines()
                    done.put((key, None, f"{type(error).__name__}: {lines[0] if lines else ''}"))
                else:
                    done.put((key, recorded, ""))

        try:
            await asyncio.gather(*(work() for _ in range(workers)))
        finally:
            with contextlib.suppress(Exception):
                await browser.close()


def record_pages(
    root: Path,
    pages: Sequence[str],
    *,
    device: BrowserDevice,
    executable: str = CHROMIUM,
    workers: int = WORKERS,
    quiet_ms: int = QUIET_MS,
    timeout_s: float = TIMEOUT_S,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, PageRecording], dict[str, str]]:
    """Serve ``root`` on 127.0.0.1 and record every page, ``workers`` at once, in one
    Chromium with a fresh context per page.

    The browser is driven by Playwright's async API on a thread of its own (the caller may be
    inside Playwright's sync API, whose event loop owns this thread). Returns (recordings,
    errors) by page key. Raises :class:`BrowserUnavailable` when the driver or the browser is
    missing (before any page loads)."""
    require_driver()
    require_executable(executable)
    done: _Done = queue.Queue()
    recordings: dict[str, PageRecording] = {}
    errors: dict[str, str] = {}
    count = max(1, min(workers, len(pages)))
    with serve(root) as server:
        thread = threading.Thread(
            target=asyncio.run,
            args=(
                _record_all(
                    server.origin, pages, device=device, executable=executable,
                    workers=count, quiet_ms=quiet_ms, timeout_s=timeout_s, done=done,
                ),
            ),
            daemon=True,
        )  # fmt: skip
        thread.start()
        patience = timeout_s + 2 * GRACE_S  # the thread's own bound failed: a wedged driver
        last = time.monotonic()
        while len(recordings) + len(errors) < len(pages):
            try:
                key, recorded, error = done.get(timeout=1)
            except queue.Empty:
                if not thread.is_alive() or time.monotonic() - last > patience:
                    break
                continue
            last = time.monotonic()
            if key == _STARTUP:
                raise BrowserUnavailable(error)
            if recorded is not None:
                recordings[key] = recorded
            else:
                errors[key] = error
            if progress is not None:
                progress(len(recordings) + len(errors), len(pages))
        thread.join(timeout=GRACE_S)
    for key in pages:
        if key not in recordings and key not in errors:
            errors[key] = f"no answer within {patience:g} s (hung page or browser)"
    return recordings, errors


def verify(
    root: str | os.PathLike[str],
    listed: Listing,
    *,
    device: BrowserDevice,
    executable: str = CHROMIUM,
    workers: int = WORKERS,
    quiet_ms: int = QUIET_MS,
    timeout_s: float = TIMEOUT_S,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyResult:
    """Load every page of ``listed`` (keys relative to ``root``) in Chromium emulating
    ``device`` and compare what it fetched with what ``listed`` lists for it."""
    keys = list(listed)
    recordings, errors = record_pages(
        Path(root),
        keys,
        device=device,
        executable=executable,
        workers=workers,
        quiet_ms=quiet_ms,
        timeout_s=timeout_s,
        progress=progress,
    )
    reports: list[PageReport] = []
    for key in keys:
        url = page_url(key)
        if key in errors:
            reports.append(PageReport(key, url, error=errors[key]))
        else:
            reports.append(compare_page(key, url, recordings[key], listed[key]))
    return VerifyResult(tuple(reports), recordings)
