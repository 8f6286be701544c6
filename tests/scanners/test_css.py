"""The CSS scanner on inline stylesheets: every construct, syntax and quirk it must read.

Expected choices among ``@font-face`` sources and ``image-set()`` candidates were checked
against Chromium 156 (which request a page makes).
"""

from __future__ import annotations

import pytest
import tinycss2
from hypothesis import given, settings
from hypothesis import strategies as st

from push_manifest.model import Kind, Reference, StyleRule, Viewport
from push_manifest.scanners.css import (
    ParsedCss,
    might_have_references,
    parse_style_attribute,
    parse_stylesheet,
    parse_stylesheet_bytes,
    reduce_stylesheet,
    scan_css,
    scan_style_rules,
    scan_stylesheet,
)
from push_manifest.scanners.reduce import PLAIN_RULE_MARKER, reduce_stylesheet_for_rules

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


def style_rules(css: str, media: tuple[str, ...] = (), *, reduce: bool = True) -> list[StyleRule]:
    return list(scan_style_rules(parse_stylesheet(css, reduce=reduce, keep_rules=True), media))


Declaration = tuple[str, str, bool]


def normalized(
    rules: list[StyleRule],
) -> list[tuple[str | None, tuple[Declaration, ...], tuple[str, ...], tuple[str, ...] | None]]:
    """``rules`` as the render model reads them: declarations parsed (the fast path keeps
    them as written, the full parse re-serializes them), anonymous layers numbered in order
    of appearance (their names come from source positions, which reduction moves)."""
    anonymous: dict[str, str] = {}

    def layer(path: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if path is None:
            return None
        return tuple(
            anonymous.setdefault(name, f"anonymous-{len(anonymous)}")
            if name.startswith("\0")
            else name
            for name in path
        )

    def declarations(text: str) -> tuple[Declaration, ...]:
        found = []
        for node in tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True):
            if node.type == "declaration":
                name = node.name if node.name.startswith("--") else node.lower_name
                found.append((name, tinycss2.serialize(node.value).strip(), node.important))
        return tuple(found)

    return [
        (rule.selector, declarations(rule.declarations), rule.media, layer(rule.layer))
        for rule in rules
    ]


def assert_fast_path_agrees(css: str, media: tuple[str, ...] = ()) -> list[StyleRule]:
    """The fast path (plain rules taken out as markers, the rest tokenized) and the full parse
    give the same style rules in the same order."""
    full = style_rules(css, media, reduce=False)
    assert normalized(style_rules(css, media)) == normalized(full)
    return full


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
            "@import url('a.css') layer(x) supports(not (display: no-such-value)) print;",
            {"layer": "x", "supports": "not (display: no-such-value)"},
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
        "@supports not (display: no-such-value) { %s }",
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
        "local": "Open Sans",
    }
    assert (ref.url, ref.line, ref.media) == ("/fonts/open.woff2", 7, ("all", "screen"))


@pytest.mark.parametrize(
    ("declaration", "family"),
    [("font-family: Open Sans", "Open Sans"), ("font-family: 'Inter'", "Inter")],
)
def test_font_face_family_is_unquoted(declaration: str, family: str) -> None:
    ref = only(f"@font-face {{ {declaration}; src: url(a.woff2) }}")
    assert ref.attr("family") == family


@pytest.mark.parametrize(
    ("src", "local"),
    [
        ("url(a.woff2)", None),
        ("local('Inter'), local(Inter Regular), url(a.woff2)", "Inter\nInter Regular"),
        ("local(A), url(a.eot), local(B), url(a.woff2), local(C)", "A\nB"),
        ("url(a.woff2), local(A)", None),
    ],
)
def test_font_face_local_names_before_the_fetched_source(src: str, local: str | None) -> None:
    (ref,) = font(src)
    assert (ref.url, ref.attr("local")) == ("a.woff2", local)


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
    kept = reduce_stylesheet(css, keep_rules=True)
    assert plain is not None and kept is not None
    assert "color" not in plain and "font-size" not in plain and "font-family" not in plain
    assert "background: url(a.png)" in plain
    assert "font-family: F" in kept and "font-size" not in kept and "color" not in kept
    assert plain.count("\n") == kept.count("\n") == css.count("\n")
    (ref,) = scan_css(parse_stylesheet(css), DPR1)
    assert ref.line == 3


