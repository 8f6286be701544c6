"""http2-push-manifest: push/preload manifests for static sites, read as a browser reads them.

The library API::

    from push_manifest import build_manifest, render
    manifest = build_manifest(["dist/index.html"], root="dist")
    text = render(manifest, "json")
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from push_manifest.cache import default_cache_dir
from push_manifest.crawl import MAX_PAGE_SIZE, CrawlOptions
from push_manifest.device import DEVICES, Device
from push_manifest.errors import InputError, OutputError, PushManifestError
from push_manifest.model import (
    CrawlWarning,
    CrossOrigin,
    Destination,
    Manifest,
    PageManifest,
    Pointer,
    Resource,
    Viewport,
    WarningCode,
)
from push_manifest.pages import default_root, expand_pages
from push_manifest.pipeline import Progress, crawl_pages
from push_manifest.render.fonts import DEFAULT_INSTALLED
from push_manifest.site import Site
from push_manifest.writers import FORMATS, render

__version__ = "0.1.0"

__all__ = [
    "DEVICES",
    "FORMATS",
    "CrawlOptions",
    "CrawlWarning",
    "CrossOrigin",
    "Destination",
    "Device",
    "InputError",
    "Manifest",
    "OutputError",
    "PageManifest",
    "Pointer",
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
    prune: bool = True,
    jobs: int | None = 1,
    cache_dir: str | os.PathLike[str] | None = None,
    cache: bool | None = None,
    progress: Progress | None = None,
    explain: bool = True,
    max_page_size: int | None = MAX_PAGE_SIZE,
    installed_fonts: Iterable[str] = (),
) -> Manifest:
    """Crawl ``pages`` (files, directories meaning their ``index.html``, or glob patterns) and
    return their manifest, with the warnings met on the way.

    ``root`` defaults to the deepest directory containing every page. ``prune`` leaves out what
    the first render does not fetch; ``include_lazy`` keeps lazy images and imports. ``single``
    selects the single-page JSON format; by default it is used when exactly one page is given.
    ``jobs`` is the number of processes (``None``: every core). The incremental cache is on
    when ``cache_dir`` is given, or with ``cache=True`` in its default place for the root
    (:func:`push_manifest.cache.default_cache_dir`); ``cache=False`` turns it off.
    ``explain=False`` leaves each page's :attr:`PageManifest.pruned` empty (what was left out
    and why, which ``--verbose`` prints): a large site's reasons take much memory.
    ``max_page_size`` (bytes; default 64 MiB; ``None`` or 0: no limit): a page, or a stylesheet,
    script or HTML import it loads, larger than this is not read, with a ``too-large`` warning,
    and the run goes on. ``installed_fonts``: font families counted as installed on the
    visitors' devices, besides the default ones
    (:data:`~push_manifest.render.fonts.DEFAULT_INSTALLED`): a web font after one of them in a
    ``font-family`` list is not listed.
    The result is the same whatever ``jobs`` and the cache are. Raises :class:`InputError` when
    a page is missing or outside the root, or the root is unusable; never prints.
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
        prune=prune,
        explain=explain,
        max_page_size=max_page_size,
        installed_fonts=DEFAULT_INSTALLED | {name.strip().lower() for name in installed_fonts},
    )
    page_manifests, warnings = crawl_pages(
        site,
        paths,
        options,
        jobs=jobs,
        cache_dir=_cache_dir(cache_dir, cache, site.root),
        progress=progress,
    )
    return Manifest(
        pages=page_manifests,
        single=(len(paths) == 1) if single is None else single,
        warnings=warnings,
        root=str(site.root),
    )


def _cache_dir(given: str | os.PathLike[str] | None, cache: bool | None, root: Path) -> Path | None:
    if cache is False or (given is None and not cache):
        return None
    return Path(given) if given is not None else default_cache_dir(root)
