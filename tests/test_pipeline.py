"""Parallel crawling and the incremental cache never change the output."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from push_manifest import build_manifest, render
from push_manifest.cache import Cache, Snapshot, content_digest
from push_manifest.crawl import Crawler
from push_manifest.documents import Documents

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.gen_site import generate_site  # noqa: E402

PAGES = 80


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pipeline") / "site"
    generate_site(root, PAGES, seed=11)
    return root


def _run(site: Path, **options: object) -> tuple[str, tuple[str, ...]]:
    manifest = build_manifest([f"{site}/**/*.html"], root=site, **options)  # type: ignore[arg-type]
    return render(manifest), tuple(str(w) for w in manifest.warnings)


@pytest.mark.slow
def test_jobs_do_not_change_output_or_warnings(site: Path) -> None:
    single = _run(site, jobs=1)
    assert len(single[0]) > 10_000 and single[1]
    assert _run(site, jobs=2) == single
    assert _run(site, jobs=3) == single


@pytest.mark.slow
def test_cache_cold_warm_and_after_an_edit_give_the_fresh_output(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    fresh = _run(site, jobs=1)
    assert _run(site, jobs=2, cache_dir=cache) == fresh
    assert (cache / ".gitignore").read_text().endswith("*\n")

    parsed: list[str] = []
    for name in ("_scan_html", "_scan_css", "_scan_js"):
        original = getattr(Documents, name)

        def spy(self: Documents, data: bytes, document: str, fallback: str, _o=original):  # type: ignore[no-untyped-def]
            parsed.append(document)
            return _o(self, data, document, fallback)

        monkeypatch.setattr(Documents, name, spy)
    assert _run(site, jobs=1, cache_dir=cache) == fresh
    assert parsed == [], "a warm run with nothing changed reads no document"

    page = sorted(site.rglob("*.html"))[5]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", '<img src="/new-image.png"></body>'), "utf-8")
    try:
        edited = _run(site, jobs=1)
        parsed.clear()
        assert _run(site, jobs=1, cache_dir=cache) == edited
        assert "/new-image.png" in edited[0]
        assert parsed == [page.relative_to(site).as_posix()], "only the edited page is parsed"
    finally:
        page.write_text(text, "utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("junk", [b"not a database at all", b"SQLite format 3\x00" + b"\xff" * 200])
def test_corrupt_or_foreign_cache_is_ignored(site: Path, tmp_path: Path, junk: bytes) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "cache.sqlite").write_bytes(junk)
    assert _run(site, jobs=1, cache_dir=cache) == _run(site, jobs=1)


@pytest.mark.slow
def test_cache_from_other_options_is_not_reused(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(site, jobs=1, cache_dir=cache, uniform_weights=True)
    assert _run(site, jobs=1, cache_dir=cache) == _run(site, jobs=1)
    with sqlite3.connect(cache / "cache.sqlite") as db:
        (fingerprint,) = db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
    assert "('uniform_weights', False)" in fingerprint
    assert "('installed_fonts', ('arial'" in fingerprint  # installed fonts too


def test_a_deleted_image_invalidates_the_cached_page(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"index.html": '<img src="a.png">', "a.png": "x"})
    cache = tmp_path / "cache"
    first = build_manifest([root / "index.html"], cache_dir=cache)
    assert not first.warnings
    (root / "a.png").unlink()
    second = build_manifest([root / "index.html"], cache_dir=cache)
    assert [w.reference for w in second.warnings] == ["a.png"]


def test_a_fifo_where_a_cached_stylesheet_was_is_never_read(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"index.html": '<link rel="stylesheet" href="a.css">', "a.css": "a{}"})
    cache = tmp_path / "cache"
    build_manifest([root / "index.html"], cache_dir=cache)
    (root / "a.css").unlink()
    os.mkfifo(root / "a.css")
    manifest = build_manifest([root / "index.html"], cache_dir=cache)  # must not block
    assert [r.url for r in manifest.pages[0].resources] == ["/a.css"]


def test_what_pages_share_is_held_once_in_memory(site: Path) -> None:
    manifest = build_manifest([f"{site}/**/*.html"], root=site, jobs=2)
    entries = [entry for page in manifest.pages for entry in page.resources]
    assert len(entries) > 1000
    distinct = {id(entry) for entry in entries}
    assert len(distinct) == len(set(entries)), "equal entries of different pages are one object"
    assert len(distinct) < len(entries) * 0.8


def test_cycles_are_collected_every_so_many_pages_and_the_collector_restored() -> None:
    import gc
    import weakref

    from push_manifest import pipeline

    class Node:
        pass

    assert gc.isenabled()
    with pipeline._paced_gc() as page_done:
        assert not gc.isenabled()
        cycle = Node()
        cycle.self = cycle  # type: ignore[attr-defined]
        alive = weakref.ref(cycle)
        del cycle
        for _ in range(pipeline.PAGES_PER_COLLECTION - 1):
            page_done()
        assert alive() is not None, "nothing collects on allocation counts"
        page_done()
        assert alive() is None
    assert gc.isenabled()


def test_one_stylesheet_reached_at_two_urls_resolves_against_each(make_site) -> None:  # type: ignore[no-untyped-def]
    """The stylesheet is scanned once (one file) but its references resolve per URL."""
    root = make_site({
        "a/index.html": '<link rel="stylesheet" href="theme/site.css"><div class="x"></div>',
        "b/index.html": '<link rel="stylesheet" href="theme/site.css"><div class="x"></div>',
        "a/theme/site.css": ".x { background: url(bg.png) }",
        "a/theme/bg.png": b"",
        "b/theme/bg.png": b"",
    })  # fmt: skip
    (root / "b" / "theme" / "site.css").symlink_to(root / "a" / "theme" / "site.css")
    pages = [root / "a" / "index.html", root / "b" / "index.html"]
    manifest = build_manifest(pages, root=root, jobs=1, single=False)
    urls = [{r.url for r in page.resources} for page in manifest.pages]
    assert urls == [
        {"/a/theme/site.css", "/a/theme/bg.png"},
        {"/b/theme/site.css", "/b/theme/bg.png"},
    ]


def _pages_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every page entry the cache is asked for, from now on."""
    asked: list[str] = []
    original = Cache.page

    def spy(self: Cache, path: str, seen=None):  # type: ignore[no-untyped-def]
        asked.append(path)
        return original(self, path, seen)

    monkeypatch.setattr(Cache, "page", spy)
    return asked


