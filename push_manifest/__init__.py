"""http2-push-manifest: push/preload manifests for static sites, read as a browser reads them.

The library API::

    from push_manifest import build_manifest, render
    manifest = build_manifest(["dist/index.html"], root="dist")
    text = render(manifest, "json")
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from push_manifest.crawl import CrawlOptions, Crawler
from push_manifest.errors import InputError, OutputError, PushManifestError
from push_manifest.model import (
    CrawlWarning,
    CrossOrigin,
    Destination,
    Manifest,
    PageManifest,
    Resource,
    Viewport,
    WarningCode,
)
from push_manifest.pages import default_root, expand_pages
from push_manifest.site import Site
from push_manifest.writers import FORMATS, render

__version__ = "0.1.0"

__all__ = [
    "FORMATS",
    "CrawlOptions",
    "CrawlWarning",
    "CrossOrigin",
    "Destination",
    "InputError",
    "Manifest",
    "OutputError",
    "PageManifest",
    "PushManifestError",
    "Resource",
    "Viewport",
    "WarningCode",
    "build_manifest",
    "render",
]


def build_manifest(
    pages: Sequence[str | os.PathLike[str]],
    root: str | os.PathLike[str] | None = None,
    *,
    single: bool | None = None,
    viewport: Viewport | None = None,
    include_lazy: bool = False,
    uniform_weights: bool = False,
) -> Manifest:
    """Crawl ``pages`` (files, directories meaning their ``index.html``, or glob patterns) and
    return their manifest, with the warnings met on the way.

    ``root`` defaults to the deepest directory containing every page. ``single`` selects the
    single-page JSON format; by default it is used when exactly one page is given. Raises
    :class:`InputError` when a page is missing or outside the root, or the root is unusable.
    """
    paths = expand_pages(pages)
    site = Site(root if root is not None else default_root(paths))
    for path in paths:
        if not site.contains(path):
            raise InputError(
                f"page {os.fspath(path)!r} is outside the root {str(site.root)!r}; "
                "pass a --root that contains every page"
            )
    options = CrawlOptions(
        viewport=viewport or Viewport(),
        include_lazy=include_lazy,
        uniform_weights=uniform_weights,
    )
    crawler = Crawler(site, options)
    page_manifests = tuple(crawler.page(path) for path in paths)
    return Manifest(
        pages=page_manifests,
        single=(len(paths) == 1) if single is None else single,
        warnings=crawler.warnings,
    )
