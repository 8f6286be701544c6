"""The library's two calls: :func:`build_manifest` crawls pages into a :class:`Manifest`;
:func:`build` does everything the command does but write: crawl, filter, render in one format,
and collect every warning, as a :class:`Result`.

Neither prints nor exits; unusable input raises :class:`~push_manifest.errors.InputError`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from push_manifest.cache import content_digest, default_cache_dir
from push_manifest.crawl_options import DEFAULT_INSTALLED, MAX_PAGE_SIZE, CrawlOptions
from push_manifest.errors import InputError
from push_manifest.filters import Cut, FilterOptions, apply_filters
from push_manifest.fingerprint import NOT_OUTPUT, output_key
from push_manifest.model import CrawlWarning, Manifest, PageManifest, Viewport, pickled_as_values
from push_manifest.pages import default_root, expand_pages, is_pattern
from push_manifest.session import Crawled, CrawlSession, Progress
from push_manifest.site import RealPaths, Site
from push_manifest.writers import FORMATS, WriterOptions, write_output

__all__ = ["Options", "Result", "Summary", "build", "build_manifest"]


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
    """Besides :data:`~push_manifest.crawl_options.DEFAULT_INSTALLED`."""
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
    written: str | os.PathLike[str] | None = field(default=None, metadata=NOT_OUTPUT)
    """The file an earlier run wrote this output to (``-m``). With the cache on, when that run's
    record stands (the same pages and options, no file they depend on changed) and the file
    still holds the text it wrote, the text is read back from it: nothing is crawled,
    filtered or written, and the manifests behind it are unpacked only when asked for
    (:attr:`Result.manifest`). Not with ``filters.budget``, which reads the listed files'
    sizes."""


@pickled_as_values
@dataclass(frozen=True, slots=True)
class Summary:
    """How much a manifest lists: what the command's last line reports."""

    pages: int
    entries: int
    """Resource entries, all pages together."""
    distinct: int
    """Distinct resource URLs."""

    @classmethod
    def of(cls, pages: Sequence[PageManifest]) -> Summary:
        resources = [resource.url for page in pages for resource in page.resources]
        return cls(len(pages), len(resources), len(set(resources)))


_Details = tuple[Manifest, Manifest, tuple[Cut, ...]]


@dataclass(frozen=True)
class Result:
    """What a run produced: the text to write, its warnings and counts, and the manifests
    behind it (:attr:`manifest`, :attr:`crawled`, :attr:`cuts`: made when first asked for,
    when the text came from an unchanged run's output, :attr:`Options.written`)."""

    text: str
    """The output in :attr:`Options.format`, every line ending with a newline: what the
    command writes (UTF-8, ``\\n``)."""
    warnings: tuple[CrawlWarning, ...]
    """The crawl's warnings, then those writing the format gave (a header budget, a host's
    limits)."""
    summary: Summary
    """What the text lists (:attr:`manifest`'s counts)."""
    details: Callable[[], _Details] = field(repr=False, compare=False)
    """Returns (:attr:`manifest`, :attr:`crawled`, :attr:`cuts`)."""
    read_back: bool = False
    """The text was read back from :attr:`Options.written`, which holds it."""

    @cached_property
    def _details(self) -> _Details:
        return self.details()

    @property
    def manifest(self) -> Manifest:
        """What was written: the crawled manifest after the filters, with every warning."""
        return self._details[0]

    @property
    def crawled(self) -> Manifest:
        """Before the filters (what the run read), with the same warnings."""
        return self._details[1]

    @property
    def cuts(self) -> tuple[Cut, ...]:
        """What the filters left out, and why."""
        return self._details[2]


def build(options: Options) -> Result:
    """Crawl, filter and render as ``options`` say; the :class:`Result` holds exactly what the
    command would write. Raises :class:`~push_manifest.errors.InputError` for unusable input,
    :class:`ValueError` for an unknown format."""
    if options.format not in FORMATS:
        raise ValueError(f"unknown format {options.format!r}; one of {', '.join(FORMATS)}")
    single = options.single
    if single is None:
        single = len(options.pages) == 1 and not is_pattern(os.fspath(options.pages[0]))
    options = replace(options, single=single)
    plan = _plan(
        options.pages,
        options.root,
        single=single,
        viewport=options.viewport,
        include_lazy=options.include_lazy,
        uniform_weights=options.uniform_weights,
        prune=options.prune,
        explain=options.explain,
        max_page_size=options.max_page_size,
        installed_fonts=options.installed_fonts,
        cache_dir=options.cache_dir,
        cache=options.cache,
    )
    name = _output_name(options)
    with plan.session() as session:
        reused = _reused_output(session, options, name)
        if reused is not None:
            if options.progress is not None:
                options.progress(len(plan.paths), len(plan.paths))
            return reused
        crawled = plan.manifest(_crawl(session, options.jobs, options.progress))
        result = _finish(crawled, options)
        if options.filters.budget is None:
            session.attach(name, _Written.of(result))
        return result


def _finish(crawled: Manifest, options: Options) -> Result:
    """Filter ``crawled`` and write it as ``options`` say."""
    kept, cuts = apply_filters(crawled, options.filters, crawled.root)
    output = write_output(kept, options.format, options.writer)
    details = _with_output_warnings(kept, crawled, cuts, output.warnings)
    return Result(output.text, details[0].warnings, Summary.of(kept.pages), lambda: details)


