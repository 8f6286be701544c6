"""Responsive image selection.

The expected picks in ``IMG_CASES``, ``PICTURE_CASES`` and ``DENSITY_CASES`` are what headless
Chromium 156 loads (``img.currentSrc``, image-set requests) for the same markup and viewport.
"""

from __future__ import annotations

import pytest

from push_manifest.model import Viewport
from push_manifest.scanners import srcset as srcset_module
from push_manifest.scanners.srcset import (
    SUPPORTED_IMAGE_TYPES,
    ImageCandidate,
    ImageSelection,
    PictureSource,
    parse_srcset,
    select_density,
    select_image,
    select_picture,
    source_size,
)

DESKTOP = Viewport(1280, 800, 1.0)
RETINA = Viewport(1280, 800, 2.0)
PHONE = Viewport(375, 667, 3.0)
TABLET = Viewport(800, 600, 1.5)

C = ImageCandidate

PARSE_CASES: list[tuple[str, list[ImageCandidate]]] = [
    ("", []),
    ("   ", []),
    (",", []),
    ("a.png", [C("a.png")]),
    ("a.png 1x, b.png 2x", [C("a.png", density=1.0), C("b.png", density=2.0)]),
    ("a.png 1x,b.png 2x", [C("a.png", density=1.0), C("b.png", density=2.0)]),
    ("a.png\t2x\n,\nb.png", [C("a.png", density=2.0), C("b.png")]),
    ("a.png 400w, b.png 800w", [C("a.png", width=400), C("b.png", width=800)]),
    # Commas: inside a URL, at its end (which ends the candidate), between candidates.
    ("a.png,b.png 2x", [C("a.png,b.png", density=2.0)]),
    ("data:image/png;base64,AAAA 2x", [C("data:image/png;base64,AAAA", density=2.0)]),
    ("a.png, b.png 2x", [C("a.png"), C("b.png", density=2.0)]),
    ("a.png,, b.png 2x", [C("a.png"), C("b.png", density=2.0)]),
    (",a.png 2x", [C("a.png", density=2.0)]),
    ("a.png 1x,", [C("a.png", density=1.0)]),
    ("a.png  ,  b.png 0.5x", [C("a.png"), C("b.png", density=0.5)]),
    # Parentheses keep commas inside one descriptor, which is then invalid.
    ("a.png 2x(foo, bar), b.png", [C("b.png")]),
    ("a.png (foo, bar) 2x, b.png", [C("b.png")]),
    ("a.png 2x (foo", []),
    # Density descriptors: valid floating-point numbers, not negative.
    ("a.png .5x", [C("a.png", density=0.5)]),
    ("a.png 1e1x", [C("a.png", density=10.0)]),
    ("a.png 1.0x", [C("a.png", density=1.0)]),
    ("a.png 0x", [C("a.png", density=0.0)]),
    ("a.png -1x", []),
    ("a.png +1x", []),
    ("a.png 1.x", []),
    ("a.png 1X", []),
    ("a.png 1e999x", []),
    ("a.png x", []),
    # Width descriptors: valid non-negative integers, not zero.
    ("a.png 0w", []),
    ("a.png 100.5w", []),
    ("a.png +100w", []),
    ("a.png 99999999999w", []),
    ("a.png 100W", []),
    # Duplicates and conflicts drop the candidate; `h` needs `w` and is then ignored.
    ("a.png 1x 2x", []),
    ("a.png 100w 1x", []),
    ("a.png 100w 200w", []),
    ("a.png 100w 50h", [C("a.png", width=100)]),
    ("a.png 50h 100w", [C("a.png", width=100)]),
    ("a.png 50h", []),
    ("a.png 1x 50h", []),
    ("a.png 100w 50h 60h", []),
    ("a.png foo", []),
    ("a.png 2y, b.png 3x", [C("b.png", density=3.0)]),
]


@pytest.mark.parametrize(("value", "expected"), PARSE_CASES)
def test_parse_srcset(value: str, expected: list[ImageCandidate]) -> None:
    assert parse_srcset(value) == expected