def test_reduce_never_splits_inside_parentheses_or_brackets() -> None:
    css = "a { x: f(a; b); y: [c; d]; background: url(a.png) }"
    reduced = reduce_stylesheet(css)
    assert reduced is not None
    assert reduced == "a { background: url(a.png) }"
    assert reduce_stylesheet("a { x: (}); background: url(a.png) }") is None
    assert reduce_stylesheet("a { x: [{]; background: url(a.png) }") is None


def test_plain_rules_leave_the_text_and_a_marker_in_their_place() -> None:
    css = (
        ".a  >\n b { color: red; font-family: Inter, serif; --x: 1 }\n"
        ".b { font-family: F; background: url(b.png) }\n"
        "[data-x='1'] { font-family: G }\n"
        ".c { 5px; font-family: H }\n"
        ".d { display: none; margin: 0 }\n"
        ".e { color: red }\n"
        ".f { display: block }\n"
    )
    split = reduce_stylesheet_for_rules(css)
    assert split is not None
    text, rules = split
    assert rules == [
        (".a > b", "font-family: Inter, serif;--x: 1"),
        (".d", "display: none"),
        (".f", "display: block"),
    ]
    # One marker per run of plain rules (a rule holding nothing does not end a run).
    assert text.startswith(f"@{PLAIN_RULE_MARKER} 0 1;\n")
    assert text.count(f"@{PLAIN_RULE_MARKER} 1 3;") == 1 and text.count("@") == 2
    assert "margin" not in text and ".e" not in text and ".f" not in text
    assert "Inter" not in text and "url(b.png)" in text and "font-family: G" in text
    assert "font-family: H" in text and text.count("\n") == css.count("\n")
    parsed = parse_stylesheet(css, keep_rules=True)
    assert parsed.plain_rules == tuple(rules)
    found = list(scan_style_rules(parsed, ("screen",)))
    assert [(rule.selector, rule.media) for rule in found] == [
        (".a > b", ("screen",)),
        (".b", ("screen",)),
        ('[data-x="1"]', ("screen",)),
        (".c", ("screen",)),
        (".d", ("screen",)),
        (".f", ("screen",)),
    ]
    assert found[0] == StyleRule(".a > b", "font-family: Inter, serif;--x: 1", ("screen",))
    assert normalized(found) == normalized(
        list(scan_style_rules(parse_stylesheet(css, reduce=False), ("screen",)))
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
    "display:none",
    "--v:H",
    "var(--v)",
    "@media screen{",
    "@import 'i.css';",
    "@font-face{",
    "src:url(f.woff2)",
    "@keyframes k{",
    "from{",
    "@supports (display:grid){",
    "@supports (display:nope){",
    "@layer l{",
    "@media print{",
    "p{display:none}",
    ".c{font-family:F;--v:H}",
    "/*",
    "*/",
    "x:",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CSS_FRAGMENTS), max_size=60).map("".join))
def test_reduced_parse_agrees_with_the_full_parse_on_any_text(css: str) -> None:
    full = parse_stylesheet(css, reduce=False)
    for keep_rules in (False, True):
        fast = parse_stylesheet(css, keep_rules=keep_rules)
        assert list(scan_css(fast, DPR1)) == list(scan_css(full, DPR1))
        if keep_rules:
            assert normalized(list(scan_style_rules(fast))) == normalized(
                list(scan_style_rules(full))
            )


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


# --- scan_style_rules: the rules the render model runs the cascade over --------------------


