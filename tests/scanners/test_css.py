"""The CSS scanner on inline stylesheets: every construct, syntax and quirk it must read.

Expected choices among ``@font-face`` sources and ``image-set()`` candidates were checked
against Chromium 156 (which request a page makes).
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from push_manifest.model import Kind, Reference, Viewport
from push_manifest.scanners.css import (
    FontUse,
    ParsedCss,
    might_have_references,
    parse_style_attribute,
    parse_stylesheet,
    parse_stylesheet_bytes,
    reduce_stylesheet,
    scan_css,
    scan_font_uses,
)

DPR1 = Viewport()
DPR2 = Viewport(dpr=2.0)


def scan(css: str, viewport: Viewport = DPR1, media: tuple[str, ...] = ()) -> list[Reference]:
    return list(scan_css(parse_stylesheet(css), viewport, media))


def urls(css: str, viewport: Viewport = DPR1) -> list[str]:
    return [ref.url for ref in scan(css, viewport)]


def only(css: str, viewport: Viewport = DPR1, media: tuple[str, ...] = ()) -> Reference:
    found = scan(css, viewport, media)
    assert len(found) == 1, found
    return found[0]


# --- parsing and decoding -------------------------------------------------------------------


def test_parse_stylesheet_keeps_rules_and_no_errors() -> None:
    parsed = parse_stylesheet("a { color: red } @media print { b { color: blue } }", reduce=False)
    assert [node.type for node in parsed.nodes] == ["qualified-rule", "at-rule"]
    assert parsed.errors == ()
    assert parsed.encoding == "utf-8"
    assert not parsed.declarations_only


def test_parse_style_attribute_is_a_declaration_list() -> None:
    parsed = parse_style_attribute("color: red; background: url(a.png)")
    assert parsed.declarations_only
    assert [node.type for node in parsed.nodes] == ["declaration", "declaration"]


@pytest.mark.parametrize(
    ("data", "fallback", "encoding", "url"),
    [
        ("a{b:url(café.png)}".encode(), "utf-8", "utf-8", "café.png"),
        ("a{b:url(café.png)}".encode("latin-1"), "windows-1252", "windows-1252", "café.png"),
        (
            '@charset "iso-8859-15"; a{b:url(€.png)}'.encode("iso-8859-15"),
            "utf-8",
            "iso-8859-15",
            "€.png",
        ),
        # A BOM beats both @charset and the referring document's encoding.
        (
            b"\xef\xbb\xbf" + '@charset "latin1"; a{b:url(é.png)}'.encode(),
            "windows-1252",
            "utf-8",
            "é.png",
        ),
        (b"\xff\xfe" + "a{b:url(é.png)}".encode("utf-16-le"), "utf-8", "utf-16le", "é.png"),
        # @charset "utf-16" in an ASCII-compatible file means UTF-8 (CSS Syntax §3.2).
        ('@charset "utf-16"; a{b:url(é.png)}'.encode(), "windows-1252", "utf-8", "é.png"),
        ("a{b:url(é.png)}".encode(), "no-such-encoding", "utf-8", "é.png"),
    ],
)
def test_parse_stylesheet_bytes_decodes_like_a_browser(
    data: bytes, fallback: str, encoding: str, url: str
) -> None:
    parsed = parse_stylesheet_bytes(data, fallback)
    assert parsed.encoding == encoding
    assert [ref.url for ref in scan_css(parsed, DPR1)] == [url]


def test_invalid_bytes_are_replaced_not_raised() -> None:
    parsed = parse_stylesheet_bytes(b"a{b:url(\xff\xfe\xfd.png)}")
    assert [ref.url for ref in scan_css(parsed, DPR1)] == ["\ufffd\ufffd\ufffd.png"]


@pytest.mark.parametrize(
    ("css", "line", "fragment"),
    [
        ("a {}\nb { background: url(a b.png) }", 2, "URL"),
        ("a {}\n\nb { content: 'open", 3, "EOF"),
        ("a { color: red }\n}", 2, "}"),
        ("a { color: red }\nb", 2, "EOF"),
    ],
)
def test_parse_errors_are_returned_as_data(css: str, line: int, fragment: str) -> None:
    errors = parse_stylesheet(css).errors
    assert len(errors) == 1, errors
    assert errors[0][0] == line
    assert fragment.lower() in errors[0][1].lower()


def test_style_attribute_errors_are_returned_as_data() -> None:
    parsed = parse_style_attribute("color red; background: url(a.png)")
    assert parsed.errors and parsed.errors[0][0] == 1
    assert [ref.url for ref in scan_css(parsed, DPR1)] == ["a.png"]


# --- @import --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        '@import "a.css";',
        "@import 'a.css';",
        "@import 'a.css'",
        "@import url(a.css);",
        '@import url("a.css");',
        "@import url( 'a.css' );",
        '@IMPORT "a.css";',
        '@import"a.css";',
        "@import src('a.css');",
        "@import 'a\\2e css';",
    ],
)
def test_import_syntaxes(rule: str) -> None:
    ref = only(rule)
    assert (ref.url, ref.kind, ref.media, ref.attrs, ref.line) == (
        "a.css",
        Kind.CSS_IMPORT,
        (),
        (),
        1,
    )


@pytest.mark.parametrize(
    ("rule", "attrs", "media"),
    [
        ("@import 'a.css' screen;", {}, ("screen",)),
        (
            "@import url(a.css) screen and (min-width: 40em), print;",
            {},
            ("screen and (min-width: 40em), print",),
        ),
        ("@import 'a.css' layer;", {"layer": ""}, ()),
        ("@import 'a.css' layer(base.reset);", {"layer": "base.reset"}, ()),
        ("@import 'a.css' supports(display: grid);", {"supports": "display: grid"}, ()),
        (
            "@import url('a.css') layer(x) supports(not (display: grid)) print;",
            {"layer": "x", "supports": "not (display: grid)"},
            ("print",),
        ),
        ("@import 'a.css'   LAYER   screen ;", {"layer": ""}, ("screen",)),
    ],
)
def test_import_conditions(rule: str, attrs: dict[str, str], media: tuple[str, ...]) -> None:
    ref = only(rule, media=("(min-width: 1px)",))
    assert ref.url == "a.css"
    assert dict(ref.attrs) == attrs
    assert ref.media == ("(min-width: 1px)", *media)


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        ("@import 'a.css'; @import 'b.css';", ["a.css", "b.css"]),
        ("@charset 'utf-8'; @import 'a.css';", ["a.css"]),
        ("@layer base, theme; @import 'a.css';", ["a.css"]),
        ("p { color: red } @import 'a.css';", []),
        ("@import 'a.css'; p { color: red } @import 'b.css';", ["a.css"]),
        ("@media screen {} @import 'a.css';", []),
        ("@font-face { font-family: F } @import 'a.css';", []),
        ("@namespace svg url(http://www.w3.org/2000/svg); @import 'a.css';", []),
        ("@layer base {} @import 'a.css';", []),
        ("@property --x { syntax: '*'; inherits: false } @import 'a.css';", []),
        # Rules Chromium drops do not count: unknown at-rules, empty selectors, bad imports.
        ("@unknown stuff; @import 'a.css';", ["a.css"]),
        ("{} @import 'a.css';", ["a.css"]),
        ("@import foo; @import 'a.css';", ["a.css"]),
        # Not at the top level, or with a block: never an import.
        ("@media screen { @import 'a.css'; }", []),
        ("@import 'a.css' {}", []),
        ("@import '';", []),
        ("@import url();", []),
        ("@import;", []),
    ],
)
def test_import_position_and_validity(css: str, expected: list[str]) -> None:
    assert urls(css) == expected


# --- url() in declarations -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "url(a.png)",
        "url('a.png')",
        'url("a.png")',
        "url(  a.png  )",
        "url( 'a.png' )",
        "URL(a.png)",
        "Url('a.png')",
        "url('a.png' cross-origin(anonymous))",
        "src('a.png')",
        "u\\72 l(a.png)",
        "\\75 rl('a.png')",
        "url(a\\2e png)",
        "url('a\\2e png')",
        "url('a.png') !important",
    ],
)
def test_url_quoting_and_escapes(value: str) -> None:
    ref = only(f"div {{ background-image: {value} }}")
    assert (ref.url, ref.kind) == ("a.png", Kind.CSS_URL)


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("url(a\\29 b.png)", "a)b.png"),
        ("url('it\\'s.png')", "it's.png"),
        ('url("caf\\e9.png")', "café.png"),
        ("url(a\\ b.png)", "a b.png"),
        ("url('a b.png')", "a b.png"),
        ("url(data:image/png;base64,iVBOR=)", "data:image/png;base64,iVBOR="),
        ("url(#frag)", "#frag"),
        ("url(https://cdn.example/x.png?v=1#y)", "https://cdn.example/x.png?v=1#y"),
    ],
)
def test_url_is_yielded_as_written_after_unescaping(value: str, url: str) -> None:
    assert urls(f"div {{ background: {value} }}") == [url]


@pytest.mark.parametrize("value", ["url('')", 'url("")', "url()", "url(' ')", "src('')"])
def test_empty_url_is_skipped(value: str) -> None:
    assert urls(f"div {{ background: {value} }}") == []


def test_urls_in_comments_are_not_references() -> None:
    css = """
    /* @import 'x.css'; div { background: url(x.png) } */
    div { /* background: url(y.png); */ color: red; background: /* url(z.png) */ none }
    """
    assert urls(css) == []


def test_attrs_property_selector_and_line() -> None:
    css = "h1,\nh2 > .x:hover {\n  color: red;\n  Background-Image: url(a.png), url(b.png);\n}"
    found = scan(css)
    assert [(ref.url, ref.line) for ref in found] == [("a.png", 4), ("b.png", 4)]
    assert dict(found[0].attrs) == {"property": "background-image", "selector": "h1, h2 > .x:hover"}


def test_url_anywhere_in_a_value_and_every_property() -> None:
    css = """
    a { cursor: url(a.cur) 2 2, url(b.png), auto;
        background: linear-gradient(red, blue), var(--x, url(c.png)), url(d.png);
        mask: url(e.svg#m); list-style: square url(f.png) inside;
        border-image: url(g.png) 30 round; filter: url(#blur);
        content: -webkit-cross-fade(url(h.png), url(i.png), 50%) }
    """
    assert urls(css) == [
        "a.cur",
        "b.png",
        "c.png",
        "d.png",
        "e.svg#m",
        "f.png",
        "g.png",
        "#blur",
        "h.png",
        "i.png",
    ]


def test_custom_property_name_is_kept_as_written() -> None:
    ref = only(":root { --Hero-Image: url(hero.jpg) }")
    assert dict(ref.attrs) == {"property": "--Hero-Image", "selector": ":root"}


def test_references_come_in_source_order_across_kinds() -> None:
    css = """
    @import 'a.css';
    a { background: url(b.png) }
    @font-face { font-family: F; src: url(c.woff2) format('woff2') }
    @media print { b { background: image-set('d.png' 1x) } }
    c { background: url(e.png) }
    """
    assert [(ref.url, ref.kind) for ref in scan(css)] == [
        ("a.css", Kind.CSS_IMPORT),
        ("b.png", Kind.CSS_URL),
        ("c.woff2", Kind.CSS_FONT_FACE),
        ("d.png", Kind.CSS_IMAGE_SET),
        ("e.png", Kind.CSS_URL),
    ]


# --- nesting: group rules and CSS Nesting ----------------------------------------------------


@pytest.mark.parametrize(
    "wrapper",
    [
        "@supports (display: grid) { %s }",
        "@supports not (display: grid) { %s }",
        "@layer base { %s }",
        "@layer { %s }",
        "@container sidebar (min-width: 400px) { %s }",
        "@starting-style { %s }",
        "@supports (display: grid) { @layer x { @container (width > 1px) { %s } } }",
    ],
)
def test_url_inside_group_rules(wrapper: str) -> None:
    ref = only(wrapper % "div { background: url(a.png) }")
    assert (ref.url, ref.media, dict(ref.attrs)) == (
        "a.png",
        (),
        {"property": "background", "selector": "div"},
    )


@pytest.mark.parametrize(
    ("css", "selector"),
    [
        ("@scope (.card) to (.content) { img { background: url(a.png) } }", ".card img"),
        ("@scope (.card) { background: url(a.png) }", ".card"),
        ("@scope (.card) { :scope > & { background: url(a.png) } }", ":scope > .card"),
        ("@scope { background: url(a.png) }", ":scope"),
        (".a { @scope (.b) { img { background: url(a.png) } } }", ".a .b img"),
    ],
)
def test_scope_reads_like_nesting_under_its_root(css: str, selector: str) -> None:
    assert only(css).attr("selector") == selector


def test_media_blocks_accumulate_outermost_first() -> None:
    css = """
    @media screen {
      a { background: url(a.png) }
      @supports (display: grid) {
        @media (min-width: 40em) { b { background: url(b.png) } }
      }
    }
    c { background: url(c.png) }
    """
    found = scan(css, media=("all",))
    assert [(ref.url, ref.media) for ref in found] == [
        ("a.png", ("all", "screen")),
        ("b.png", ("all", "screen", "(min-width: 40em)")),
        ("c.png", ("all",)),
    ]


def test_empty_media_prelude_adds_nothing() -> None:
    assert only("@media { a { background: url(a.png) } }").media == ()


@pytest.mark.parametrize(
    ("css", "selector"),
    [
        (".a { .b { background: url(x.png) } }", ".a .b"),
        (".a { & .b { background: url(x.png) } }", ".a .b"),
        (".a { &:hover { background: url(x.png) } }", ".a:hover"),
        (".a { > .b { background: url(x.png) } }", ".a > .b"),
        (".a { .b & { background: url(x.png) } }", ".b .a"),
        (".a, .b { & > .c { background: url(x.png) } }", ":is(.a, .b) > .c"),
        (".a { .b, &.c { background: url(x.png) } }", ".a .b, .a.c"),
        (".a { .b { &:not(&) { background: url(x.png) } } }", ".a .b:not(.a .b)"),
        (".a { @media print { .b { background: url(x.png) } } }", ".a .b"),
    ],
)
def test_css_nesting_selectors(css: str, selector: str) -> None:
    assert only(css).attr("selector") == selector


def test_declarations_in_nested_group_rule_apply_to_the_parent() -> None:
    css = ".a { color: red; @media (min-width: 1px) { background: url(a.png) } }"
    ref = only(css)
    assert (ref.url, ref.attr("selector"), ref.media) == ("a.png", ".a", ("(min-width: 1px)",))


def test_nested_rule_after_declarations_with_url() -> None:
    css = ".a { background: url(a.png); .b { background: url(b.png) } cursor: url(c.cur) }"
    found = scan(css)
    assert [(ref.url, ref.attr("selector")) for ref in found] == [
        ("a.png", ".a"),
        ("b.png", ".a .b"),
        ("c.cur", ".a"),
    ]


def test_keyframes_urls_carry_the_animation_name() -> None:
    css = """
    @keyframes pulse { from { background: url(a.png) } 50%, to { background: url(b.png) } }
    @-webkit-keyframes spin { 0% { background: url(c.png) } }
    """
    found = scan(css)
    assert [(ref.url, dict(ref.attrs)) for ref in found] == [
        ("a.png", {"property": "background", "keyframes": "pulse"}),
        ("b.png", {"property": "background", "keyframes": "pulse"}),
        ("c.png", {"property": "background", "keyframes": "spin"}),
    ]


@pytest.mark.parametrize(
    "css",
    [
        "@page { background: url(a.png) }",
        "@page :first { margin: 1in; @top-left { background: url(a.png) } }",
        "@document url-prefix() { div { background: url(a.png) } }",
        "@-moz-document url-prefix() { div { background: url(a.png) } }",
        "@media screen { background: url(a.png) }",
        "@unknown { div { background: url(a.png) } }",
        "@counter-style x { symbols: url(a.png) }",
        "@property --x { syntax: '<url>'; inherits: false; initial-value: url(a.png) }",
        "div { @font-face { font-family: F; src: url(a.woff) } }",
        "div { @keyframes k { from { background: url(a.png) } } }",
        "@keyframes k { from { @media print { background: url(a.png) } } }",
        "background: url(a.png);",
    ],
)
def test_places_a_browser_fetches_nothing_from(css: str) -> None:
    assert urls(css) == []


# --- style attributes ------------------------------------------------------------------------


def test_style_attribute_urls_have_property_and_no_selector() -> None:
    parsed = parse_style_attribute(
        "color: red; BACKGROUND: url('a.png'); "
        "background-image: image-set('b1.png' 1x, 'b2.png' 2x)"
    )
    found = list(scan_css(parsed, DPR2, ("print",)))
    assert [(ref.url, ref.kind, ref.attrs, ref.media) for ref in found] == [
        ("a.png", Kind.CSS_URL, (("property", "background"),), ("print",)),
        ("b2.png", Kind.CSS_IMAGE_SET, (("property", "background-image"),), ("print",)),
    ]


def test_style_attribute_ignores_rules() -> None:
    parsed = parse_style_attribute("a { background: url(a.png) } @media x { b: url(b.png) }")
    assert list(scan_css(parsed, DPR1)) == []


# --- image-set() -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "at_1x", "at_2x"),
    [
        ("image-set('a1.png' 1x, 'a2.png' 2x)", "a1.png", "a2.png"),
        ("image-set(url(a1.png) 1x, url('a2.png') 2x)", "a1.png", "a2.png"),
        ("-webkit-image-set(url(a1.png) 1x, url(a2.png) 2x)", "a1.png", "a2.png"),
        ("-WEBKIT-IMAGE-SET('a1.png' 1X, 'a2.png' 2X)", "a1.png", "a2.png"),
        ("image-set('a2.png' 2x, 'a1.png' 1x)", "a1.png", "a2.png"),
        ("image-set('a1.png', 'a2.png' 2x)", "a1.png", "a2.png"),
        ("image-set('a1.png' 96dpi, 'a2.png' 192dpi)", "a1.png", "a2.png"),
        ("image-set('a1.png' 1dppx, 'a2.png' 2dppx)", "a1.png", "a2.png"),
        ("image-set('a1.png' 37.8dpcm, 'a2.png' 75.6dpcm)", "a1.png", "a2.png"),
        ("image-set('a1.png' 1x, 'a15.png' 1.5x, 'a3.png' 3x)", "a1.png", "a3.png"),
        ("image-set('a2.png' 2x, 'a3.png' 3x)", "a2.png", "a2.png"),
        ("image-set('a1.png' 1x, 'b1.png' 1x)", "a1.png", "a1.png"),
        ("image-set('a1.png' 0x, 'a2.png' 2x)", "a2.png", "a2.png"),
        ("linear-gradient(red, blue), image-set('a1.png' 1x, 'a2.png' 2x)", "a1.png", "a2.png"),
        ("image-set('a.webp' type('image/webp') 1x, 'a.png' 1x)", "a.webp", "a.webp"),
        ("image-set('a.webp' 1x type('image/webp'), 'b.png' 2x)", "a.webp", "b.png"),
        ("image-set('a.avif' type('IMAGE/AVIF'), 'b.png')", "a.avif", "a.avif"),
        ("image-set('a.jxl' type('image/jxl'), 'b.png')", "a.jxl", "a.jxl"),
        # Types Chromium does not decode in image-set() drop their option.
        ("image-set('a.heic' type('image/heic'), 'b.png')", "b.png", "b.png"),
        ("image-set('a.svg' type('image/svg+xml'), 'b.png')", "b.png", "b.png"),
        ("image-set('a.png' type('image/png; q=1'), 'b.png')", "b.png", "b.png"),
    ],
)
def test_image_set_picks_one_candidate(value: str, at_1x: str, at_2x: str) -> None:
    css = f".hero {{ background-image: {value} }}"
    one, two = only(css, DPR1), only(css, DPR2)
    assert (one.url, one.kind, two.url) == (at_1x, Kind.CSS_IMAGE_SET, at_2x)
    assert dict(one.attrs) == {"property": "background-image", "selector": ".hero"}


@pytest.mark.parametrize(
    "value",
    [
        "image-set('a1.png' 1x, 'a2.png' 2px)",
        "image-set('a1.png' 1x 2x)",
        "image-set('a1.png' -1x)",
        "image-set('a1.png' 2)",
        "image-set()",
        "image-set('a1.png' 1x,)",
        "image-set(red 1x)",
        "image-set('a.png' type(image/png))",
        "image-set('x.heic' type('image/heic'))",
    ],
)
def test_invalid_or_empty_image_set_fetches_nothing(value: str) -> None:
    assert urls(f"a {{ background-image: {value} }}", DPR2) == []


def test_image_set_choosing_a_gradient_fetches_nothing() -> None:
    css = "a { background-image: image-set(linear-gradient(red, blue) 1x, 'a2.png' 2x) }"
    assert urls(css, DPR1) == []
    assert urls(css, DPR2) == ["a2.png"]


def test_image_set_line_is_the_chosen_candidates() -> None:
    css = "a {\n  background: image-set(\n    'a1.png' 1x,\n    'a2.png' 2x)\n}"
    assert only(css, DPR2).line == 4


# --- @font-face ------------------------------------------------------------------------------


def font(src: str, extra: str = "") -> list[Reference]:
    return scan(f"@font-face {{ font-family: F; {extra} src: {src} }}")


@pytest.mark.parametrize(
    ("src", "url", "font_format"),
    [
        ("url(a.woff2) format('woff2'), url(a.woff) format('woff')", "a.woff2", "woff2"),
        # Chromium takes the first supported source, not the "best" format.
        ("url(a.ttf) format('truetype'), url(a.woff2) format('woff2')", "a.ttf", "truetype"),
        ("url(a.woff) format('woff'), url(a.woff2) format('woff2')", "a.woff", "woff"),
        ("url(a.otf) format('opentype'), url(a.woff) format('woff')", "a.otf", "opentype"),
        ("url(a.ttc) format(collection)", "a.ttc", "collection"),
        ("url(a.woff2) format(woff2)", "a.woff2", "woff2"),
        ("url(a.woff2) format(WOFF2)", "a.woff2", "woff2"),
        ("url(a.woff2) format('WOFF2')", "a.woff2", "woff2"),
        ("url(a.woff2) format('woff2-variations')", "a.woff2", "woff2-variations"),
        ("url(a.ttf) format('truetype-variations')", "a.ttf", "truetype-variations"),
        ("url(a.woff2)", "a.woff2", None),
        ("url('a.woff2') format(\"woff2\")", "a.woff2", "woff2"),
        # The legacy IE hack: EOT and SVG fonts are never loaded.
        (
            "url('a.eot?#iefix') format('embedded-opentype'), url(a.woff2) format('woff2'), "
            "url(a.woff) format('woff'), url(a.ttf) format('truetype'), "
            "url(a.svg#F) format('svg')",
            "a.woff2",
            "woff2",
        ),
        ("url(a.eot) format(embedded-opentype), url(a.woff)", "a.woff", None),
        ("url(a.svg#F) format('svg'), url(a.woff)", "a.woff", None),
        # Without format(), Chromium skips a URL ending in .eot, but not the ?#iefix spelling.
        ("url(a.eot), url(a.woff)", "a.woff", None),
        ("url(a.EOT), url(a.woff)", "a.woff", None),
        ("url(a.eot?#iefix), url(a.woff)", "a.eot?#iefix", None),
        ("url(a.svg#F), url(a.woff)", "a.svg#F", None),
        # local() cannot be pushed; a browser uses it only when installed.
        ("local('Inter'), local(Inter Regular), url(a.woff2) format('woff2')", "a.woff2", "woff2"),
        # Formats Chromium does not know, and invalid entries, are skipped.
        ("url(a.ttf) format('ttf'), url(a.woff) format('woff')", "a.woff", "woff"),
        ("url(a.otf) format('otf'), url(a.woff) format('woff')", "a.woff", "woff"),
        ("url(a.woff2) format('woff2', 'woff'), url(a.woff)", "a.woff", None),
        ("url(a.woff2) format(woff2-variations), url(a.woff)", "a.woff", None),
        ("url(a.woff2) format(), url(a.woff)", "a.woff", None),
        ("url(a.woff2) garbage, url(a.woff)", "a.woff", None),
        ("url(a.woff2) foo() format(woff2), url(a.woff)", "a.woff", None),
        ("url(a.woff2 x), url(a.woff)", "a.woff", None),
        ("url('a.woff2' x), url(a.woff)", "a.woff", None),
        ("'a.woff2', url(a.woff)", "a.woff", None),
        # tech(): supported technologies pass, others skip the entry.
        ("url(a.woff2) format(woff2) tech(variations), url(a.woff)", "a.woff2", "woff2"),
        ("url(a.woff2) tech(color-COLRv1, palettes), url(a.woff)", "a.woff2", None),
        ("url(a.woff2) tech(features-aat), url(a.woff)", "a.woff2", None),
        ("url(a.woff2) tech(color-SVG), url(a.woff)", "a.woff", None),
        ("url(a.woff2) tech(incremental), url(a.woff)", "a.woff", None),
        ("url(a.woff2) tech(features-graphite), url(a.woff)", "a.woff", None),
        ("url(a.woff2) tech(variations, color-SVG), url(a.woff)", "a.woff", None),
        ("url(a.woff2) tech('variations'), url(a.woff)", "a.woff", None),
        ("url(a.woff2) tech(variations) format(woff2), url(a.woff)", "a.woff", None),
    ],
)
def test_font_face_source_choice(src: str, url: str, font_format: str | None) -> None:
    (ref,) = font(src)
    assert (ref.url, ref.kind, ref.attr("format")) == (url, Kind.CSS_FONT_FACE, font_format)


@pytest.mark.parametrize(
    "src",
    [
        "local('Inter')",
        "url(a.eot)",
        "url('')",
        "url(a.eot) format('embedded-opentype')",
    ],
)
def test_font_face_with_nothing_to_fetch(src: str) -> None:
    assert font(src) == []


@pytest.mark.parametrize(
    ("srcs", "url"),
    [
        ("src: url(a.woff); src: url(b.woff2) format('woff2')", "b.woff2"),
        # The legacy two-declaration IE hack.
        (
            "src: url(a.eot); src: url('a.eot?#iefix') format('embedded-opentype'), "
            "url(a.woff2) format('woff2')",
            "a.woff2",
        ),
        # A src with no supported entry is invalid: the earlier one stays.
        ("src: url(a.woff); src: url(b.eot) format('embedded-opentype')", "a.woff"),
        ("src: url(a.woff); src: url(b.woff) garbage", "a.woff"),
        ("src: url(a.woff); src: local(inherit)", "a.woff"),
        ("src: url(a.woff); src: ", "a.woff"),
        # A valid src holding only local() fonts wins, and fetches nothing.
        ("src: url(a.woff); src: local('Inter')", None),
    ],
)
def test_font_face_last_valid_src_wins(srcs: str, url: str | None) -> None:
    found = scan(f"@font-face {{ font-family: F; {srcs} }}")
    assert [ref.url for ref in found] == ([url] if url else [])


def test_font_face_attrs() -> None:
    css = """@media screen { @font-face {
      font-family: "Open Sans";
      font-weight: 300 700;
      font-style: italic;
      unicode-range: U+0000-00FF, U+0131;
      font-display: swap;
      src: local(Open Sans), url(/fonts/open.woff2) format("woff2");
    } }"""
    ref = only(css, media=("all",))
    assert dict(ref.attrs) == {
        "family": "Open Sans",
        "weight": "300 700",
        "style": "italic",
        "format": "woff2",
        "unicode-range": "U+0-FF, U+131",
    }
    assert (ref.url, ref.line, ref.media) == ("/fonts/open.woff2", 7, ("all", "screen"))


@pytest.mark.parametrize(
    ("declaration", "family"),
    [("font-family: Open Sans", "Open Sans"), ("font-family: 'Inter'", "Inter")],
)
def test_font_face_family_is_unquoted(declaration: str, family: str) -> None:
    ref = only(f"@font-face {{ {declaration}; src: url(a.woff2) }}")
    assert ref.attr("family") == family


def test_font_face_without_family_is_unused() -> None:
    assert urls("@font-face { src: url(a.woff2) format('woff2') }") == []


@pytest.mark.parametrize(
    "wrapper",
    [
        "@supports (display: grid) { %s }",
        "@layer x { %s }",
        "@container (width > 1px) { %s }",
        "@scope (body) { %s }",
        "@starting-style { %s }",
        "@media print { @layer { %s } }",
    ],
)
def test_font_face_inside_group_rules(wrapper: str) -> None:
    assert urls(wrapper % "@font-face { font-family: A; src: url(a.woff2) }") == ["a.woff2"]


# --- robustness ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "css",
    [
        "a { background: url(a.png",
        "a { background: url('a.png",
        "/* a { background: url(a.png) }",
        "@import 'a.css",
        "a { b: image-set('a.png' 1x",
        "@font-face { font-family: F; src: url(a.woff2) format('woff2'",
        "}}}])) @media { ;;; { : } }",
        "\x00\ufffd\x7f\x80 url(\x00) @import \x00",
        pytest.param("a{" * 5000, id="rules-5000-deep"),
        pytest.param("@media screen {" * 5000, id="media-5000-deep"),
        pytest.param("a { b: " + "(" * 20000 + "url(x.png)", id="parens-20000-deep"),
        pytest.param("a { b: " + "f(" * 20000 + "url(x.png)", id="functions-20000-deep"),
        pytest.param("@import " + "[" * 20000, id="import-brackets-20000-deep"),
        pytest.param(":is(" * 20000 + "a { b: url(x.png) }", id="selector-20000-deep"),
    ],
)
def test_garbage_and_deep_nesting_never_raise(css: str) -> None:
    for parsed in (parse_stylesheet(css), parse_style_attribute(css)):
        list(scan_css(parsed, DPR1))
    list(scan_css(parse_stylesheet_bytes(css.encode("utf-8", "surrogatepass")), DPR2))


def test_deeply_nested_rules_still_yield() -> None:
    css = "@media screen {" * 3000 + ".a { " * 3000 + "background: url(deep.png)"
    ref = only(css)
    assert ref.url == "deep.png"
    assert len(ref.media) == 3000
    assert ref.attr("selector") == " ".join([".a"] * 3000)


def test_blocks_left_open_at_eof_are_closed_as_browsers_do() -> None:
    assert urls("@media screen { div { background: url(a.png) ") == ["a.png"]


def test_unterminated_url_at_eof_is_still_found_and_reported() -> None:
    parsed = parse_stylesheet("a { background: url(a.png")
    assert [ref.url for ref in scan_css(parsed, DPR1)] == ["a.png"]
    assert parsed.errors


_FRAGMENTS = [
    *"@ ( ) { } ; : , ' \" \\ / * a 1x & -",
    "url(",
    "image-set(",
    "src(",
    "format(",
    "tech(",
    "local(",
    "type(",
    "@import",
    "@media",
    "@font-face",
    "@keyframes",
    "font-family",
    "src",
    "!important",
    "/*",
    "*/",
    "\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=80).map("".join) | st.text(max_size=200))
def test_any_text_scans_without_raising(text: str) -> None:
    for parsed in (parse_stylesheet(text), parse_style_attribute(text)):
        assert isinstance(parsed, ParsedCss)
        for ref in scan_css(parsed, DPR2, ("all",)):
            assert ref.url and ref.media[0] == "all"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_scan_without_raising(data: bytes) -> None:
    list(scan_css(parse_stylesheet_bytes(data, "windows-1252"), DPR1))


# --- might_have_references ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a { background: url(a.png) }",
        "A { BACKGROUND: URL(a.png) }",
        "@IMPORT 'a.css';",
        "a { b: image-set('a.png' 1x) }",
        "a { b: -webkit-image-set('a.png' 1x) }",
        "a { b: src('a.png') }",
        "a { b: u\\72 l(a.png) }",
        "a { b: \\75\\72\\6c(a.png) }",
        "@\\69 mport 'a.css';",
        "a { b: image-s\\65t('a.png') }",
        "/* url( in a comment is good enough */",
    ],
)
def test_might_have_references_true(text: str) -> None:
    assert might_have_references(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a { color: red; font: 12px/1.5 sans-serif }",
        "a::before { content: '\\f101' } b { content: '\\201C' }",
        "a { background: url (a.png) }",
        "@media print { a { display: none } }",
        "@font-face { font-family: F; font-display: swap }",
    ],
)
def test_might_have_references_false(text: str) -> None:
    assert not might_have_references(text)
    assert urls(text) == []


# --- reduce_stylesheet: the fast path must find exactly what the full parse finds ------------

REDUCE_CASES = [
    "a{color:red}\n@import 'late.css';\nb{background:url(b.png)}",
    "@charset 'utf-8';\n@layer x, y;\n@import url(a.css) screen;\nq{}\nc{background:url(c.png)}",
    "{} @import 'a.css'; d{x:y}",
    "a{content:'}'} b{background:url(a;b{.png)} /* } url(no.png) */ c{color:red}",
    "@media (min-width: 1px) { a { color: red } b { background: url(m.png) } }\nz{}",
    "@font-face{font-family:X;src:url(x.woff2) format('woff2')}\nbody{font-family:X}",
    "a{background:image-set('a.png' 1x, 'b.png' 2x)}\nb{c:d}\n",
    "a{b:c}\nunterminated { background: url(u.png)",
    "a{b:'unterminated\n}c{background:url(c.png)}",
    "a{b:\\75rl(esc.png)}",
    "/* open comment a{background:url(x.png)}",
    "a{color:red;background:url(a.png);margin:0}\nb{font-size:1px;font-family:F;--x:1;color:b}",
    "a{x:f(a;b);background:url(p.png)}\nb{grid:[a;b] url(g.png)}",
    "a{x:f(a;b url(in.png));y:1}",
    "@font-face{font-family:X;src:url(x.woff2);font-display:swap}",
    "a{color:red; b{background:url(n.png)} font-family:F; c:url(after.png)}",
    "a{5px;background:url(x.png)}\nb{;;background:url(y.png);;}",
    'a{content:"\\f007";background:url(x.png)}\nb{content:"}"}',
    "A{COLOR:RED;BACKGROUND:URL(A.PNG);FONT-FAMILY:F;Font-Weight:700}",
    "@media screen{a{color:red;background:url(m.png)}\n b{c:d}}",
    "@keyframes k{from{color:red;background:url(k.png)}to{c:d}}",
    "a{color:red/*;background:url(no.png)*/;background:url(yes.png)}",
    "a{b:url(x.png) calc(1px/2);c:d}",
    "@import url(a.css) supports(display:flex;);\nb{c:url(b.png)}",
    ";{src:url(f.woff2)}\na;b{c:url(c.png)}",
]


@pytest.mark.parametrize("css", REDUCE_CASES)
def test_reduced_parse_finds_the_same_references(css: str) -> None:
    full = list(scan_css(parse_stylesheet(css, reduce=False), DPR1))
    fast = list(scan_css(parse_stylesheet(css), DPR1))
    assert fast == full


def test_reduce_blanks_the_declarations_that_hold_nothing() -> None:
    css = "a {\n color: red;\n background: url(a.png);\n font-size: 2px;\n font-family: F\n}\n"
    plain = reduce_stylesheet(css)
    fonts = reduce_stylesheet(css, keep_fonts=True)
    assert plain is not None and fonts is not None
    assert "color" not in plain and "font-size" not in plain and "font-family" not in plain
    assert "background: url(a.png)" in plain
    assert "font-family: F" in fonts and "font-size" not in fonts
    assert plain.count("\n") == fonts.count("\n") == css.count("\n")
    (ref,) = scan_css(parse_stylesheet(css), DPR1)
    assert ref.line == 3


def test_reduce_never_splits_inside_parentheses_or_brackets() -> None:
    css = "a { x: f(a; b); y: [c; d]; background: url(a.png) }"
    reduced = reduce_stylesheet(css)
    assert reduced is not None
    assert reduced == "a { background: url(a.png) }"
    assert reduce_stylesheet("a { x: (}); background: url(a.png) }") is None
    assert reduce_stylesheet("a { x: [{]; background: url(a.png) }") is None


def test_plain_font_rules_leave_the_text_for_the_font_scan() -> None:
    from push_manifest.scanners.reduce import reduce_stylesheet_for_fonts

    css = (
        ".a  >\n b { color: red; font-family: Inter, serif; --x: 1 }\n"
        ".b { font-family: F; background: url(b.png) }\n"
        "[data-x='1'] { font-family: G }\n"
        ".c { 5px; font-family: H }\n"
    )
    split = reduce_stylesheet_for_fonts(css)
    assert split is not None
    text, rules = split
    assert rules == [(".a > b", "font-family: Inter, serif;--x: 1")]
    assert "Inter" not in text and "url(b.png)" in text and "font-family: G" in text
    assert "font-family: H" in text and text.count("\n") == css.count("\n")
    parsed = parse_stylesheet(css, keep_fonts=True)
    assert parsed.font_rules == tuple(rules)
    uses = list(scan_font_uses(parsed, ("screen",)))
    assert uses[-1] == FontUse(
        ("inter", "serif"), "", "", ".a > b", ("screen",), custom=(("--x", "1"),)
    )
    assert Counter(uses) == Counter(
        scan_font_uses(parse_stylesheet(css, reduce=False), ("screen",))
    )


def test_reduce_keeps_at_rule_blocks_whole() -> None:
    css = "@font-face { font-family: X; src: url(x.woff2); font-display: swap }"
    assert reduce_stylesheet(css) == css


_CSS_FRAGMENTS = [
    *"a b & ( ) [ ] { } ; : , ' \" / * \n",
    " ",
    "\\",
    "color:red",
    "background:url(x.png)",
    "url(u.png)",
    "image-set('s.png' 1x)",
    "font-family:F",
    "font-weight:700",
    "font-style:italic",
    "font:italic 9px G",
    "font-size:1px",
    "--v:H",
    "var(--v)",
    "@media screen{",
    "@import 'i.css';",
    "@font-face{",
    "src:url(f.woff2)",
    "@keyframes k{",
    "from{",
    "/*",
    "*/",
    "x:",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CSS_FRAGMENTS), max_size=60).map("".join))
def test_reduced_parse_agrees_with_the_full_parse_on_any_text(css: str) -> None:
    full = parse_stylesheet(css, reduce=False)
    for keep_fonts in (False, True):
        fast = parse_stylesheet(css, keep_fonts=keep_fonts)
        assert list(scan_css(fast, DPR1)) == list(scan_css(full, DPR1))
        if keep_fonts:
            assert Counter(scan_font_uses(fast)) == Counter(scan_font_uses(full))


def test_reduce_keeps_line_numbers_and_blanks_irrelevant_rules() -> None:
    css = "a {\n color: red;\n}\nb {\n background: url(b.png)\n}\n"
    reduced = reduce_stylesheet(css)
    assert reduced is not None
    assert "color" not in reduced
    assert reduced.count("\n") == css.count("\n")
    (ref,) = scan_css(parse_stylesheet(css), DPR1)
    assert ref.line == 5


@pytest.mark.parametrize("css", ["a{b:'x\n}", "/* x", "a{", "a}}", "a{b:\\75rl(x)}"], ids=repr)
def test_reduce_gives_up_on_structure_it_cannot_prove(css: str) -> None:
    assert reduce_stylesheet(css) is None


def test_reduced_parse_agrees_on_every_generated_and_fixture_stylesheet(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo))
    from bench.gen_site import generate_site

    site = tmp_path_factory.mktemp("gen") / "s"
    generate_site(site, 12, seed=3)
    sheets = [*site.rglob("*.css"), *(repo / "fixtures").rglob("*.css")]
    assert len(sheets) > 20
    for sheet in sheets:
        data = sheet.read_bytes()
        full = list(scan_css(parse_stylesheet_bytes(data, reduce=False), DPR1))
        fast = list(scan_css(parse_stylesheet_bytes(data), DPR1))
        assert fast == full, sheet


# --- scan_font_uses: the font declarations of each rule --------------------------------------


def font_uses(css: str) -> list[FontUse]:
    return list(scan_font_uses(parse_stylesheet(css, keep_fonts=True)))


def only_use(css: str) -> FontUse:
    found = font_uses(css)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("declaration", "families"),
    [
        ("font-family: 'Open Sans', Arial, sans-serif", ("open sans", "arial", "sans-serif")),
        ("font-family: Open  Sans", ("open sans",)),
        ('font-family: "Font Awesome 6 Free"', ("font awesome 6 free",)),
        ('font-family: "serif", serif', ('"serif"', "serif")),
        (
            "font-family: system-ui, -apple-system, 'Segoe UI'",
            ("system-ui", "-apple-system", "segoe ui"),
        ),
        ("font-family: var(--fa-style-family, 'Font Awesome 6 Free')", ()),
        ("font-family: A; font-family: B", ("b",)),
        ("font-family: B; font-family: inherit, X", ("b",)),  # invalid: dropped
    ],
)
def test_font_family_declarations(declaration: str, families: tuple[str, ...]) -> None:
    use = only_use(f".x {{ {declaration} }}")
    assert (use.families, use.weight, use.style, use.selector) == (families, "", "", ".x")


@pytest.mark.parametrize(
    ("declarations", "weight", "style"),
    [
        ("font-weight: bold", "bold", ""),
        ("font-weight: 900", "900", ""),
        ("font-weight: 350.5", "350.5", ""),
        ("font-weight: bolder; font-style: italic", "bolder", "italic"),
        ("font-weight: heavy; font-weight: 300; font-weight: 1001", "300", ""),
        ("font-weight: var(--fa-style, 900)", "var(--fa-style, 900)", ""),
        ("font-weight: calc(100 * 3)", "calc(100 * 3)", ""),
        ("font-style: oblique 10deg", "", "oblique 10deg"),
        ("font-style: oblique 10px", "", ""),
        ("font-style: INHERIT", "", ""),
        ("font-weight: bold; font-weight: unset", "bold", ""),
    ],
)
def test_font_weight_and_style_declarations(declarations: str, weight: str, style: str) -> None:
    found = font_uses(f".x {{ font-family: F; {declarations} }}")
    assert [(use.weight, use.style) for use in found] == [(weight, style)]


@pytest.mark.parametrize("keyword", ["inherit", "unset", "revert", "INHERIT"])
def test_inherited_font_keywords_declare_nothing(keyword: str) -> None:
    """font-family, -weight and -style inherit: the keyword computes to the parent's value, as
    if the rule did not set them, so it is no use of its own."""
    assert font_uses(f".x {{ font-family: {keyword} }}") == []
    assert font_uses(f".x {{ font: {keyword} }}") == []
    assert font_uses(".x { font-family: A; font: inherit }") == []


def test_initial_font_family_is_the_default_generic() -> None:
    assert only_use(".x { font-family: initial }").families == ("serif",)


def test_unquoted_family_names_must_be_identifiers() -> None:
    assert font_uses(".x { font-family: Font Awesome 6 Free }") == []


def test_a_rule_setting_only_weight_names_no_family() -> None:
    use = only_use(".fa-solid, .fas { font-weight: 900 }")
    assert use == FontUse((), "900", "", ".fa-solid, .fas", (), family_declared=False)


@pytest.mark.parametrize(
    ("value", "families", "weight", "style"),
    [
        ("12px Inter", ("inter",), "normal", "normal"),
        ("italic bold 12px/30px Georgia, serif", ("georgia", "serif"), "bold", "italic"),
        (
            "normal normal 900 1em/1 'Font Awesome 6 Free'",
            ("font awesome 6 free",),
            "900",
            "normal",
        ),
        ("small-caps 300 condensed larger X", ("x",), "300", "normal"),
        ("oblique 20deg 100% X", ("x",), "normal", "oblique 20deg"),
        ("calc(1em + 2px) X", ("x",), "normal", "normal"),
        ("700 0 X", ("x",), "700", "normal"),
        ("var(--fa-font-solid)", (), "var(--fa-font-solid)", "var(--fa-font-solid)"),
    ],
)
def test_font_shorthand(value: str, families: tuple[str, ...], weight: str, style: str) -> None:
    use = only_use(f"a {{ font: {value} }}")
    assert (use.families, use.weight, use.style, use.family_declared) == (
        families,
        weight,
        style,
        True,
    )


@pytest.mark.parametrize(
    "value", ["12px", "bold X", "12px / X", "12px inherit", "1 2 3 4 5 12px X", "12px 'A', 7"]
)
def test_invalid_font_shorthand_is_dropped(value: str) -> None:
    assert font_uses(f"a {{ font: {value} }}") == []


@pytest.mark.parametrize("system", ["menu", "caption", "status-bar", "MESSAGE-BOX"])
def test_system_fonts_yield_nothing(system: str) -> None:
    assert font_uses(f"a {{ font: {system} }}") == []
    assert only_use(f"a {{ font: {system}; font-family: X }}").families == ("x",)


def test_longhands_after_the_shorthand_override_it() -> None:
    use = only_use("a { font: italic 12px A; font-weight: 600; font-style: normal }")
    assert (use.families, use.weight, use.style) == (("a",), "600", "normal")


def test_font_uses_follow_the_walk_of_scan_css() -> None:
    css = """
    @media (min-width: 800px) { .wide { font-family: Wide } }
    .card { color: red; & .title { font-weight: 700 } @media print { font-family: Print } }
    @scope (.card) { font-style: italic }
    @supports (display: grid) { @layer base { h1 { font: 700 2em Head } } }
    @keyframes pulse { from { font-weight: 100 } }
    @font-face { font-family: Face; font-weight: 400; src: url(a.woff2) }
    @page { font-family: Paged }
    .nothing { color: blue }
    """
    assert [
        (use.selector, use.media, use.families, use.weight, use.style) for use in font_uses(css)
    ] == [
        (".wide", ("(min-width: 800px)",), ("wide",), "", ""),
        (".card .title", (), (), "700", ""),
        (".card", ("print",), ("print",), "", ""),
        (".card", (), (), "", "italic"),
        ("h1", (), ("head",), "700", "normal"),
    ]


def test_font_uses_of_a_style_attribute_have_no_selector() -> None:
    parsed = parse_style_attribute("font-family: A; font-weight: 600; color: red")
    assert list(scan_font_uses(parsed)) == [FontUse(("a",), "600", "", None, ())]
    assert list(scan_font_uses(parse_style_attribute("color: red"))) == []


def test_font_uses_carry_the_sheet_media() -> None:
    parsed = parse_stylesheet("@media (x) { a { font-family: A } }", keep_fonts=True)
    (use,) = scan_font_uses(parsed, ("screen",))
    assert use.media == ("screen", "(x)")


def test_font_uses_never_raise_on_deep_nesting() -> None:
    css = "a{" * 5000 + "font-family: Deep"
    assert font_uses(css)[-1].families == ("deep",)
    assert font_uses("@media screen {" * 5000) == []


@pytest.mark.parametrize("css", REDUCE_CASES)
def test_reduce_keeping_fonts_finds_the_same_references_and_font_uses(css: str) -> None:
    full = parse_stylesheet(css, reduce=False)
    fast = parse_stylesheet(css, keep_fonts=True)
    assert list(scan_css(fast, DPR1)) == list(scan_css(full, DPR1))
    # The same uses; plain rules the fast path takes out come last (consumers take a set).
    assert Counter(scan_font_uses(fast)) == Counter(scan_font_uses(full))


def test_reduce_drops_font_rules_unless_asked() -> None:
    css = "a { font-family: A }\nb { background: url(b.png) }\n"
    assert list(scan_font_uses(parse_stylesheet(css))) == []
    assert len(list(scan_font_uses(parse_stylesheet(css, keep_fonts=True)))) == 1
    reduced = reduce_stylesheet(css, keep_fonts=True)
    assert reduced is not None and "font-family" in reduced


def test_reduced_parse_agrees_on_font_uses_of_generated_and_fixture_stylesheets(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo))
    from bench.gen_site import generate_site

    site = tmp_path_factory.mktemp("gen-fonts") / "s"
    generate_site(site, 12, seed=5)
    sheets = [*site.rglob("*.css"), *(repo / "fixtures").rglob("*.css")]
    found = 0
    for sheet in sheets:
        data = sheet.read_bytes()
        full = Counter(scan_font_uses(parse_stylesheet_bytes(data, reduce=False)))
        fast = Counter(scan_font_uses(parse_stylesheet_bytes(data, keep_fonts=True)))
        assert fast == full, sheet
        found += full.total()
    assert found > 10


def test_custom_properties_are_kept_for_var_substitution() -> None:
    (use,) = font_uses(":root { --brand: 'Inter', serif; color: red; --Size: 2px }")
    assert use == FontUse(
        (),
        "",
        "",
        ":root",
        (),
        family_declared=False,
        custom=(("--brand", '"Inter", serif'), ("--Size", "2px")),
    )
    assert font_uses(":root { color: red }") == []


def test_font_declarations_with_var_are_pending() -> None:
    use = only_use(".a { font-weight: 300; font-family: var(--f, A), B }")
    assert use.pending == (("font-weight", "300"), ("font-family", "var(--f, A), B"))
    assert only_use(".a { font-family: A }").pending == ()


@pytest.mark.parametrize(
    ("css", "custom", "expected"),
    [
        (
            "a { font-family: var(--f, A), B }",
            {"--f": {"C", "'D E'"}},
            {(("c", "b"), ""), (("d e", "b"), ""), (("a", "b"), "")},
        ),
        ("a { font-family: var(--f, A) }", {}, {(("a",), "")}),
        ("a { font-family: var(--f) }", {}, {((), "")}),  # unset: inherited, unknown here
        (
            "a { font: var(--fa-font-solid) }",
            {"--fa-font-solid": {"normal 900 1em/1 'Font Awesome 6 Free'"}},
            {(("font awesome 6 free",), "900"), ((), "")},  # without the var: unset, inherited
        ),
        ("a { font-weight: calc(var(--w, 300) + 100) }", {}, {((), "calc(300 + 100)")}),
        (
            "a { font-family: X; font-weight: var(--w, 400) }",
            {"--w": {"bold"}},
            {(("x",), "bold"), (("x",), "400")},
        ),
    ],
)
def test_substitute_var(
    css: str, custom: dict[str, set[str]], expected: set[tuple[tuple[str, ...], str]]
) -> None:
    resolved = only_use(css).substitute(custom)
    assert {(use.families, use.weight) for use in resolved} == expected
    assert all(use.pending == () for use in resolved)


@pytest.mark.parametrize(
    ("css", "custom"),
    [
        ("a { font-family: var(--f) }", {"--f": {"var(--g)"}}),  # nested, not known
        ("a { font-family: var(--a), var(--b), var(--c) }", {}),  # too many names
        ("a { font-family: var(--a) }", {"--a": {f"F{i}" for i in range(20)}}),
    ],
)
def test_substitute_gives_up_when_unknown(css: str, custom: dict[str, set[str]]) -> None:
    use = only_use(css)
    assert use.substitute(custom) == (use,)