def test_parse_srcset_returns_a_fresh_list() -> None:
    first = parse_srcset("a.png 1x, b.png 2x")
    first.clear()
    assert len(parse_srcset("a.png 1x, b.png 2x")) == 2


@pytest.mark.parametrize(
    ("sizes", "viewport", "expected"),
    [
        (None, DESKTOP, 1280.0),
        ("", DESKTOP, 1280.0),
        ("50vw", DESKTOP, 640.0),
        ("100px", DESKTOP, 100.0),
        ("10em", DESKTOP, 160.0),
        ("0", DESKTOP, 0.0),
        ("(min-width: 1000px) 50vw, 100vw", DESKTOP, 640.0),
        ("(min-width: 1000px) 50vw, 100vw", PHONE, 375.0),
        ("(max-width: 600px) 100vw, 33vw", DESKTOP, pytest.approx(422.4)),
        ("(min-width: 600px) 640px, (min-width: 400px) 50vw, 100vw", TABLET, 640.0),
        ("calc(50vw - 20px)", DESKTOP, 620.0),
        ("min(200px, 50vw)", PHONE, 187.5),
        ("calc(10px - 100px), 300px", DESKTOP, 0.0),
        ("-10px, 300px", DESKTOP, 300.0),
        ("200, 300px", DESKTOP, 300.0),
        ("50%, 300px", DESKTOP, 300.0),
        ("(min-width: 500px) 300px 400px, 600px", DESKTOP, 600.0),
        ("screen 100px, 200px", DESKTOP, 200.0),
        ("(foo) 100px, 200px", DESKTOP, 200.0),
        ("(width: foo) 100px, 200px", DESKTOP, 200.0),
        ("(max-width: 1px) 300px", DESKTOP, 1280.0),
        (", 100px", DESKTOP, 100.0),
        # `auto` needs layout: a bare `auto` entry means 100vw, as in Chromium.
        ("auto", DESKTOP, 1280.0),
        ("auto, 200px", DESKTOP, 1280.0),
        (" auto , 300px", DESKTOP, 1280.0),
        ("(max-width: 1px) 300px, auto, 150px", DESKTOP, 1280.0),
        ("200px, auto", DESKTOP, 200.0),
        ("(min-width: 1px) auto, 200px", DESKTOP, 200.0),
    ],
)
def test_source_size(sizes: str | None, viewport: Viewport, expected: float) -> None:
    assert source_size(sizes, viewport) == expected


WIDTHS = "a.png 400w, b.png 800w, c.png 1600w"
FIVE = "a.png 320w, b.png 640w, c.png 960w, d.png 1280w, e.png 2560w"

