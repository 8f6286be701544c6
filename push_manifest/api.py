"""The library's two calls: :func:`build_manifest` crawls pages into a :class:`Manifest`;
:func:`build` does everything the command does but write: crawl, filter, render in one format,
and collect every warning, as a :class:`Result`.

Neither prints nor exits; unusable input raises :class:`~push_manifest.errors.InputError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from push_manifest.cache import default_cache_dir
from push_manifest.crawl import MAX_PAGE_SIZE, CrawlOptions
from push_manifest.errors import InputError
from push_manifest.filters import Cut, FilterOptions, apply_filters
from push_manifest.fingerprint import NOT_OUTPUT
from push_manifest.model import CrawlWarning, Manifest, Viewport
from push_manifest.pages import default_root, expand_pages, is_pattern
from push_manifest.pipeline import Progress, crawl_pages
from push_manifest.render.fonts import DEFAULT_INSTALLED
from push_manifest.site import Site
from push_manifest.writers import FORMATS, WriterOptions, write_output

__all__ = ["Options", "Result", "build", "build_manifest"]


@dataclass(frozen=True, slots=True)
class Options:
    """Everything that decides a run's output, as the command's options do (the README's
    option table; the command builds one of these and calls :func:`build`).

    Fields marked :data:`~push_manifest.fingerprint.NOT_OUTPUT` change how the work is done,
    never the text written."""

    pages: tuple[str | os.PathLike[str], ...]
    """Files, directories (their ``index.html``) or glob patterns (``-f``)."""
    root: str | os.PathLike[str] | None = None
    """The document root; ``None``: the deepest directory containing every page."""
    format: str = "json"
    """A name in :data:`~push_manifest.writers.FORMATS`."""
    single: bool | None = None
    """The single-page JSON format; ``None``: when one page is given and it is not a pattern."""
    viewport: Viewport = field(default_factory=Viewport)
    include_lazy: bool = False
    uniform_weights: bool = False
    prune: bool = True
    max_page_size: int | None = MAX_PAGE_SIZE
    installed_fonts: tuple[str, ...] = ()
    """Besides :data:`~push_manifest.render.fonts.DEFAULT_INSTALLED`."""
    filters: FilterOptions = field(default_factory=FilterOptions)
    writer: WriterOptions = field(default_factory=WriterOptions)
    explain: bool = field(default=False, metadata=NOT_OUTPUT)
    """Record what pruning left out and why (:attr:`PageManifest.pruned`, ``--verbose``)."""
    jobs: int | None = field(default=None, metadata=NOT_OUTPUT)
    """Processes; ``None``: one per core."""
    cache_dir: str | os.PathLike[str] | None = field(default=None, metadata=NOT_OUTPUT)
    cache: bool | None = field(default=None, metadata=NOT_OUTPUT)
    """As for :func:`build_manifest`."""
    progress: Progress | None = field(default=None, compare=False, metadata=NOT_OUTPUT)


@dataclass(frozen=True, slots=True)
class Result:
    """What a run produced: the text to write, and the manifests and warnings behind it."""

    text: str
    """The output in :attr:`Options.format`, every line ending with a newline: what the
    command writes (UTF-8, ``\\n``)."""
    manifest: Manifest
    """What was written: the crawled manifest after the filters, with every warning."""
    crawled: Manifest
    """Before the filters (what the run read), with the same warnings."""
    cuts: tuple[Cut, ...]
    """What the filters left out, and why."""

    @property
    def warnings(self) -> tuple[CrawlWarning, ...]:
        """The crawl's warnings, then those writing the format gave (a header budget, a host's
        limits)."""
        return self.manifest.warnings


def build(options: Options) -> Result:
    """Crawl, filter and render as ``options`` say; the :class:`Result` holds exactly what the
    command would write. Raises :class:`~push_manifest.errors.InputError` for unusable input,
    :class:`ValueError` for an unknown format."""
    if options.format not in FORMATS:
        raise ValueError(f"unknown format {options.format!r}; one of {', '.join(FORMATS)}")
    single = options.single
    if single is None:
        single = len(options.pages) == 1 and not is_pattern(os.fspath(options.pages[0]))
    crawled = build_manifest(
        options.pages,
        options.root,
        single=single,
        viewport=options.viewport,
        include_lazy=options.include_lazy,
        uniform_weights=options.uniform_weights,
        prune=options.prune,
        jobs=options.jobs,
        cache_dir=options.cache_dir,
        cache=options.cache,
        progress=options.progress,
        explain=options.explain,
        max_page_size=options.max_page_size,
        installed_fonts=options.installed_fonts,
    )
    kept, cuts = apply_filters(crawled, options.filters, crawled.root)
    output = write_output(kept, options.format, options.writer)
    if output.warnings:
        kept = replace(kept, warnings=kept.warnings + output.warnings)
        crawled = replace(crawled, warnings=kept.warnings)
    return Result(text=output.text, manifest=kept, crawled=crawled, cuts=tuple(cuts))


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
