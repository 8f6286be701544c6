"""Documents are read through the site, scanned once, and handed over explicitly: the cache gets
exactly what was newly scanned, an HTML tree goes to whoever loaded it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from push_manifest.cache import UNREAD, Cache, Snapshot, content_digest, pack, unpack
from push_manifest.crawl import Crawler, CrawlOptions, documents_for
from push_manifest.documents import Document, Documents
from push_manifest.model import InlineKind, InlineText, Reference, Viewport, WarningCode
from push_manifest.site import Site

MakeSite = Callable[[dict[str, str | bytes]], Path]


def _documents(root: Path, *, max_size: int | None = None, prune: bool = True) -> Documents:
    return Documents(Site(root), viewport=Viewport(), prune=prune, max_size=max_size)


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the documents scanned (not taken from memory or the cache), in order."""
    scanned: list[str] = []
    for name in ("_scan_html", "_scan_css", "_scan_js"):
        original = getattr(Documents, name)

        def spy(self: Documents, data: bytes, document: str, fallback: str, _o=original):  # type: ignore[no-untyped-def]
            scanned.append(document)
            return _o(self, data, document, fallback)

        monkeypatch.setattr(Documents, name, spy)
    return scanned


def test_a_load_gives_the_scan_and_the_snapshot_of_the_file(make_site: MakeSite) -> None:
    root = make_site({"a.css": "body { background: url(i.png) }"})
    loaded = _documents(root).load("css", root / "a.css", "a.css", "utf-8")
    assert [r.url for r in loaded.document.items if isinstance(r, Reference)] == ["i.png"]
    data = (root / "a.css").read_bytes()
    status = (root / "a.css").stat()
    assert loaded.snapshot == Snapshot(
        "file", status.st_size, status.st_mtime_ns, content_digest(data)
    )
    assert loaded.tree is None


def test_an_html_load_hands_over_the_tree_it_parsed_and_remembers_none(
    make_site: MakeSite, scans: list[str]
) -> None:
    root = make_site({"f.html": '<p class="x">hi</p>'})
    documents = _documents(root)
    first = documents.load("html", root / "f.html", "f.html", "utf-8")
    assert first.tree is not None and first.tree.xpath("//p/@class") == ["x"]
    again = documents.load("html", root / "f.html", "f.html", "utf-8")
    assert again.document is first.document and again.tree is None, "the tree is not kept"
    assert scans == ["f.html"]
    # Without the tree at hand, it is parsed again from the file.
    tree = documents.tree(again, root / "f.html")
    assert tree is not first.tree and tree.xpath("//p/@class") == ["x"]
    assert documents.tree(first, root / "f.html") is first.tree


def test_pages_are_not_remembered(make_site: MakeSite, scans: list[str]) -> None:
    root = make_site({"p.html": "<p>hi</p>"})
    documents = _documents(root)
    for _ in range(2):
        documents.load("html", root / "p.html", "p.html", "utf-8", remember=False)
    assert scans == ["p.html", "p.html"]


def test_a_file_over_the_limit_is_not_read(make_site: MakeSite, scans: list[str]) -> None:
    root = make_site({"big.css": "a{}" * 100})
    loaded = _documents(root, max_size=100).load("css", root / "big.css", "big.css", "utf-8")
    assert loaded.document.unread and scans == []
    assert [w.code for w in loaded.document.warnings] == [WarningCode.TOO_LARGE]
    assert loaded.snapshot.digest.startswith(UNREAD) and loaded.snapshot.size == 300


def test_an_unreadable_file_is_a_warning(make_site: MakeSite) -> None:
    root = make_site({"index.html": ""})
    loaded = _documents(root).load("css", root / "gone.css", "gone.css", "utf-8")
    assert loaded.snapshot == Snapshot("missing")
    assert [w.code for w in loaded.document.warnings] == [WarningCode.UNREADABLE]


def test_inline_texts_are_scanned_once(make_site: MakeSite) -> None:
    documents = _documents(make_site({}))
    style = InlineText("a { background: url(x.png) }", InlineKind.STYLE_ELEMENT)
    assert documents.inline(style) is documents.inline(style)
    module = InlineText("import './m.js';", InlineKind.MODULE_SCRIPT)
    assert [r.url for r in documents.inline(module).items if isinstance(r, Reference)] == ["./m.js"]