# (srcset, sizes, src, viewport, expected URL)
IMG_CASES: list[tuple[str | None, str | None, str | None, Viewport, str | None]] = [
    # No srcset: src as written.
    (None, None, "s.png", DESKTOP, "s.png"),
    (None, None, " s.png ", DESKTOP, "s.png"),
    (None, None, "", DESKTOP, None),
    (None, None, None, DESKTOP, None),
    # Density descriptors: the smallest density that covers the device, else the largest.
    ("a.png 1x, b.png 2x", None, None, DESKTOP, "a.png"),
    ("a.png 1x, b.png 2x", None, None, RETINA, "b.png"),
    ("a.png 1x, b.png 2x", None, None, TABLET, "b.png"),
    ("a.png 2x, b.png 1x", None, None, DESKTOP, "b.png"),
    ("a.png 1x, b.png 2.5x", None, None, TABLET, "b.png"),
    ("a.png 1x, b.png 1.5x, c.png 2x, d.png 3x", None, None, PHONE, "d.png"),
    ("a.png 1x, b.png 1.5x, c.png 2x, d.png 3x", None, None, TABLET, "b.png"),
    ("a.png 0.5x, b.png 0.75x", None, None, DESKTOP, "b.png"),
    ("a.png 2x", None, None, DESKTOP, "a.png"),
    ("a.png 1x, b.png 1x", None, None, DESKTOP, "a.png"),
    ("x.png 2x, y.png 2x, z.png 1x", None, None, RETINA, "x.png"),
    # src joins as 1x unless srcset has a 1x or any width descriptor.
    ("a.png 2x", None, "s.png", DESKTOP, "s.png"),
    ("a.png 2x", None, "s.png", RETINA, "a.png"),
    ("a.png 1x, b.png 2x", None, "s.png", DESKTOP, "a.png"),
    ("a.png", None, "s.png", DESKTOP, "a.png"),
    ("a.png 0.5x", None, "s.png", DESKTOP, "s.png"),
    ("", None, "s.png", DESKTOP, "s.png"),
    ("a.png foo", None, "s.png", RETINA, "s.png"),
    ("", None, None, DESKTOP, None),
    ("a.png foo", None, None, DESKTOP, None),
    ("a.png 2x", None, "", DESKTOP, "a.png"),
    ("a.png 2x", None, " ", DESKTOP, None),
    (WIDTHS, None, "s.png", DESKTOP, "c.png"),
    ("a.png 3000w", None, "s.png", DESKTOP, "a.png"),
    # Width descriptors through sizes (100vw when absent).
    (WIDTHS, None, None, DESKTOP, "c.png"),
    (WIDTHS, None, None, PHONE, "c.png"),
    (WIDTHS, "50vw", None, DESKTOP, "b.png"),
    (WIDTHS, "50vw", None, RETINA, "c.png"),
    (WIDTHS, "(min-width: 1000px) 300px, 100vw", None, DESKTOP, "a.png"),
    (WIDTHS, "(min-width: 1000px) 300px, 100vw", None, TABLET, "c.png"),
    (WIDTHS, "(max-width: 600px) 100vw, 33vw", None, RETINA, "c.png"),
    (WIDTHS, "(max-width: 600px) 100vw, 33vw", None, DESKTOP, "b.png"),
    (FIVE, "calc(50vw - 20px)", None, DESKTOP, "b.png"),
    (FIVE, "calc(50vw - 20px)", None, RETINA, "d.png"),
    (FIVE, "(foo) 100px, 200px", None, RETINA, "b.png"),
    (FIVE, "auto, 200px", None, DESKTOP, "d.png"),
    ("a.png 1280w, b.png 2560w", None, None, DESKTOP, "a.png"),
    ("a.png 640w, b.png 1280w, c.png 1920w", None, None, TABLET, "b.png"),
    # Mixed descriptors share one density scale; width-derived and 1x candidates dedupe.
    ("a.png 1000w, b.png 2x", None, None, DESKTOP, "b.png"),
    ("a.png, b.png 1000w", None, None, DESKTOP, "a.png"),
    ("a.png 300w, b.png 300w", "100px", None, DESKTOP, "a.png"),
    # A denser data: URL wins over the pick (Chromium counts it as already loaded).
    ("c.png 1x, data:image/png;base64,AAAA 3x", None, None, DESKTOP, "data:image/png;base64,AAAA"),
    ("data:image/png;base64,AAAA 1x, c.png 2x", None, None, DESKTOP, "data:image/png;base64,AAAA"),
    ("d,e.png 2x", None, "s.png", RETINA, "d,e.png"),
]


@pytest.mark.parametrize(("srcset", "sizes", "src", "viewport", "expected"), IMG_CASES)
def test_select_image_like_chromium(
    srcset: str | None, sizes: str | None, src: str | None, viewport: Viewport, expected: str | None
) -> None:
    selection = select_image(srcset, sizes, src, viewport)
    assert (selection.url if selection is not None else None) == expected


def test_selection_carries_the_attributes_of_the_element() -> None:
    assert select_image(WIDTHS, "50vw", "s.png", DESKTOP) == ImageSelection("b.png", WIDTHS, "50vw")
    assert select_image("a.png 2x", None, "s.png", DESKTOP) == ImageSelection(
        "s.png", "a.png 2x", None
    )
    assert select_image(None, "50vw", "s.png", DESKTOP) == ImageSelection("s.png")
    assert select_image("a.png 0w", "50vw", "s.png", DESKTOP) == ImageSelection("s.png")


