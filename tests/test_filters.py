"""Per-page filters and budgets: globs, types, depth, count and byte limits."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from push_manifest import build_manifest
from push_manifest.filters import (
    Cut,
    CutReason,
    FilterOptions,
    apply_filters,
    glob_match,
    parse_size,
    parse_types,
)
from push_manifest.model import (
    CrawlWarning,
    Destination,
    Manifest,
    PageManifest,
    Resource,
    WarningCode,
)

SiteMaker = Callable[[dict[str, str | bytes]], Path]


def res(
    url: str, type_: Destination = Destination.IMAGE, weight: int = 128, depth: int = 1
) -> Resource:
    return Resource(url=url, type=type_, weight=weight, depth=depth)


def one_page(*resources: Resource) -> Manifest:
    return Manifest(pages=(PageManifest("index.html", "/index.html", resources),), single=True)


def urls(manifest: Manifest, page: int = 0) -> list[str]:
    return [r.url for r in manifest.pages[page].resources]


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/img/*.png", "/img/a.png", True),
        ("/img/*.png", "/img/sub/a.png", False),
        ("/img/**", "/img/sub/deep/a.png", True),
        ("/img/**", "/imgs/a.png", False),
        ("/a/**/b.png", "/a/b.png", True),
        ("/a/**/b.png", "/a/x/y/b.png", True),
        ("/a/**/b.png", "/a/x/c.png", False),
        ("*.png", "/deep/down/a.png", True),
        ("*.png", "/a.png", True),
        ("*.png", "/a.png.gz", False),
        ("vendor/*.js", "/lib/vendor/x.js", True),
        ("vendor/*.js", "/lib/myvendor/x.js", False),
        ("/css/?.css", "/css/a.css", True),
        ("/css/?.css", "/css/ab.css", False),
        ("/img/[ab].png", "/img/b.png", True),
        ("/img/[!ab].png", "/img/b.png", False),
        ("/img/[!ab].png", "/img/c.png", True),
        ("/img/[a-c].png", "/img/c.png", True),
        ("/img/[.png", "/img/[.png", True),
        ("/a+b(1).css", "/a+b(1).css", True),
        ("/img/hero x.png", "/img/hero%20x.png", True),
        ("/img/hero%20x.png", "/img/hero%20x.png", True),
        ("/IMG/*.png", "/img/a.png", False),
    ],
)
def test_glob_match(pattern: str, path: str, expected: bool) -> None:
    assert glob_match(pattern, path) is expected


def test_no_filter_returns_the_manifest_itself() -> None:
    manifest = one_page(res("/a.png"))
    assert apply_filters(manifest, FilterOptions()) == (manifest, ())


def test_exclude_include_and_exclude_wins() -> None:
    manifest = one_page(res("/img/a.png"), res("/img/b.jpg"), res("/css/c.css"), res("/d.png?v=2"))
    kept, cuts = apply_filters(
        manifest, FilterOptions(include=("/img/**", "*.png"), exclude=("/img/b.*",))
    )
    assert urls(kept) == ["/img/a.png", "/d.png?v=2"]
    assert [(c.resource.url, c.reason) for c in cuts] == [
        ("/img/b.jpg", CutReason.EXCLUDED),
        ("/css/c.css", CutReason.NOT_INCLUDED),
    ]
    assert "'/img/b.*'" in cuts[0].detail


def test_types_and_the_untyped_name() -> None:
    manifest = one_page(
        res("/a.css", Destination.STYLE),
        res("/b.js", Destination.SCRIPT),
        res("/c", Destination.EMPTY),
        res("/d.png"),
    )
    kept, cuts = apply_filters(manifest, FilterOptions(types=parse_types(["style, none"])))
    assert urls(kept) == ["/a.css", "/c"]
    assert {c.reason for c in cuts} == {CutReason.TYPE}
    assert "'script'" in cuts[0].detail


def test_max_depth_keeps_what_is_near_the_page() -> None:
    manifest = one_page(res("/a.css", depth=1), res("/b.css", depth=2), res("/f.woff2", depth=3))
    kept, cuts = apply_filters(manifest, FilterOptions(max_depth=2))
    assert urls(kept) == ["/a.css", "/b.css"]
    assert [str(c) for c in cuts] == [
        "index.html: cut /f.woff2: depth 3 is over --max-depth 2 [max-depth]"
    ]


def test_max_resources_keeps_the_first_n_per_page() -> None:
    page_a = PageManifest("a.html", "/a.html", (res("/1"), res("/2"), res("/3")))
    page_b = PageManifest("b.html", "/b.html", (res("/4"),))
    kept, cuts = apply_filters(Manifest(pages=(page_a, page_b)), FilterOptions(max_resources=2))
    assert urls(kept, 0) == ["/1", "/2"]
    assert urls(kept, 1) == ["/4"]
    assert [(c.page, c.resource.url, c.reason) for c in cuts] == [
        ("a.html", "/3", CutReason.MAX_RESOURCES)
    ]


def test_selection_runs_before_the_count_limit() -> None:
    manifest = one_page(res("/skip.png"), res("/a.css"), res("/b.css"))
    kept, _ = apply_filters(manifest, FilterOptions(exclude=("/skip.png",), max_resources=2))
    assert urls(kept) == ["/a.css", "/b.css"]


def test_budget_keeps_what_fits_in_order_and_skips_what_does_not(make_site: SiteMaker) -> None:
    root = make_site(
        {"big.css": "x" * 600, "a.css": "x" * 300, "b.js": "x" * 500, "c.png": "x" * 150}
    )
    manifest = one_page(res("/a.css"), res("/big.css"), res("/b.js"), res("/c.png"), res("/gone"))
    kept, cuts = apply_filters(manifest, FilterOptions(budget=500), root)
    assert urls(kept) == ["/a.css", "/c.png", "/gone"]
    assert [(c.resource.url, c.reason) for c in cuts] == [
        ("/big.css", CutReason.BUDGET),
        ("/b.js", CutReason.BUDGET),
    ]
    assert cuts[0].detail == "600 bytes do not fit in the 200 bytes left of --budget 500"


def test_budget_is_per_page_and_measures_paths_without_query(make_site: SiteMaker) -> None:
    root = make_site({"a.css": "x" * 400})
    page = (res("/a.css?v=1"),)
    manifest = Manifest(pages=(PageManifest("1.html", "", page), PageManifest("2.html", "", page)))
    kept, cuts = apply_filters(manifest, FilterOptions(budget=400), root)
    assert urls(kept, 0) == urls(kept, 1) == ["/a.css?v=1"]
    assert cuts == ()
    _, cuts = apply_filters(manifest, FilterOptions(budget=399), root)
    assert len(cuts) == 2


def test_budget_never_measures_outside_the_root(make_site: SiteMaker, tmp_path: Path) -> None:
    root = make_site({"small.css": "x" * 10})
    (tmp_path / "outside.bin").write_bytes(b"x" * 10_000)
    os.symlink(tmp_path / "outside.bin", root / "link.bin")
    manifest = one_page(res("/link.bin"), res("/../outside.bin"), res("/small.css"))
    kept, cuts = apply_filters(manifest, FilterOptions(budget=10), root)
    assert urls(kept) == ["/link.bin", "/../outside.bin", "/small.css"]
    assert cuts == ()


def test_budget_needs_a_root() -> None:
    with pytest.raises(ValueError, match="root"):
        apply_filters(one_page(res("/a")), FilterOptions(budget=1))


def test_format_and_warnings_are_kept() -> None:
    warning = CrawlWarning(WarningCode.MISSING, "index.html", "gone", "/x")
    manifest = Manifest(
        pages=(PageManifest("index.html", "/index.html", (res("/a"), res("/b"))),),
        single=True,
        warnings=(warning,),
    )
    kept, _ = apply_filters(manifest, FilterOptions(max_resources=1))
    assert kept.single
    assert kept.warnings == (warning,)
    assert kept.pages[0].key == "index.html"


def test_depth_from_a_real_crawl(make_site: SiteMaker) -> None:
    root = make_site(
        {
            "index.html": '<link rel="stylesheet" href="a.css"><img src="i.png"><p>text</p>',
            "a.css": '@import "b.css"; body { background: url(bg.png) }',
            "b.css": "@font-face { font-family: x; src: url(f.woff2) format('woff2') }"
            " body { font-family: x }",
            "i.png": "",
            "bg.png": "",
            "f.woff2": "",
        }
    )
    manifest = build_manifest([root / "index.html"])
    assert set(urls(manifest)) == {"/a.css", "/b.css", "/f.woff2", "/bg.png", "/i.png"}
    one, _ = apply_filters(manifest, FilterOptions(max_depth=1))
    assert set(urls(one)) == {"/a.css", "/i.png"}
    two, _ = apply_filters(manifest, FilterOptions(max_depth=2))
    assert set(urls(two)) == {"/a.css", "/i.png", "/b.css", "/bg.png"}


def test_cut_str_names_page_resource_and_reason() -> None:
    cut = Cut("blog/a.html", res("/x.png"), CutReason.EXCLUDED, "matches --exclude '*.png'")
    assert str(cut) == "blog/a.html: cut /x.png: matches --exclude '*.png' [excluded]"


def test_parse_types() -> None:
    assert parse_types(["style,script", "font"]) == {
        Destination.STYLE,
        Destination.SCRIPT,
        Destination.FONT,
    }
    assert parse_types(["IMAGE none"]) == {Destination.IMAGE, Destination.EMPTY}
    with pytest.raises(ValueError, match=r"unknown type 'css'.*style"):
        parse_types(["css"])
    with pytest.raises(ValueError, match="no type"):
        parse_types([" , "])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14000", 14000),
        (14000, 14000),
        ("14k", 14000),
        ("14kB", 14000),
        ("14 KB", 14000),
        ("16KiB", 16384),
        ("1.5M", 1_500_000),
        ("1MiB", 1_048_576),
        ("2G", 2_000_000_000),
        ("0", 0),
    ],
)
def test_parse_size(text: str | int, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "-1", "ten", "14 kilobytes", "1e3", "5T"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


def test_parse_size_rejects_negative_int() -> None:
    with pytest.raises(ValueError):
        parse_size(-1)
