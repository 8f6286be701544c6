"""One run's pages and options over the incremental cache: the record of the whole run, and
what callers keep with it. Light on purpose: a re-run with nothing changed is answered here
without loading the crawler (:mod:`push_manifest.pipeline`, imported only to crawl).
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from push_manifest.cache import Cache
from push_manifest.crawl_options import CrawlOptions
from push_manifest.fingerprint import output_key
from push_manifest.model import CrawlWarning, PageManifest, WarningCode
from push_manifest.site import Site
from push_manifest.version import __version__

__all__ = [
    "CACHE_HANDLED",
    "CrawlSession",
    "Crawled",
    "Progress",
    "cache_key",
    "cache_warning",
    "merge_warnings",
    "open_cache",
    "recorded_result",
]

CACHE_HANDLED = frozenset({"explain"})
"""Fields of :class:`CrawlOptions` that change output but stay out of the cache's key, because
the cache handles them per entry: each stored page records whether it was explained
(:attr:`PageResult.explained`), and a run that needs the reasons crawls again a page stored
without them, while a lean run may use an explained one."""

Progress = Callable[[int, int], None]
"""Called with (pages done, pages in all) as the crawl advances."""

Crawled = tuple[tuple[PageManifest, ...], tuple[CrawlWarning, ...]]
"""The page manifests of a run, in input order, and its warnings."""


class CrawlSession:
    """One run's pages and options over the incremental cache (a context manager: the cache
    is closed on leaving). A run whose record stands (the same pages and options, no file any
    of them depends on changed) is answered from it, and callers may keep what they derive
    from its result with it (:meth:`attach`, e.g. the text written): a re-run with nothing
    changed need not even unpack the manifests, nor load the crawler."""

    def __init__(
        self, site: Site, pages: Sequence[Path], options: CrawlOptions, cache_dir: Path | None
    ) -> None:
        self.site, self.pages, self.options = site, pages, options
        fingerprint = f"{_code_digest()}|{site.root}|{cache_key(options)!r}"
        self.setup = (site.root, options, cache_dir, fingerprint)
        """What a worker process opens the same site, options and cache with."""
        self.cache = open_cache(cache_dir, fingerprint, site)
        self.paths = [str(site.real_path(page)) for page in pages] if self.cache else []
        """The pages' real paths (the cache's keys; none without a cache)."""
        self.key = _run_key(self.paths, options.explain)
        """The run's record's key."""

    def __enter__(self) -> CrawlSession:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.cache is not None:
            self.cache.close()

    def recorded(self) -> Callable[[], Crawled] | None:
        """When the run's record stands: a function that unpacks its result (raising
        ``ValueError`` when the entry is not this user's); else None."""
        load = self.cache.run_loader(self.key) if self.cache is not None else None
        if load is None:
            return None

        def crawled() -> Crawled:
            found = _crawled(load(), len(self.pages))
            if found is None:
                raise ValueError("the run's record does not hold a run's result")
            return found

        return crawled

    def attached(self, name: bytes) -> object | None:
        """What :meth:`attach` kept under ``name`` with the run's record, while it stands."""
        return self.cache.attachment(self.key, name) if self.cache is not None else None

    def attach(self, name: bytes, value: object) -> None:
        """Keep ``value`` with the run's record (once the run is recorded: answered by
        :meth:`from_record` or crawled), until a run with other pages or options, or with a
        file changed, replaces the record."""
        if self.cache is not None and self.cache.problem is None:
            self.cache.attach(self.key, name, value)

    def from_record(self, progress: Progress | None = None) -> Crawled | None:
        """The run's manifests and warnings when its record stands (``progress`` is told the
        run is complete), else None: then :func:`~push_manifest.pipeline.crawl_stale`."""
        load = self.recorded()
        try:
            done = load() if load is not None else None
        except Exception:  # an entry not this user's, or not a run's result
            done = None
        if done is not None and progress is not None:
            progress(len(self.pages), len(self.pages))
        return done


def _run_key(paths: Sequence[str], explain: bool) -> bytes:
    """What identifies a run within one cache (whose fingerprint holds the options): its
    pages, in order, and whether it explains."""
    digest = hashlib.blake2b(b"explain" if explain else b"lean", digest_size=16)
    for path in paths:
        digest.update(os.fsencode(path) + b"\0")
    return digest.digest()


Recorded = tuple[tuple[PageManifest, ...], tuple[tuple[CrawlWarning, ...], ...]]
"""A run's record's result: the page manifests, and each page's warnings, in input order."""


def recorded_result(found: object, pages: int) -> Recorded | None:
    """``found`` when it is the result of a run of ``pages`` pages (what
    :meth:`Cache.store_run` kept), else None."""
    if (
        isinstance(found, tuple)
        and len(found) == 2
        and len(found[0]) == len(found[1]) == pages
        and all(isinstance(each, PageManifest) for each in found[0])
        and all(isinstance(each, CrawlWarning) for warns in found[1] for each in warns)
    ):
        return found[0], found[1]
    return None


def merge_warnings(per_page: Iterable[Sequence[CrawlWarning]]) -> tuple[CrawlWarning, ...]:
    """The pages' warnings in page order, each reported once (a shared stylesheet's)."""
    merged: dict[tuple[str, str, str], CrawlWarning] = {}
    for warnings in per_page:
        for warning in warnings:
            merged.setdefault((warning.code, warning.document, warning.reference), warning)
    return tuple(merged.values())


def _crawled(found: object, pages: int) -> Crawled | None:
    """The manifests and merged warnings of a recorded result (:func:`recorded_result`)."""
    recorded = recorded_result(found, pages)
    return None if recorded is None else (recorded[0], merge_warnings(recorded[1]))


def cache_key(options: CrawlOptions) -> tuple[tuple[str, object], ...]:
    """The options part of the incremental cache's key: every field of ``options`` (the
    viewport's too) that can change a page's result, read off the dataclass
    (:func:`~push_manifest.fingerprint.output_key`), but :data:`CACHE_HANDLED`. A field added to
    :class:`CrawlOptions` is in it unless marked :data:`~push_manifest.fingerprint.NOT_OUTPUT`."""
    return output_key(options, exempt=CACHE_HANDLED)


@functools.cache
def _code_digest() -> str:
    """A digest of this package's own code: a cache written by other code is never reused."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_warning(cache: Cache) -> CrawlWarning:
    """The warning that the cache could not be used, and what to do."""
    return CrawlWarning(
        code=WarningCode.CACHE,
        document=str(cache.directory),
        message=f"cannot use the cache: {cache.problem}; this run went on without it (fix the "
        "directory, choose another with --cache-dir DIR, or pass --no-cache)",
    )


def open_cache(directory: Path | None, fingerprint: str, site: Site) -> Cache | None:
    """The cache in ``directory`` for this code, site and options, read through ``site``."""
    if directory is None:
        return None
    return Cache(directory, fingerprint, str(site.root), lambda path: site.read(Path(path)))