S = PictureSource

# (sources, img src, img srcset, img sizes, viewport, expected URL)
PICTURE_CASES: list[
    tuple[list[PictureSource], str | None, str | None, str | None, Viewport, str | None]
] = [
    ([S("w.webp", type="image/webp")], "i.png", None, None, DESKTOP, "w.webp"),
    ([S("w.avif", type="image/avif")], "i.png", None, None, DESKTOP, "w.avif"),
    (
        [S("h.heic", type="image/heic"), S("w.webp", type="image/webp")],
        "i.png",
        None,
        None,
        DESKTOP,
        "w.webp",
    ),
    ([S("t.tiff", type="image/tiff")], "i.png", None, None, DESKTOP, "i.png"),
    ([S("j.jxl", type="image/jxl")], "i.png", None, None, DESKTOP, "j.jxl"),
    ([S("s.svg", type="image/svg+xml")], "i.png", None, None, DESKTOP, "s.svg"),
    ([S("a.png", type="IMAGE/PNG")], "i.png", None, None, DESKTOP, "a.png"),
    ([S("a.png", type=" image/webp ; codecs=x")], "i.png", None, None, DESKTOP, "a.png"),
    ([S("a.png", type="")], "i.png", None, None, DESKTOP, "a.png"),
    ([S("a.png", type=";")], "i.png", None, None, DESKTOP, "a.png"),
    ([S("a.png", type="image/webp,")], "i.png", None, None, DESKTOP, "i.png"),
    ([S("a.png", type="image/*")], "i.png", None, None, DESKTOP, "i.png"),
    # media: first match wins; absent or empty matches; unknown features do not.
    (
        [S("n.png", media="(max-width: 600px)"), S("w.png", media="(min-width: 601px)")],
        "i.png",
        None,
        None,
        DESKTOP,
        "w.png",
    ),
    (
        [S("n.png", media="(max-width: 600px)"), S("w.png", media="(min-width: 601px)")],
        "i.png",
        None,
        None,
        PHONE,
        "n.png",
    ),
    (
        [S("p.png", media="print"), S("s.png", media="screen")],
        "i.png",
        None,
        None,
        DESKTOP,
        "s.png",
    ),
    ([S("e.png", media="")], "i.png", None, None, DESKTOP, "e.png"),
    ([S("u.png", media="(foo)"), S("s.png")], "i.png", None, None, DESKTOP, "s.png"),
    ([S("u.png", media="not (foo)"), S("s.png")], "i.png", None, None, DESKTOP, "s.png"),
    ([S("u.png", media="(prefers-reduced-data: reduce)")], "i.png", None, None, DESKTOP, "i.png"),
    ([S("a.png", media="garbage (((")], "i.png", None, None, DESKTOP, "i.png"),
    (
        [S("a.png", media="(min-resolution: 2dppx)"), S("b.png")],
        "i.png",
        None,
        None,
        RETINA,
        "a.png",
    ),
    (
        [S("a.png", media="(min-resolution: 2dppx)"), S("b.png")],
        "i.png",
        None,
        None,
        DESKTOP,
        "b.png",
    ),
    # Sources without a usable candidate are skipped.
    ([S("", media="screen"), S("s.png")], "i.png", None, None, DESKTOP, "s.png"),
    ([S(" "), S("s.png")], "i.png", None, None, DESKTOP, "s.png"),
    ([S("x.png 0w"), S("s.png")], "i.png", None, None, DESKTOP, "s.png"),
    # A source picks among its own candidates with its own sizes; img src never joins.
    ([S("a.png 1x, b.png 2x")], "i.png", None, None, RETINA, "b.png"),
    ([S("a.png 2x")], "i.png", None, None, DESKTOP, "a.png"),
    ([S(WIDTHS, sizes="50vw")], "i.png", None, "100px", DESKTOP, "b.png"),
    ([S(WIDTHS)], "i.png", None, "100px", DESKTOP, "c.png"),
    ([S(WIDTHS, sizes="(min-width: 1000px) 300px, 100vw")], "i.png", None, None, DESKTOP, "a.png"),
    # Nothing matches: the img decides with its own attributes.
    (
        [S("a.png 400w, b.png 800w", media="(orientation: portrait)")],
        "i.png",
        "c.png 1x, d.png 2x",
        None,
        DESKTOP,
        "c.png",
    ),
    (
        [S("a.png 400w, b.png 800w", media="(orientation: portrait)")],
        "i.png",
        "c.png 1x, d.png 2x",
        None,
        PHONE,
        "b.png",
    ),
    ([], "i.png", None, None, DESKTOP, "i.png"),
    ([S("a.png")], None, None, None, DESKTOP, "a.png"),
    ([S("a.png 2x")], None, "b.png 1x", None, DESKTOP, "a.png"),
    ([S("p.png", media="print")], None, None, None, DESKTOP, None),
]


