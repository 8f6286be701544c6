"""Run the oracle over a site: serve it, crawl it, load each page in Chromium, compare."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from push_manifest.verify.run import page_url, record_pages

from .chromium import (
    BROWSER_DEVICES,
    QUIET_MS,
    TIMEOUT_S,
    PageRecording,
    record_page,
)
from .compare import AllowList, PageComparison, compare
from .server import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from push_manifest.model import Manifest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SITES = sorted(path.name for path in FIXTURES.glob("browser-*") if path.is_dir())
"""The repository's oracle fixture sites, ``fixtures/browser-*``."""


def site_pages(site: Path) -> list[str]:
    """Every ``*.html`` file under ``site``, as sorted root-relative keys (``sub/page.html``)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.is_file())


def crawl(
    site: Path, pages: Sequence[str], *, prune: bool = True, device: str = "desktop"
) -> Manifest:
    """The manifest of ``pages`` (keys under ``site``), crawled together as the CLI would with
    ``--device device``: the browser's viewport (desktop: 1280x800 CSS px, device pixel ratio
    1; mobile: 390x844 at 3, touch)."""
    # Imported here so that the recorder works while the crawler does not import.
    from push_manifest import build_manifest
    from push_manifest.device import DEVICES, Device

    emulated = BROWSER_DEVICES[device]
    viewport = DEVICES[Device(device)]
    assert (viewport.width, viewport.height, viewport.dpr) == (
        emulated.viewport["width"], emulated.viewport["height"], emulated.device_scale_factor
    ), "the oracle's device and --device disagree"  # fmt: skip
    return build_manifest([site / key for key in pages], root=site, viewport=viewport, prune=prune)


def record(
    browser: Browser,
    site: Path,
    pages: Sequence[str],
    *,
    quiet_ms: int = QUIET_MS,
    timeout_s: float = TIMEOUT_S,
    device: str = "desktop",
) -> dict[str, PageRecording]:
    """Serve ``site`` on 127.0.0.1 and record each page in ``pages`` on ``device``: one page in
    ``browser``; several with :data:`WORKERS` Chromium processes side by side (the recorder's
    time is mostly the quiet period after load, spent waiting), as ``verify`` records them.
    A page that cannot be recorded fails the run."""
    if len(pages) > 1:
        recordings, errors = record_pages(
            site, pages, device=BROWSER_DEVICES[device], workers=WORKERS,
            quiet_ms=quiet_ms, timeout_s=timeout_s,
        )  # fmt: skip
        assert not errors, f"pages not recorded: {errors}"
        return recordings
    with serve(site) as server:
        return {
            key: record_page(
                browser,
                server.origin,
                page_url(key),
                quiet_ms=quiet_ms,
                timeout_s=timeout_s,
                device=BROWSER_DEVICES[device],
            )
            for key in pages
        }


WORKERS = 3
"""Chromium processes recording a site's pages at once."""


def check_site(
    browser: Browser,
    site: Path,
    pages: Sequence[str] | None = None,
    *,
    allow: AllowList = {},  # noqa: B006 - read only
    quiet_ms: int = QUIET_MS,
    timeout_s: float = TIMEOUT_S,
    prune: bool = True,
    device: str = "desktop",
) -> list[PageComparison]:
    """Compare the browser and the manifest on ``pages`` of ``site`` (default: every page), on
    ``device`` (``desktop`` or ``mobile``: ``--device`` and the emulated browser alike).

    The allow-list entries used are those whose site is ``site``'s directory name.
    """
    site = site.resolve()
    keys = list(pages) if pages is not None else site_pages(site)
    manifest = crawl(site, keys, prune=prune, device=device)
    by_key = {page.key: page for page in manifest.pages}
    recordings = record(browser, site, keys, quiet_ms=quiet_ms, timeout_s=timeout_s, device=device)
    return [
        compare(recordings[key], by_key[key].resources, site=site.name, page=key, allow=allow)
        for key in keys
    ]