def only_rule(css: str) -> StyleRule:
    found = assert_fast_path_agrees(css)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("body", "declarations"),
    [
        ("color: red; font-family: 'Open Sans', serif", 'font-family:"Open Sans", serif'),
        ("FONT-WEIGHT: 700; Font-Style: italic", "font-weight:700;font-style:italic"),
        ("font: italic 12px/1.5 X !important", "font:italic 12px/1.5 X !important"),
        ("display: none; margin: 0", "display:none"),
        ("--Brand: 'Inter'; --x:1", '--Brand:"Inter";--x:1'),
        ("background: url(a.png); width: 1px", "background:url(a.png)"),
        (
            "list-style: square url(b.png); cursor: url(c.cur), auto",
            "list-style:square url(b.png);cursor:url(c.cur), auto",
        ),
        # Any declaration holding a reference, even of a property that fetches nothing.
        ("unknown-thing: url(d.png); color: blue", "unknown-thing:url(d.png)"),
        ("background-image: image-set('e.png' 1x)", 'background-image:image-set("e.png" 1x)'),
        ("background: none", "background:none"),
    ],
)
def test_style_rules_keep_what_the_render_model_reads(body: str, declarations: str) -> None:
    rule = only_rule(f".x {{ {body} }}")
    assert rule == StyleRule(".x", declarations)


@pytest.mark.parametrize(
    "css",
    [
        ".x { color: red; margin: 0; font-size: 2px }",
        ".x { }",
        "@font-face { font-family: F; font-weight: 700; src: url(a.woff2) }",
        "@keyframes k { from { font-weight: 100; background: url(k.png) } }",
        "@page { font-family: P; background: url(p.png) }",
        "@counter-style x { symbols: url(a.png) }",
        "@media screen { display: none }",
        "display: none;",
    ],
)
def test_rules_with_nothing_to_render_yield_nothing(css: str) -> None:
    assert assert_fast_path_agrees(css) == []


def test_style_rules_follow_the_walk_of_scan_css() -> None:
    css = """
    @media (min-width: 800px) { .wide { font-family: Wide } }
    .card { color: red; & .title { font-weight: 700 } @media print { font-family: Print } }
    @scope (.card) { font-style: italic }
    @supports (display: grid) { @container (width > 1px) { h1 { font: 700 2em Head } } }
    @starting-style { .fade { display: none } }
    @keyframes pulse { from { font-weight: 100 } }
    @font-face { font-family: Face; font-weight: 400; src: url(a.woff2) }
    @page { font-family: Paged }
    .nothing { color: blue }
    """
    found = assert_fast_path_agrees(css)
    assert [(rule.selector, rule.declarations, rule.media, rule.layer) for rule in found] == [
        (".wide", "font-family:Wide", ("(min-width: 800px)",), None),
        (".card .title", "font-weight:700", (), None),
        (".card", "font-family:Print", ("print",), None),
        (".card", "font-style:italic", (), None),
        ("h1", "font:700 2em Head", (), None),
        (".fade", "display:none", (), None),
    ]


def test_style_rules_carry_the_sheet_media() -> None:
    css = "a { display: none }\n@media (x) { b { font-family: A } }\nc { background: url(c.png) }"
    found = assert_fast_path_agrees(css, ("screen",))
    assert [rule.media for rule in found] == [("screen",), ("screen", "(x)"), ("screen",)]