@pytest.mark.parametrize(
    ("sources", "src", "srcset", "sizes", "viewport", "expected"), PICTURE_CASES
)
def test_select_picture_like_chromium(
    sources: list[PictureSource],
    src: str | None,
    srcset: str | None,
    sizes: str | None,
    viewport: Viewport,
    expected: str | None,
) -> None:
    selection = select_picture(sources, src, srcset, sizes, viewport)
    assert (selection.url if selection is not None else None) == expected


def test_picture_selection_carries_the_source_attributes() -> None:
    source = S(WIDTHS, sizes="50vw", media="screen", type="image/png")
    assert select_picture([source], "i.png", None, None, DESKTOP) == ImageSelection(
        "b.png", WIDTHS, "50vw"
    )
    fallback = select_picture([S("p.png", media="print")], "i.png", "a.png 2x", "9px", RETINA)
    assert fallback == ImageSelection("a.png", "a.png 2x", "9px")


def test_supported_types_exclude_undecodable_formats() -> None:
    assert {"image/webp", "image/avif", "image/svg+xml", "image/png"} <= SUPPORTED_IMAGE_TYPES
    assert not {"image/heic", "image/tiff", "image/jp2"} & SUPPORTED_IMAGE_TYPES


G = [("g1", 1.0), ("g15", 1.5), ("g2", 2.0), ("g3", 3.0)]

# (options, viewport, expected)
DENSITY_CASES: list[tuple[list[tuple[str, float]], Viewport, str | None]] = [
    ([("a1", 1.0), ("a2", 2.0)], DESKTOP, "a1"),
    ([("a1", 1.0), ("a2", 2.0)], TABLET, "a2"),
    ([("a1", 1.0), ("a2", 2.0)], PHONE, "a2"),
    ([("b1", 1.0), ("b25", 2.5)], TABLET, "b25"),
    ([("c2", 2.0), ("c1", 1.0)], DESKTOP, "c1"),
    ([("d1", 1.0), ("d1b", 1.0), ("d3", 3.0)], DESKTOP, "d1"),
    ([("e05", 0.5), ("e075", 0.75)], RETINA, "e075"),
    ([("f3", 3.0)], DESKTOP, "f3"),
    (G, DESKTOP, "g1"),
    (G, TABLET, "g15"),
    (G, RETINA, "g2"),
    (G, PHONE, "g3"),
    ([("h2", 2.0), ("h2b", 2.0)], RETINA, "h2"),
    ([("i08", 0.8), ("i12", 1.2)], DESKTOP, "i12"),
    ([], DESKTOP, None),
]


@pytest.mark.parametrize(("options", "viewport", "expected"), DENSITY_CASES)
def test_select_density_like_chromium(
    options: list[tuple[str, float]], viewport: Viewport, expected: str | None
) -> None:
    assert select_density(options, viewport) == expected


def test_pure_parses_are_cached() -> None:
    value = "cache-1.png 1x, cache-2.png 2x"
    parse_srcset(value)
    before = srcset_module._parse_srcset.cache_info().hits
    select_image(value, None, None, RETINA)
    assert srcset_module._parse_srcset.cache_info().hits > before
