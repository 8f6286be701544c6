"""Run the oracle over a site: serve it, crawl it, load each page in Chromium, compare."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .chromium import (
    DEVICE_SCALE_FACTOR,
    QUIET_MS,
    TIMEOUT_S,
    VIEWPORT,
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


def page_url(key: str) -> str:
    """The URL path the static server answers for page ``key``, percent-encoded."""
    return "/" + quote(key)


def crawl(site: Path, pages: Sequence[str], *, prune: bool = True) -> Manifest:
    """The manifest of ``pages`` (keys under ``site``), crawled together as the CLI would, for
    the browser's viewport (1280x800 CSS px, device pixel ratio 1)."""
    # Imported here so that the recorder works while the crawler does not import.
    from push_manifest import build_manifest
    from push_manifest.model import Viewport

    viewport = Viewport(VIEWPORT["width"], VIEWPORT["height"], DEVICE_SCALE_FACTOR)
    return build_manifest([site / key for key in pages], root=site, viewport=viewport, prune=prune)


def record(
    browser: Browser,
    site: Path,
    pages: Sequence[str],
    *,
    quiet_ms: int = QUIET_MS,
    timeout_s: float = TIMEOUT_S,
) -> dict[str, PageRecording]:
    """Serve ``site`` on 127.0.0.1 and record each page in ``pages``."""
    with serve(site) as server:
        return {
            key: record_page(
                browser, server.origin, page_url(key), quiet_ms=quiet_ms, timeout_s=timeout_s
            )
            for key in pages
        }


def check_site(
    browser: Browser,
    site: Path,
    pages: Sequence[str] | None = None,
    *,
    allow: AllowList = {},  # noqa: B006 - read only
    quiet_ms: int = QUIET_MS,
    timeout_s: float = TIMEOUT_S,
    prune: bool = True,
) -> list[PageComparison]:
    """Compare the browser and the manifest on ``pages`` of ``site`` (default: every page).

    The allow-list entries used are those whose site is ``site``'s directory name.
    """
    site = site.resolve()
    keys = list(pages) if pages is not None else site_pages(site)
    manifest = crawl(site, keys, prune=prune)
    by_key = {page.key: page for page in manifest.pages}
    recordings = record(browser, site, keys, quiet_ms=quiet_ms, timeout_s=timeout_s)
    return [
        compare(recordings[key], by_key[key].resources, site=site.name, page=key, allow=allow)
        for key in keys
    ]