def test_plain_rules_keep_their_place_among_tokenized_ones() -> None:
    """Plain rules leave the text as markers; the walk yields each where its marker stands,
    so the cascade sees every rule in source order."""
    css = """
    .p1 { display: none }
    .t1 { background: url(a.png); display: block }
    .p2 { font-family: A }
    @media screen { .m { font-weight: 700 } }
    .p3 { --x: 1 }
    .t2 { font-family: B; .nested { display: none } }
    .p4 { font: 12px C }
    @layer l { .layered { display: inline } }
    .p5 { background: red }
    """
    parsed = parse_stylesheet(css, keep_rules=True)
    assert len(parsed.plain_rules) == 7  # .m and .layered too: in a group of plain rules
    found = assert_fast_path_agrees(css)
    assert [rule.selector for rule in found] == [
        ".p1", ".t1", ".p2", ".m", ".p3", ".t2", ".t2 .nested", ".p4", None, ".layered", ".p5",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("css", "layers"),
    [
        ("@layer a { x { display: none } }", [("a",), ("a",)]),
        ("@layer a.b { x { display: none } }", [("a", "b"), ("a", "b")]),
        (
            "@layer a { @layer b { x { display: none } } y { font-weight: 1 } }",
            [("a",), ("a", "b"), ("a", "b"), ("a",)],
        ),
        (
            "@layer a, b.c; @layer b { x { display: none } }",
            [("a",), ("b", "c"), ("b",), ("b",)],
        ),
        ("@layer a { @layer b, c; }", [("a",), ("a", "b"), ("a", "c")]),
        ("@layer base {} x { display: none }", [("base",), None]),
        ("@media print { @layer e; }", [("e",)]),
        ("@supports (display: grid) { @layer s { x { display: none } } }", [("s",), ("s",)]),
        (
            "x { display: none } @layer a { y { display: none } } z { display: none }",
            [None, ("a",), ("a",), None],
        ),
    ],
)
def test_layer_paths(css: str, layers: list[tuple[str, ...] | None]) -> None:
    found = style_rules(css, reduce=False)
    assert [rule.layer for rule in found] == layers
    # A rule without selector stands for a layer's first appearance (CSS Cascade 5 §6.4.3).
    assert all((rule.selector is None) == (rule.declarations == "") for rule in found)


def test_layer_statements_carry_their_media() -> None:
    (rule,) = style_rules("@media print { @layer e; }", ("all",), reduce=False)
    assert rule == StyleRule(None, "", ("all", "print"), ("e",))


def test_anonymous_layers_are_distinct_and_nested() -> None:
    css = (
        "@layer { a { display: none } }\n"
        "@layer { b { display: none } @layer { c { display: none } } }"
    )
    found = assert_fast_path_agrees(css)
    first, second = found[0].layer, found[2].layer
    assert first is not None and second is not None
    assert len(first) == len(second) == 1 and first != second
    assert first[0].startswith("\0") and second[0].startswith("\0")
    assert found[1] == StyleRule("a", "display:none", (), first)
    nested = found[-1].layer
    assert nested is not None and nested[0] == second[0] and len(nested) == 2
    assert found[-1].selector == "c"


@pytest.mark.parametrize(
    "css",
    [
        "@layer a, b;\n@layer b { .x { background: url(b.png) } }\n"
        "@layer a { .x { background: url(a.png) } }",
        "@layer a {}\n@layer b { .x { display: none } }\n@layer a { .x { display: block } }",
        "@media print { @layer e; }",
    ],
)
def test_fast_path_keeps_layer_statements(css: str) -> None:
    assert_fast_path_agrees(css)


STYLE_CASES = [
    *REDUCE_CASES,
    "a{display:none}\nb{background:url(b.png)}\nc{font-family:C}\n@media print{d{display:none}}",
    "A{FONT-FAMILY:F;Font-Weight:700;DISPLAY:None}\nb{--X: 1 ;display :none}",
    "a{font-family:F!important}\nb{ font : italic 12px/1.5 'A B' , serif }",
    "h1,h2 , h3>p{display:block}\n.a  .b\n.c{font-style:italic}",
    "@layer x{a{display:none}b{background:url(b.png)}}\nc{font-weight:900}",
    "@layer{a{display:none}}\n@layer{b{font-family:B}}\nc{display:none}",
    "@supports (display:grid){a{display:none}}\n@supports (display:no){b{display:none}}\nc{--v:1}",
    "a{b:c}\n.x{display:none}\n@font-face{font-family:F;src:url(f.woff2)}\n.y{font-family:F}",
    ".a{color:red;&:hover{display:none}}\n.b{font-family:B}\n@scope (.c){font-style:italic}",
    "a{--x:;}\nb{--y:{a}}\nc{--z: url(z.png)}\nd{display:none;margin:0;display:block}",
    ":root{--bg:url(r.png)}\nbody{background:var(--bg)}\n.x{background:var(--bg, url(f.png))}",
]