def _pages_crawled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the pages crawled in this process, from now on."""
    crawled: list[str] = []
    original = Crawler.page

    def spy(self: Crawler, page: Path):  # type: ignore[no-untyped-def]
        crawled.append(page.name)
        return original(self, page)

    monkeypatch.setattr(Crawler, "page", spy)
    return crawled


def test_a_run_with_nothing_changed_is_answered_from_one_record(
    make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    root = make_site({
        "index.html": '<link rel="stylesheet" href="a.css"><img src="b.png">',
        "two.html": '<link rel="stylesheet" href="a.css">',
        "a.css": ".x { background: url(c.png) }", "b.png": "b", "c.png": "c",
    })  # fmt: skip
    cache = tmp_path / "cache"
    pages = [f"{root}/*.html"]
    cold = render(build_manifest(pages, root=root, cache_dir=cache, prune=False))
    asked = _pages_read(monkeypatch)
    assert render(build_manifest(pages, root=root, cache_dir=cache, prune=False)) == cold
    assert asked == [], "no page entry is read when no file changed"

    # A file some pages depend on changed: those pages are crawled again, the others come from
    # the record (no page entry is read either way).
    crawled = _pages_crawled(monkeypatch)
    (root / "b.png").unlink()  # index.html's alone
    edited = render(build_manifest(pages, root=root, cache_dir=cache, prune=False))
    assert crawled == ["index.html"] and asked == []
    assert edited == render(build_manifest(pages, root=root, prune=False))
    (root / "b.png").write_text("b")
    crawled.clear()
    (root / "a.css").write_text(".x { background: url(d.png) }")
    (root / "d.png").write_text("d")
    edited = render(build_manifest(pages, root=root, cache_dir=cache, prune=False))
    assert sorted(crawled) == ["index.html", "two.html"] and asked == []
    assert edited == render(build_manifest(pages, root=root, prune=False))
    assert "/d.png" in edited and "/c.png" not in edited

    # A file that was missing now exists: its warning goes.
    (root / "index.html").write_text('<img src="e.png">')
    assert [w.reference for w in build_manifest(pages, root=root, cache_dir=cache).warnings] == [
        "e.png"
    ]
    (root / "e.png").write_text("e")
    assert not build_manifest(pages, root=root, cache_dir=cache).warnings

    # Another set of pages, or an explaining run, is another run.
    asked.clear()
    one = build_manifest([root / "two.html"], root=root, cache_dir=cache, prune=False)
    assert [page.key for page in one.pages] == ["two.html"] and len(asked) == 1
    (root / "two.html").write_text('<link rel="stylesheet" href="a.css"><p class="y">t</p>')
    lean = build_manifest(pages, root=root, cache_dir=cache, explain=False)
    assert not any(page.pruned for page in lean.pages)  # a lean run keeps no reasons
    explained = build_manifest(pages, root=root, cache_dir=cache, explain=True)
    assert render(explained) == render(lean)
    assert [(p.key, [url for url, _ in p.pruned]) for p in explained.pages if p.pruned] == [
        ("two.html", ["/d.png"])  # no element has class x
    ]


@pytest.mark.parametrize(
    ("change", "stands"),
    [
        ("nothing", True),
        ("touch the hashed file", True),  # its time moved, its bytes did not: hashed again
        ("edit the hashed file", False),
        ("a symlink where the looked-at file was", False),
        ("create the missing file", False),
        ("a file where the directory was", False),
        ("delete the looked-at file", False),
    ],
)
def test_a_run_record_stands_exactly_while_its_files_are_unchanged(
    tmp_path: Path, change: str, stands: bool
) -> None:
    root = tmp_path / "site"
    root.mkdir()
    hashed, seen, missing, folder = (root / n for n in ("a.css", "b.png", "c.png", "d"))
    hashed.write_text("x{}")
    seen.write_text("b")
    folder.mkdir()
    data = hashed.read_bytes()
    st = hashed.stat()
    deps = {
        (str(hashed), True): Snapshot("file", st.st_size, st.st_mtime_ns, content_digest(data)),
        (str(seen), False): Snapshot("file"),
        (str(missing), False): Snapshot("missing"),
        (str(folder), False): Snapshot("dir"),
    }
    cache = Cache(tmp_path / "cache", "fingerprint", str(root))
    cache.store_run(b"run", deps, ("result",))
    cache.close()
    if change == "touch the hashed file":
        os.utime(hashed, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    elif change == "edit the hashed file":
        hashed.write_text("y{}")
    elif change == "a symlink where the looked-at file was":
        seen.unlink()
        seen.symlink_to(hashed)
    elif change == "create the missing file":
        missing.write_text("c")
    elif change == "a file where the directory was":
        folder.rmdir()
        folder.write_text("d")
    elif change == "delete the looked-at file":
        seen.unlink()
    again = Cache(tmp_path / "cache", "fingerprint", str(root))
    assert (again.run(b"run") == ("result",)) is stands
    again.close()