def _with_output_warnings(
    kept: Manifest, crawled: Manifest, cuts: Sequence[Cut], warnings: tuple[CrawlWarning, ...]
) -> _Details:
    """The manifests before and after the filters, both with the ``warnings`` writing the
    output gave after the crawl's, and the cuts."""
    if warnings:
        kept = replace(kept, warnings=kept.warnings + warnings)
        crawled = replace(crawled, warnings=kept.warnings)
    return kept, crawled, tuple(cuts)


@pickled_as_values
@dataclass(frozen=True, slots=True)
class _Written:
    """What a run's output was, kept with the run's record: the text's size and digest (the
    text itself is in the file it was written to), its warnings and counts."""

    size: int
    digest: str
    warnings: tuple[CrawlWarning, ...]
    summary: Summary

    @classmethod
    def of(cls, result: Result) -> _Written:
        data = result.text.encode("utf-8")
        return cls(len(data), content_digest(data), result.warnings, result.summary)


def _output_name(options: Options) -> bytes:
    """What names an output among those kept with one run's record: every option that
    changes output (the crawl's too, which the record's key already holds)."""
    return hashlib.blake2b(repr(output_key(options)).encode(), digest_size=16).digest()


def _reused_output(session: CrawlSession, options: Options, name: bytes) -> Result | None:
    """The result of an earlier run whose record stands, read back from the file it wrote
    (:attr:`Options.written`), when that file still holds that text."""
    if options.written is None or options.filters.budget is not None:
        return None
    written = session.attached(name)
    if not isinstance(written, _Written):
        return None
    text = _text_of(os.fspath(options.written), written)
    recorded = session.recorded() if text is not None else None
    if text is None or recorded is None:
        return None
    root = str(session.site.root)

    def details() -> _Details:
        manifests, warnings = recorded()
        crawled = Manifest(manifests, bool(options.single), warnings, root)
        kept, cuts = apply_filters(crawled, options.filters, crawled.root)
        extra = written.warnings[len(kept.warnings) :]
        return _with_output_warnings(kept, crawled, cuts, extra)

    return Result(text, written.warnings, written.summary, details, read_back=True)


def _text_of(path: str, written: _Written) -> str | None:
    """The text of the file at ``path`` when it is the one ``written`` describes, else None."""
    try:
        if os.stat(path).st_size != written.size:
            return None
        with open(path, "rb") as handle:
            data = handle.read(written.size + 1)
        if len(data) != written.size or content_digest(data) != written.digest:
            return None
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


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
    (:data:`~push_manifest.crawl_options.DEFAULT_INSTALLED`): a web font after one of them in a
    ``font-family`` list is not listed.
    The result is the same whatever ``jobs`` and the cache are. Raises :class:`InputError` when
    a page is missing or outside the root, or the root is unusable; never prints.
    """
    plan = _plan(
        pages,
        root,
        single=single,
        viewport=viewport,
        include_lazy=include_lazy,
        uniform_weights=uniform_weights,
        prune=prune,
        explain=explain,
        max_page_size=max_page_size,
        installed_fonts=installed_fonts,
        cache_dir=cache_dir,
        cache=cache,
    )
    with plan.session() as session:
        return plan.manifest(_crawl(session, jobs, progress))


def _crawl(session: CrawlSession, jobs: int | None, progress: Progress | None) -> Crawled:
    """The session's manifests and warnings: from its record, else crawled."""
    done = session.from_record(progress)
    if done is not None:
        return done
    # Imported here: a run answered from the record (or from the file it wrote) never loads
    # the crawler, its HTML, CSS and render modules: a third of such a run's time.
    from push_manifest.pipeline import crawl_stale

    return crawl_stale(session, jobs, progress)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A run's pages, site and crawl options, checked."""

    site: Site
    paths: list[Path]
    options: CrawlOptions
    cache_dir: Path | None
    single: bool

    def session(self) -> CrawlSession:
        return CrawlSession(self.site, self.paths, self.options, self.cache_dir)

    def manifest(self, crawled: Crawled) -> Manifest:
        """The manifest of the pages and warnings a crawl gave."""
        pages, warnings = crawled
        return Manifest(pages, self.single, warnings, str(self.site.root))


def _plan(
    pages: Sequence[str | os.PathLike[str]],
    root: str | os.PathLike[str] | None,
    *,
    single: bool | None,
    viewport: Viewport | None,
    include_lazy: bool,
    uniform_weights: bool,
    prune: bool,
    explain: bool,
    max_page_size: int | None,
    installed_fonts: Iterable[str],
    cache_dir: str | os.PathLike[str] | None,
    cache: bool | None,
) -> _Plan:
    """The pages expanded, the site, the crawl's options (:func:`build_manifest`'s)."""
    real_paths = RealPaths()
    paths = expand_pages(pages, real_paths)
    site = Site(root if root is not None else default_root(paths, real_paths), real_paths)
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
    return _Plan(
        site,
        paths,
        options,
        _cache_dir(cache_dir, cache, site.root),
        (len(paths) == 1) if single is None else single,
    )


def _cache_dir(given: str | os.PathLike[str] | None, cache: bool | None, root: Path) -> Path | None:
    if cache is False or (given is None and not cache):
        return None
    return Path(given) if given is not None else default_cache_dir(root)