@pytest.mark.parametrize("css", STYLE_CASES)
def test_fast_path_finds_the_same_references_and_style_rules(css: str) -> None:
    full = parse_stylesheet(css, reduce=False)
    fast = parse_stylesheet(css, keep_rules=True)
    assert list(scan_css(fast, DPR1)) == list(scan_css(full, DPR1))
    assert_fast_path_agrees(css)
    assert_fast_path_agrees(css, ("screen",))


def test_reduce_drops_render_rules_unless_asked() -> None:
    css = "a { font-family: A }\nb { background: url(b.png) }\nc { display: none }\n"
    assert [rule.selector for rule in scan_style_rules(parse_stylesheet(css))] == ["b"]
    assert [rule.selector for rule in style_rules(css)] == ["a", "b", "c"]
    reduced = reduce_stylesheet(css, keep_rules=True)
    assert reduced is not None and "font-family" in reduced and "display" in reduced


def test_reduced_parse_agrees_on_style_rules_of_generated_and_fixture_stylesheets(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo))
    from bench.gen_site import generate_site

    site = tmp_path_factory.mktemp("gen-rules") / "s"
    generate_site(site, 12, seed=5)
    sheets = [*site.rglob("*.css"), *(repo / "fixtures").rglob("*.css")]
    found = plain = 0
    disagree = set()
    for sheet in sheets:
        data = sheet.read_bytes()
        full = list(scan_style_rules(parse_stylesheet_bytes(data, reduce=False)))
        parsed = parse_stylesheet_bytes(data, keep_rules=True)
        if normalized(list(scan_style_rules(parsed))) != normalized(full):
            disagree.add(sheet.relative_to(repo).as_posix())
        found += len(full)
        plain += len(parsed.plain_rules)
    assert found > 10 and plain > 0
    assert disagree == set()


def test_style_rules_never_raise_on_deep_nesting() -> None:
    css = "a{" * 5000 + "font-family: Deep"
    found = style_rules(css)
    assert found[-1].declarations == "font-family:Deep"
    assert found[-1].selector == " ".join(["a"] * 5000)
    assert style_rules("@media screen {" * 5000) == []
    assert len(style_rules("@layer x {" * 3000)) == 3000


# --- @supports and @import supports(): false conditions drop their rules ---------------------


@pytest.mark.parametrize(
    "condition",
    [
        "(display: no-such-value)",
        "(no-such-property: 1)",
        "not (display: grid)",
        "(display: grid) and (no-such-property: 1)",
        "font-tech(color-svg)",
    ],
)
def test_false_supports_blocks_yield_nothing(condition: str) -> None:
    css = (
        f"@supports {condition} {{ a {{ background: url(a.png); display: none }}"
        " @font-face { font-family: F; src: url(f.woff2) }"
        " @media screen { b { font-family: F } } @layer l { c { display: none } } }"
    )
    assert urls(css) == []
    assert assert_fast_path_agrees(css) == []
    nested = f"@media screen {{ @supports (display: grid) {{ {css} }} }}"
    assert urls(nested) == [] and assert_fast_path_agrees(nested) == []


@pytest.mark.parametrize(
    "condition",
    [
        "(display: grid)",
        "not (display: no-such-value)",
        "(no-such-property: 1) or (display: flex)",
        "selector(:has(a))",
        "font-format(woff2)",
    ],
)
def test_true_supports_blocks_yield_their_rules(condition: str) -> None:
    css = (
        f"@supports {condition} {{ a {{ background: url(a.png); display: none }}"
        " @font-face { font-family: F; src: url(f.woff2) } }"
    )
    assert urls(css) == ["a.png", "f.woff2"]
    assert assert_fast_path_agrees(css) == [StyleRule("a", "background:url(a.png);display:none")]


def test_false_and_true_supports_side_by_side() -> None:
    css = (
        "@supports (display: grid) { .yes { display: none } }\n"
        "@supports (display: no-such-value) { .no { display: none } }\n"
        ".after { font-weight: 700 }"
    )
    assert [rule.selector for rule in assert_fast_path_agrees(css)] == [".yes", ".after"]


