"""Huge and pathological input never causes an internal error, nor costs more than it must
(issue 16, items 3 and 4).

- A page, stylesheet, script or HTML import over the size limit (``max_page_size``, 64 MiB by
  default) is not read: a ``too-large`` warning names it, its size and the limit, and the run
  goes on. The tests set a small limit instead of writing huge files; ``bench/huge_page.py``
  measures the real thing.
- libxml2's XPath gives up on node-sets of more than ten million nodes (a 200 MB page of table
  cells): pruning then walks the tree or keeps what it cannot rule out. Simulated here by
  making every XPath fail the way libxml2 does.
- Elements nested deeper than libxml2 can parse are read flattened below a cut: what CSS may
  style there is listed, not pruned, with a ``too-deep`` warning.
- An element with 100,000 attributes (libxml2's duplicate check is quadratic: about 100 s)
  is handed to libxml2 with at most ``MAX_ATTRIBUTES`` distinct ones plus those the scanners
  and selector matching read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from click.testing import CliRunner
from lxml import etree

from push_manifest import CrawlOptions, Manifest, WarningCode, build_manifest
from push_manifest.cli import cli
from push_manifest.crawl import MAX_PAGE_SIZE
from push_manifest.rendering import selectors as prune_module
from push_manifest.scanners import html as html_scanner
from push_manifest.scanners.html import MAX_ATTRIBUTES, parse_html

from .conftest import Area, FileSpy


def keys(manifest: Manifest, page: int = 0) -> list[str]:
    return [resource.url for resource in manifest.pages[page].resources]


def warnings_of(manifest: Manifest, code: WarningCode) -> list[Any]:
    return [warning for warning in manifest.warnings if warning.code is code]


# -- the size limit ----------------------------------------------------------------------------

BIG_PAGE = "<link rel=stylesheet href=a.css><img src=big.png>\n" + "<p>filler</p>\n" * 400
SMALL_PAGE = "<link rel=stylesheet href=a.css><img src=small.png>"
SITE: dict[str, str | bytes] = {
    "big.html": BIG_PAGE,
    "small.html": SMALL_PAGE,
    "a.css": "img { background: url(a.png) }",
    "big.png": b"png",
    "small.png": b"png",
    "a.png": b"png",
}


def test_the_default_limit_is_64_mib() -> None:
    assert MAX_PAGE_SIZE == 64 * 1024 * 1024
    assert CrawlOptions().max_page_size == MAX_PAGE_SIZE


def test_a_page_over_the_limit_is_skipped_with_a_warning_and_the_run_goes_on(area: Area) -> None:
    root = area.write(SITE)
    manifest = build_manifest([root / "big.html", root / "small.html"], root, max_page_size=4096)
    assert keys(manifest, 0) == []
    assert keys(manifest, 1) == ["/a.css", "/small.png", "/a.png"]
    (warning,) = warnings_of(manifest, WarningCode.TOO_LARGE)
    assert warning.document == "big.html"
    size = len(BIG_PAGE.encode())
    assert f"{size:,} bytes" in warning.message
    assert "4,096 bytes" in warning.message
    assert "--max-page-size" in warning.message
    assert "max_page_size" in warning.message


def test_a_page_over_the_limit_is_never_opened(area: Area, file_spy: FileSpy) -> None:
    """Its size is looked up first: a file of many gigabytes is never read whole."""
    root = area.write(SITE)
    with file_spy.active():
        build_manifest([root / "big.html"], root, max_page_size=4096)
    big = str((root / "big.html").resolve())
    assert [a for a in file_spy.accesses if a.op == "open" and a.path == big] == []


def test_a_stylesheet_over_the_limit_is_listed_but_not_read(area: Area) -> None:
    css = "p { background: url(p.png) }\n" + "/* filler */\n" * 400
    root = area.write({**SITE, "big.css": css, "p.png": b"png",
                       "index.html": "<link rel=stylesheet href=big.css><p>x</p>"})  # fmt: skip
    manifest = build_manifest([root / "index.html"], root, max_page_size=4096)
    assert keys(manifest) == ["/big.css"]
    (warning,) = warnings_of(manifest, WarningCode.TOO_LARGE)
    assert warning.document == "big.css"


@pytest.mark.parametrize("limit", [None, 0])
def test_no_limit(area: Area, limit: int | None) -> None:
    root = area.write(SITE)
    manifest = build_manifest([root / "big.html"], root, max_page_size=limit)
    assert keys(manifest) == ["/a.css", "/big.png", "/a.png"]
    assert warnings_of(manifest, WarningCode.TOO_LARGE) == []


def test_a_page_just_at_the_limit_is_read(area: Area) -> None:
    root = area.write(SITE)
    manifest = build_manifest([root / "big.html"], root, max_page_size=len(BIG_PAGE.encode()))
    assert keys(manifest) == ["/a.css", "/big.png", "/a.png"]


def test_the_cache_crawls_a_skipped_page_again_once_it_fits(area: Area, tmp_path: Path) -> None:
    root = area.write(SITE)
    cache = tmp_path / "cache"
    first = build_manifest([root / "big.html"], root, max_page_size=4096, cache_dir=cache)
    assert keys(first) == []
    again = build_manifest([root / "big.html"], root, max_page_size=4096, cache_dir=cache)
    assert keys(again) == []
    assert warnings_of(again, WarningCode.TOO_LARGE)
    (root / "big.html").write_text(SMALL_PAGE)
    shrunk = build_manifest([root / "big.html"], root, max_page_size=4096, cache_dir=cache)
    assert keys(shrunk) == ["/a.css", "/small.png", "/a.png"]


def test_the_cache_never_reads_a_changed_file_over_the_limit(
    area: Area, tmp_path: Path, file_spy: FileSpy
) -> None:
    root = area.write(SITE)
    cache = tmp_path / "cache"
    build_manifest([root / "big.html"], root, max_page_size=4096, cache_dir=cache)
    (root / "big.html").write_text(BIG_PAGE + "<p>more</p>\n" * 100)
    big = str(root / "big.html")
    with file_spy.active():
        again = build_manifest([root / "big.html"], root, max_page_size=4096, cache_dir=cache)
    assert [a for a in file_spy.accesses if a.op == "open" and a.path == big] == []
    assert warnings_of(again, WarningCode.TOO_LARGE)


def test_a_new_limit_is_a_new_cache(area: Area, tmp_path: Path) -> None:
    root = area.write(SITE)
    cache = tmp_path / "cache"
    assert keys(build_manifest([root / "big.html"], root, max_page_size=4096,
                               cache_dir=cache)) == []  # fmt: skip
    raised = build_manifest([root / "big.html"], root, max_page_size=None, cache_dir=cache)
    assert keys(raised) == ["/a.css", "/big.png", "/a.png"]


# -- libxml2's XPath limit (ten million nodes) -------------------------------------------------


def _failing_xpath(expression: str) -> Any:
    def evaluate(*args: object, **kwargs: object) -> object:
        raise etree.XPathEvalError("unknown error")  # what libxml2 says past 10,000,000 nodes

    return evaluate


HUGE = """<!doctype html><html><head><link rel=stylesheet href=s.css></head><body>
<div class="card a" id=one><span class=b autofocus>x</span></div><em>e</em></body></html>"""
HUGE_CSS = """.a { background: url(a.png) } .absent { background: url(absent.png) }
.a > .b { background: url(child.png) } .a + .b { background: url(sibling.png) }
em:focus { background: url(focus.png) }"""


def test_the_page_index_never_needs_xpath(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = parse_html(HUGE)
    expected = prune_module.PageIndex(tree)
    monkeypatch.setattr(prune_module, "_xpath", _failing_xpath)
    walked = prune_module.PageIndex(tree)
    assert walked.by_class == expected.by_class
    assert walked.by_id == expected.by_id
    assert walked.size == expected.size == 7
    assert walked.autofocus is expected.autofocus is True


def test_pruning_keeps_what_it_cannot_rule_out_when_xpath_fails(
    area: Area, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crash of issue 16 item 3 (``XPathEvalError`` from ``//@class`` on a 200 MB page): no
    error now; what the index decides alone is still decided, the rest is listed."""
    monkeypatch.setattr(prune_module, "_xpath", _failing_xpath)
    root = area.write({"index.html": HUGE, "s.css": HUGE_CSS})
    manifest = build_manifest([root / "index.html"], root)
    # .absent: no element has the class; .a > .b, .a + .b and em:focus need XPath: kept.
    assert sorted(keys(manifest)) == [
        "/a.png", "/child.png", "/focus.png", "/s.css", "/sibling.png",
    ]  # fmt: skip


