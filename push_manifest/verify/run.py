"""``verify(...)``: serve a site on loopback, load each page in headless Chromium, and compare
what it fetched with the manifest.

Pages load in parallel: each worker process drives its own Playwright and Chromium, taking
pages from one queue, each in a fresh context. A page that crashes or times out is reported as
such; the run goes on.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.queues import Queue
from pathlib import Path
from urllib.parse import quote

from push_manifest.errors import InputError
from push_manifest.model import Manifest
from push_manifest.verify.compare import Outcome, PageReport, compare_page, listing, total
from push_manifest.verify.recorder import (
    CHROMIUM,
    DESTINATIONS,
    QUIET_MS,
    TIMEOUT_S,
    BrowserDevice,
    BrowserUnavailable,
    PageRecording,
    launch,
    record_page,
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


_STARTUP = ""
"""The key of a worker's message that it could not start its browser."""


def _worker(
    origin: str,
    executable: str,
    device: BrowserDevice,
    quiet_ms: int,
    timeout_s: float,
    todo: Queue[str | None],
    results: Queue[tuple[str, PageRecording | None, str]],
) -> None:
    """One worker process: its own Playwright and Chromium, pages from ``todo`` until None."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = launch(playwright, executable)
            try:
                while (key := todo.get()) is not None:
                    try:
                        recorded = record_page(
                            browser, origin, page_url(key), quiet_ms=quiet_ms,
                            timeout_s=timeout_s, device=device,
                        )  # fmt: skip
                    except Exception as error:  # a crash or a dead browser: this page only
                        lines = str(error).strip().splitlines()
                        message = f"{type(error).__name__}: {lines[0] if lines else ''}"
                        results.put((key, None, message))
                    else:
                        results.put((key, recorded, ""))
            finally:
                browser.close()
    except Exception as error:
        results.put((_STARTUP, None, str(error) or type(error).__name__))


def record_pages(
    root: Path,
    pages: Sequence[str],
    *,
    device: BrowserDevice,
    executable: str = CHROMIUM,
    workers: int = 2,
    quiet_ms: int = QUIET_MS,
    timeout_s: float = TIMEOUT_S,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, PageRecording], dict[str, str]]:
    """Serve ``root`` on 127.0.0.1 and record every page with ``workers`` processes, each
    driving its own Chromium (Playwright's sync API and the recorder's event handling are
    Python: threads would share one interpreter lock).

    Returns (recordings, errors) by page key. Raises :class:`BrowserUnavailable` when the
    driver or the browser is missing (before any page loads)."""
    require_driver()
    require_executable(executable)
    spawn = multiprocessing.get_context("spawn")
    todo: Queue[str | None] = spawn.Queue()
    results: Queue[tuple[str, PageRecording | None, str]] = spawn.Queue()
    count = max(1, min(workers, len(pages)))
    for key in pages:
        todo.put(key)
    for _ in range(count):
        todo.put(None)
    recordings: dict[str, PageRecording] = {}
    errors: dict[str, str] = {}
    with serve(root) as server:
        processes = [
            spawn.Process(
                target=_worker,
                args=(server.origin, executable, device, quiet_ms, timeout_s, todo, results),
                daemon=True,
            )
            for _ in range(count)
        ]
        for process in processes:
            process.start()
        try:
            alive, startup = count, ""
            patience = 2 * timeout_s + 10  # a page hung in a way the recorder cannot bound
            last = time.monotonic()
            while len(recordings) + len(errors) < len(pages) and alive:
                try:
                    key, recorded, error = results.get(timeout=1)
                except queue.Empty:
                    alive = sum(process.is_alive() for process in processes)
                    if time.monotonic() - last > patience:
                        break
                    continue
                last = time.monotonic()
                if key == _STARTUP:
                    startup, alive = error, alive - 1
                    continue
                if recorded is not None:
                    recordings[key] = recorded
                else:
                    errors[key] = error
                if progress is not None:
                    progress(len(recordings) + len(errors), len(pages))
            if not recordings and not errors and startup:
                raise BrowserUnavailable(startup)
            for key in pages:
                if key not in recordings and key not in errors:
                    errors[key] = f"no answer within {patience:g} s (hung page or browser)"
        finally:
            for process in processes:
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()
    return recordings, errors


def verify(
    root: str | os.PathLike[str],
    listed: Listing,
    *,
    device: BrowserDevice,
    executable: str = CHROMIUM,
    workers: int = 2,
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


# An observed entry needs some type: XHR is a fetch, and Media is taken as video.
_DESTINATIONS = {**DESTINATIONS, "XHR": "fetch", "Media": "video"}
OBSERVED_WEIGHT = 1
"""The weight of an observed entry: below every static one."""


def observed_manifest(
    manifest: Manifest, result: VerifyResult, base: object = None
) -> dict[str, dict[str, dict[str, object]]]:
    """A multi-page JSON manifest: ``base`` (a manifest file's JSON) or else ``manifest``'s
    entries, then per page every URL the browser fetched during load that they lack (our miss
    or script-inserted), in fetch order, with ``"observed": true`` and weight 1."""
    from push_manifest.writers.json import page_object

    pages: dict[str, dict[str, dict[str, object]]] = {
        page.key: {url: dict(entry) for url, entry in page_object(page).items()}
        for page in manifest.pages
    }
    if isinstance(base, dict):
        single = len(pages) == 1 and all(isinstance(v, dict) and "type" in v for v in base.values())
        if single:
            pages = {next(iter(pages)): dict(base)}
        else:
            pages = {key: dict(base.get(key) or {}) for key in pages}
    for report in result.pages:
        entries = pages.setdefault(report.page, {})
        types = (
            {
                request.url: request.resource_type
                for request in result.recordings[report.page].requests
            }
            if report.page in result.recordings
            else {}
        )
        for entry in report.entries:
            if entry.outcome not in (Outcome.MISSED, Outcome.SCRIPT) or entry.url in entries:
                continue
            kind = _DESTINATIONS.get(types.get(entry.url, ""), "")
            item: dict[str, object] = {"type": kind, "weight": OBSERVED_WEIGHT}
            if kind == "font":
                item["crossorigin"] = "anonymous"
            item["observed"] = True
            entries[entry.url] = item
    return pages