SHARED: dict[str, str | bytes] = {
    "a.html": '<link rel="stylesheet" href="shared.css"><img src="a.png">',
    "b.html": '<link rel="stylesheet" href="shared.css"><script type="module" src="m.js"></script>',
    "shared.css": "@import 'base.css'; body { background: url(bg.png) }",
    "base.css": "p { color: red }",
    "m.js": "import './n.js';",
    "n.js": "",
}


def test_a_second_page_reuses_what_the_first_scanned(make_site: MakeSite, scans: list[str]) -> None:
    root = make_site(SHARED)
    crawler = Crawler(Site(root))
    crawler.page(root / "a.html")
    assert scans == ["a.html", "shared.css", "base.css"]
    scans.clear()
    result = crawler.page(root / "b.html")
    assert scans == ["b.html", "m.js", "n.js"], "the stylesheets are not scanned again"
    # Documents taken from memory are still the page's dependencies.
    assert {Path(path).name for path, _ in result.dependencies} >= {"shared.css", "base.css"}


def test_the_cache_gets_exactly_the_newly_scanned_documents(
    make_site: MakeSite, tmp_path: Path, scans: list[str]
) -> None:
    root = make_site(SHARED)
    site = Site(root)
    options = CrawlOptions()

    def cache() -> Cache:
        return Cache(tmp_path / "cache", "test", str(site.root), lambda p: site.read(Path(p)))

    first = cache()
    documents = documents_for(site, options, first)
    crawler = Crawler(site, options, documents)
    crawler.page(root / "a.html")
    taken = documents.take_new()
    assert [key.split(":")[-1] for key, _ in taken] == ["a.html", "shared.css", "base.css"]
    assert documents.take_new() == [], "handed over once"
    crawler.page(root / "b.html")
    new = documents.take_new()
    assert [key.split(":")[-1] for key, _ in new] == ["b.html", "m.js", "n.js"]
    assert all(isinstance(doc, Document) for _, doc in taken + new)
    first.store_documents([(key, pack(doc)) for key, doc in taken + new])
    first.close()

    # Another run (another process) finds them in the cache by content: nothing is scanned.
    scans.clear()
    second = cache()
    documents = documents_for(site, options, second)
    again = Crawler(site, options, documents)
    again.page(root / "a.html")
    again.page(root / "b.html")
    second.close()
    assert scans == []
    assert documents.take_new() == []


def test_without_a_cache_nothing_waits_to_be_stored(make_site: MakeSite) -> None:
    root = make_site(SHARED)
    documents = documents_for(Site(root), CrawlOptions())
    Crawler(Site(root), CrawlOptions(), documents).page(root / "a.html")
    assert documents.take_new() == []


def test_each_frame_is_pruned_on_its_own_tree(make_site: MakeSite) -> None:
    """A frame's stylesheet is matched on the tree that came with the frame's load: not the
    page's, nor the previous frame's (and, from memory, on the frame parsed again)."""
    files: dict[str, str | bytes] = {
        "index.html": '<p class="page">x</p><iframe src="f.html"></iframe>'
                      '<iframe src="g.html"></iframe>',
        "f.html": '<link rel="stylesheet" href="s.css"><p class="frame">y</p>',
        "g.html": '<link rel="stylesheet" href="t.css"><p class="other">z</p>',
        "s.css": ".page { background: url(page.png) } .frame { background: url(frame.png) }",
        "t.css": ".frame { background: url(f2.png) } .other { background: url(other.png) }",
    }  # fmt: skip
    root = make_site(files)
    crawler = Crawler(Site(root))
    for _ in range(2):
        urls = {r.url for r in crawler.page(root / "index.html").manifest.resources}
        assert {"/frame.png", "/other.png"} <= urls
        assert not {"/page.png", "/f2.png"} & urls


def test_a_document_survives_the_cache_round_trip(make_site: MakeSite) -> None:
    root = make_site({"a.css": "@import 'b.css'; p { background: url(i.png) }"})
    doc = _documents(root).load("css", root / "a.css", "a.css", "utf-8").document
    assert unpack(pack(doc)) == doc