# -- nesting deeper than libxml2 can parse -----------------------------------------------------

DEEP = 3000
DEEP_PAGE = (
    "<!doctype html><link rel=stylesheet href=s.css>\n<div class=top>\n"
    + "<div>" * DEEP
    + "<span class=deep><b>bold</b></span>"
    + "</div>" * DEEP
    + "\n<em>e</em></div>\n"
)
DEEP_CSS = """
@font-face { font-family: F; src: url(f.woff2) }
@font-face { font-family: F; font-weight: 700; src: url(f-bold.woff2) }
@font-face { font-family: Unused; src: url(unused.woff2) }
.deep { background: url(deep.png); font-family: F }
div span { background: url(span.png) }
div > .deep { background: url(child.png) }
.top em { background: url(em.png) }
.top > strong { background: url(strong.png) }
.none { background: url(none.png) }
"""


def test_what_may_apply_below_the_cut_is_listed_and_warned(area: Area) -> None:
    root = area.write({"index.html": DEEP_PAGE, "s.css": DEEP_CSS})
    manifest = build_manifest([root / "index.html"], root)
    found = keys(manifest)
    # The deep element's own image, those whose selector needs its lost tag (span) or its
    # lost parent, and the bold face its <b> (now a <br>) selects: listed.
    assert {"/deep.png", "/span.png", "/child.png", "/f.woff2", "/f-bold.woff2"} <= set(found)
    # Above the cut the tree is exact: matched as usual, and pruned as usual.
    assert "/em.png" in found
    assert not {"/strong.png", "/none.png", "/unused.woff2"} & set(found)
    (warning,) = warnings_of(manifest, WarningCode.TOO_DEEP)
    assert warning.document == "index.html"
    assert warning.line == 3
    assert "not pruned" in warning.message