@pytest.mark.parametrize(
    ("rule", "fetched"),
    [
        ("@import 'a.css' supports(display: grid);", True),
        ("@import 'a.css' supports(not (display: no-such-value)) screen;", True),
        ("@import 'a.css' supports(display: no-such-value);", False),
        ("@import url(a.css) layer(x) supports(not (display: grid));", False),
        ("@import 'a.css' supports((no-such-property: 1) or (display: flex));", True),
        ("@import 'a.css' supports(font-tech(color-svg)) print;", False),
    ],
)
def test_import_supports_is_evaluated(rule: str, fetched: bool) -> None:
    assert urls(rule) == (["a.css"] if fetched else [])


def test_a_false_import_does_not_end_the_import_prelude() -> None:
    """A dropped ``@import`` is still a valid ``@import`` rule: those after it load."""
    css = "@import 'no.css' supports(display: no-such-value);\n@import 'yes.css';"
    assert urls(css) == ["yes.css"]


@pytest.mark.parametrize("css", [*REDUCE_CASES, *STYLE_CASES])
def test_one_walk_gives_both_references_and_style_rules(css: str) -> None:
    parsed = parse_stylesheet(css, keep_rules=True)
    viewport = Viewport(width=390, dpr=3)
    references, rules, _ = scan_stylesheet(parsed, viewport, ("screen",))
    assert references == tuple(scan_css(parsed, viewport, ("screen",)))
    assert rules == tuple(scan_style_rules(parsed, ("screen",)))


@pytest.mark.parametrize(
    "css",
    [
        "@media screen { .a { display: none } .b { color: red } .c { font-family: F } }",
        "@media print { .a { display: none } }",
        "@supports (display: grid) { .a { display: none } .b { background: url(b.png) } }",
        "@supports (display: nope) { .a { display: none } }",
        "@layer x { .a { display: none } } @layer y { .a { display: block } }",
        "@media screen { @media print { .a { display: none } } .b { display: none } }",
        "@media screen { .a { display: none; .b { font-family: F } } }",
        "@scope (.a) { .b { display: none } }",
        "@container (min-width: 1px) { .a { display: none } }",
        "@media screen { /* c */ .a { display: none } }",
        "@media screen { .a { content: 'x;y'; display: none } .b { --v: (1;2) } }",
    ],
)
def test_plain_rules_in_groups_take_the_group_conditions_and_layer(css: str) -> None:
    """Inside ``@media``, ``@supports`` and ``@layer`` blocks of plain rules, the rules leave
    the text as a marker inside the block, and the walk gives them the block's media and layer
    (what the full parse gives); other group rules are left whole."""
    assert_fast_path_agrees(css)
    assert_fast_path_agrees(css, ("screen",))


def test_a_group_of_plain_rules_leaves_a_marker_inside_it() -> None:
    css = "@media (min-width: 1px) {\n  .a { display: none }\n  .b { color: red }\n}\n"
    split = reduce_stylesheet_for_rules(css)
    assert split is not None
    text, rules = split
    assert rules == [(".a", "display: none")]
    assert text.startswith(f"@media (min-width: 1px) {{@{PLAIN_RULE_MARKER} 0 1;")
    assert ".b" not in text and text.count("\n") == css.count("\n")
    (found,) = assert_fast_path_agrees(css)
    assert found.media == ("(min-width: 1px)",)


def test_sizes_are_kept_only_in_sheets_with_container_queries() -> None:
    plain = ".a { width: 10px; display: none }\n.b { max-width: 5px; background: url(b.png) }"
    with_queries = plain + "\n@container card (min-width: 1px) { .c { display: none } }"
    for reduce in (True, False):
        rules = style_rules(plain, reduce=reduce)
        assert all(not rule.sizes and "width" not in rule.declarations for rule in rules)
        rules = style_rules(with_queries, reduce=reduce)
        assert all(rule.sizes for rule in rules)
        assert "width" in rules[0].declarations and "max-width" in rules[1].declarations
        assert [rule.containers for rule in rules] == [(), (), ("card (min-width: 1px)",)]
    assert_fast_path_agrees(with_queries)
