"""Running a crawl over many pages: the incremental cache, worker processes, merged warnings.

The output never depends on how the work was split: pages are crawled in contiguous chunks,
results are put back in input order, and warnings are merged page by page in that order, each
reported once. A page's result holds every warning its crawl met, so a page served from the
cache reports the same warnings as a fresh crawl.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from push_manifest.cache import Cache, Packed, Snapshot, pack, unpack
from push_manifest.crawl import Crawler, CrawlOptions, PageResult, documents_for
from push_manifest.documents import Documents
from push_manifest.model import CrawlWarning, Resource
from push_manifest.session import (
    Crawled,
    CrawlSession,
    Progress,
    cache_warning,
    merge_warnings,
    open_cache,
    recorded_result,
)
from push_manifest.site import Site
from push_manifest.workers import Workers

MIN_PAGES_PER_PROCESS = 32
"""Below this many pages to crawl per worker, worker processes cost more than they save."""

PAGES_PER_COLLECTION = 4096
"""Pages crawled between two runs of Python's cyclic garbage collector (see :class:`_PacedGc`)."""

_worker: Crawler | None = None
_worker_documents: Documents | None = None
_worker_page_done: Callable[[], None] | None = None


def crawl_stale(session: CrawlSession, jobs: int | None, progress: Progress | None) -> Crawled:
    """Crawl what ``session``'s cache does not hold (its record does not stand): pages from
    their cache entries, the rest in this process or ``jobs`` workers; record the run."""
    cache, pages, options = session.cache, session.pages, session.options
    run = _Run(pages, _Store(cache, session.paths, options.explain), progress)
    stale = run.reuse(cache, options.explain, session.key)
    workers = min(jobs or os.cpu_count() or 1, max(1, len(stale) // MIN_PAGES_PER_PROCESS))
    if workers <= 1:
        documents = documents_for(session.site, options, cache)
        _crawl_here(run, stale, Crawler(session.site, options, documents), documents)
    else:
        _crawl_in_workers(run, stale, workers, session.setup)
    final = run.finished()
    manifests, per_page = tuple(r.manifest for r in final), tuple(r.warnings for r in final)
    warnings = merge_warnings(per_page)
    run.store.flush()
    if cache is not None and cache.problem is None:
        cache.store_run(session.key, run.dependencies, (manifests, per_page), run.page_deps)
    if cache is not None and cache.problem is not None:
        warnings += (cache_warning(cache),)
    return manifests, warnings


class _Run:
    """The results of one run's pages, by input index, as they come from the cache or a crawl:
    stored and compacted (:class:`_Store`), and counted for ``progress``."""

    def __init__(self, pages: Sequence[Path], store: _Store, progress: Progress | None) -> None:
        self.pages = pages
        self.store = store
        self.progress = progress
        self.results: list[PageResult | None] = [None] * len(pages)
        self.done = 0
        self.dependencies: dict[tuple[str, bool], Snapshot] = {}
        """Every file some page depends on (by path and whether hashed): what the run's own
        record (:meth:`Cache.store_run`) is checked against."""
        self.page_deps: list[tuple[tuple[str, bool], ...]] = [()] * len(pages)
        """Each page's own share of :attr:`dependencies`."""

    def reuse(self, cache: Cache | None, explain: bool, key: bytes) -> list[int]:
        """Take every page's result the cache holds: from the record of the same run (``key``)
        where none of the page's files changed, else from the page's own entry (one stored
        without the pruned list does not do when ``explain``). Return the indexes of the
        pages left to crawl."""
        stale: list[int] = []
        prior = cache.run_changes(key) if cache is not None else None
        kept: list[dict[tuple[str, bool], Snapshot] | None] = []
        recorded = None
        if prior is not None and len(prior[0]) == len(self.pages):
            kept, load = prior
            with contextlib.suppress(Exception):  # a record not signed by this user
                recorded = recorded_result(load(), len(self.pages))
        for index in range(len(self.pages)):
            mine: dict[tuple[str, bool], Snapshot] = {}
            if recorded is not None:
                hit = None
                if (deps := kept[index]) is not None:
                    mine = deps
                    hit = PageResult(recorded[0][index], recorded[1][index], (), explain)
            else:
                hit = cache.page(self.store.paths[index], mine) if cache is not None else None
            if isinstance(hit, PageResult) and (hit.explained or not explain):
                self.results[index] = self.store.compact(hit)
                self.dependencies.update(mine)
                self.page_deps[index] = tuple(mine)
            else:
                stale.append(index)
        self.done = len(self.pages) - len(stale)
        self.report()
        return stale

    def crawled(self, index: int, result: PageResult, packed: Packed | None = None) -> None:
        """A fresh ``result`` for page ``index`` (``packed``: the same, as a worker sent it)."""
        if self.store.cache is not None:
            mine = {(path, bool(snap.digest)): snap for path, snap in result.dependencies}
            self.dependencies.update(mine)
            self.page_deps[index] = tuple(mine)
        self.results[index] = self.store.page(index, result, packed)
        self.done += 1

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, len(self.pages))

    def finished(self) -> list[PageResult]:
        """Every page's result, in input order (the progress reported complete)."""
        final = [result for result in self.results if result is not None]
        if self.progress is not None:
            self.progress(len(self.pages), len(self.pages))
        return final


def _crawl_here(run: _Run, stale: Sequence[int], crawler: Crawler, documents: Documents) -> None:
    """Crawl the pages ``stale`` in this process, storing what each newly scans in
    ``documents`` (the crawler's)."""
    with _paced_gc() as page_done:
        for index in stale:
            run.crawled(index, crawler.page(run.pages[index]))
            page_done()
            run.store.documents(documents.take_new())
            if run.done % 16 == 0:
                run.report()


def _crawl_in_workers(
    run: _Run,
    stale: Sequence[int],
    workers: int,
    setup: tuple[Path, CrawlOptions, Path | None, str],
) -> None:
    """Crawl the pages ``stale`` in ``workers`` processes (:func:`_start_worker` gets
    ``setup``), in contiguous chunks; results and new documents are stored as batches come."""
    chunk = max(1, min(64, len(stale) // (workers * 8)))
    chunks = [stale[i : i + chunk] for i in range(0, len(stale), chunk)]
    # Workers, not Pool or ProcessPoolExecutor: leaving the block (an error, Ctrl-C, SIGTERM
    # turned into SystemExit by the CLI) stops the workers instead of waiting for them, and
    # no lock is shared with a worker that a signal to the process group may kill.
    with Workers(_crawl_chunk, workers, _start_worker, setup) as pool:
        for batch, documents in pool.run([[(i, run.pages[i]) for i in c] for c in chunks]):
            for index, packed in batch:
                result = unpack(packed)
                assert isinstance(result, PageResult)
                run.crawled(index, result, packed)
            run.store.documents(documents)
            run.report()


class _Store:
    """Writes fresh results to the cache as they arrive, so that memory holds only what the
    output needs: a page's dependencies are dropped once stored, and equal resources, pruned
    entries and warnings of different pages (a shared stylesheet's) are one object."""

    def __init__(self, cache: Cache | None, paths: Sequence[str], explain: bool = True) -> None:
        """``paths``: the real paths of the pages, by index (the cache's keys)."""
        self.cache = cache
        self.paths = paths
        self.explain = explain
        self._rows: list[tuple[str, dict[str, Snapshot], PageResult | Packed]] = []
        self._resources: dict[Resource, Resource] = {}
        self._pruned: dict[tuple[str, str], tuple[str, str]] = {}
        self._warnings: dict[CrawlWarning, CrawlWarning] = {}

    def page(self, index: int, result: PageResult, packed: Packed | None = None) -> PageResult:
        """Store a fresh result (``packed``: the same, as a worker sent it) and return it
        compacted."""
        if self.cache is not None:
            path = self.paths[index]
            stored = result if packed is None else packed
            self._rows.append((path, dict(result.dependencies), stored))
            if len(self._rows) >= 256:
                self.flush()
        return self.compact(result)

    def compact(self, result: PageResult) -> PageResult:
        """``result`` without its dependencies (and without its pruned entries unless
        explaining), sharing equal entries with other pages."""
        manifest = result.manifest
        resources = tuple(self._resources.setdefault(each, each) for each in manifest.resources)
        pruned = (
            tuple(self._pruned.setdefault(each, each) for each in manifest.pruned)
            if self.explain
            else ()
        )
        warnings = tuple(self._warnings.setdefault(each, each) for each in result.warnings)
        return PageResult(replace(manifest, resources=resources, pruned=pruned), warnings, ())

    def documents(self, documents: Sequence[tuple[str, object]]) -> None:
        if self.cache is not None and documents:
            self.cache.store_documents(documents)

    def flush(self) -> None:
        """Write the results not written yet."""
        if self.cache is not None and self._rows:
            self.cache.store_pages(self._rows)
        self._rows = []


def _start_worker(
    root: Path, options: CrawlOptions, cache_dir: Path | None, fingerprint: str
) -> None:
    global _worker, _worker_documents, _worker_page_done
    site = Site(root)
    _worker_documents = documents_for(site, options, open_cache(cache_dir, fingerprint, site))
    _worker = Crawler(site, options, _worker_documents)
    gc.disable()  # for the worker's whole life: pages are paced by _PacedGc
    _worker_page_done = _PacedGc().page_done


class _PacedGc:
    """Python's cyclic garbage collector run on every object once per
    :data:`PAGES_PER_COLLECTION` pages, instead of on allocation counts: call :meth:`page_done`
    once per page, with automatic collection disabled (:func:`_paced_gc`).

    A crawl allocates millions of objects that form no cycle (CSS tokens, references, strings,
    compiled selectors kept in memos); the automatic collector kept scanning them and cost about
    an eighth of the crawl (``python -m bench.run``, 1,000 pages, one process). Collecting just
    the young objects every 256 pages still walked each object that outlived its page once:
    0.75 ms a page at 10,000 pages (4% of the crawl), and it never found a cycle to free on the
    benchmark's sites, cached or not, explained or not. The rare full collection remains, so
    memory stays bounded should some input make cycles.
    """

    def __init__(self) -> None:
        self.pages = 0

    def page_done(self) -> None:
        self.pages += 1
        if self.pages % PAGES_PER_COLLECTION == 0:
            gc.collect()


@contextlib.contextmanager
def _paced_gc() -> Iterator[Callable[[], None]]:
    """Automatic collection off for the block, which calls the function given once per page
    (:class:`_PacedGc`); the collector's previous state is restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield _PacedGc().page_done
    finally:
        if enabled:
            gc.enable()


def _crawl_chunk(
    chunk: list[tuple[int, Path]],
) -> tuple[list[tuple[int, Packed]], list[tuple[str, Packed]]]:
    assert _worker is not None and _worker_documents is not None
    assert _worker_page_done is not None
    batch = []
    for index, path in chunk:
        # Packed here, once: the parent unpacks it and stores these very bytes in the cache.
        batch.append((index, pack(_worker.page(path))))
        _worker_page_done()
    documents = [(key, pack(doc)) for key, doc in _worker_documents.take_new()]
    return batch, documents