def test_without_pruning_the_cut_loses_no_reference(area: Area) -> None:
    page = "<div>" * DEEP + "<img src=deep.png><svg><image href=svg.png></svg>" + "</div>" * DEEP
    root = area.write({"index.html": page + "<img src=after.png>"})
    manifest = build_manifest([root / "index.html"], root, prune=False)
    assert keys(manifest) == ["/deep.png", "/svg.png", "/after.png"]
    (warning,) = warnings_of(manifest, WarningCode.TOO_DEEP)
    assert "not pruned" not in warning.message


@pytest.mark.parametrize(
    "markup",
    [
        "<svg>" * DEEP + "<image href=x.png>",  # kept elements nested too deep
        "<table><tr><td>" * DEEP + "<img src=x.png>",
        "<div><td></div>" * DEEP + "<img src=x.png>",  # libxml2 nests what _flatten closes
        "<a href=y>" * DEEP + "<img src=x.png>",
    ],
)
def test_every_deep_shape_keeps_the_rest_of_the_page(area: Area, markup: str) -> None:
    root = area.write({"index.html": markup + "<img src=z.png>"})
    manifest = build_manifest([root / "index.html"], root, prune=False)
    assert keys(manifest)[-1] == "/z.png"
    tree = parse_html(markup)
    assert max(sum(1 for _ in element.iterancestors()) for element in tree.iter()) < 2048


# -- an element with 100,000 attributes --------------------------------------------------------

COUNT = 100_000


def _many_attributes() -> str:
    attributes = " ".join(f"data-a{i}=v" for i in range(COUNT))
    return (
        "<!doctype html><link rel=stylesheet href=s.css>\n"
        f"<div {attributes} class=box data-late=1 style='background: url(inline.png)'>\n"
        f"<img {attributes} src=img.png src=second.png></div>\n<p class=after>x</p>"
    )


MANY_CSS = """.box { background: url(box.png) } .after { background: url(after.png) }
[data-late] { background: url(late.png) } .nope { background: url(nope.png) }"""


def test_libxml2_is_handed_a_bounded_number_of_attributes(monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[str] = []
    parse = html_scanner._parse

    def spy(text: str) -> etree._Element:
        handed.append(text)
        return parse(text)

    monkeypatch.setattr(html_scanner, "_parse", spy)
    page = _many_attributes()
    tree = parse_html(page)
    (text,) = handed
    bound = MAX_ATTRIBUTES + len(html_scanner._READ_ATTRIBUTES)
    for tag in html_scanner._TAG.finditer(text):
        names = html_scanner._ATTRIBUTE.findall(text, tag.end(2), tag.end())
        assert len(names) <= bound
    assert len(text) < len(page) / 10
    assert max(len(element.attrib) for element in tree.iter()) <= bound
    assert [img.get("src") for img in tree.iter("img")] == ["img.png"]  # the first, as browsers
    assert [cast("int | None", p.sourceline) for p in tree.iter("p")] == [4]  # lines kept


def test_an_element_with_100000_attributes_gives_the_right_manifest(area: Area) -> None:
    root = area.write({"index.html": _many_attributes(), "s.css": MANY_CSS})
    manifest = build_manifest([root / "index.html"], root)
    # The style attribute's background beats .box's, so box.png is pruned (a browser fetches
    # inline.png only). data-late was dropped: its rule cannot be ruled out, so late.png is
    # listed; .nope is pruned.
    assert sorted(keys(manifest)) == [
        "/after.png", "/img.png", "/inline.png", "/late.png", "/s.css",
    ]  # fmt: skip
    (warning,) = warnings_of(manifest, WarningCode.TOO_LARGE)
    assert warning.line == 2
    assert f"{MAX_ATTRIBUTES}" in warning.message


def test_the_command_line_sets_the_limit(area: Area) -> None:
    root = area.write(SITE)
    args = ["-f", str(root / "big.html"), "-m", "-", "--no-cache"]
    skipped = CliRunner().invoke(cli, [*args, "--max-page-size", "4KiB"])
    assert skipped.exit_code == 0
    assert skipped.stdout == "{}\n"
    [warning] = skipped.stderr.splitlines()[:-1]
    assert warning.startswith("warning: big.html: ") and warning.endswith("[too-large]")
    unlimited = CliRunner().invoke(cli, [*args, "--max-page-size", "1kB", "--max-page-size", "0"])
    assert '"/big.png"' in unlimited.stdout
