from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import cssselect.xpath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from push_manifest.model import (
    BaseHref,
    HtmlItem,
    InlineKind,
    InlineText,
    Kind,
    Reference,
    Viewport,
)
from push_manifest.rendering import selectors as prune
from push_manifest.scanners import html as html_scanner
from push_manifest.scanners.html import (
    CUT_DEPTH,
    CUT_ELEMENT,
    MAX_ATTRIBUTES,
    ParseLimits,
    _flatten,
    _repair,
    parse_html,
    parse_limits,
    scan_html,
)


def scan(html: str, viewport: Viewport | None = None) -> list[HtmlItem]:
    return list(scan_html(parse_html(html), viewport or Viewport()))


def refs(html: str, viewport: Viewport | None = None) -> list[tuple[Kind, str]]:
    return [(i.kind, i.url) for i in scan(html, viewport) if isinstance(i, Reference)]


def urls(html: str, viewport: Viewport | None = None) -> list[str]:
    return [url for _, url in refs(html, viewport)]


def only(html: str) -> Reference:
    (item,) = scan(html)
    assert isinstance(item, Reference)
    return item


# -- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   \n\t", "<!-- only a comment -->", "<?xml version='1.0'?>", "\x00", "<<>>&&"]
)
def test_empty_or_garbage_input_still_gives_a_tree(text: str) -> None:
    root = parse_html(text)
    assert root.tag == "html"
    assert list(scan_html(root, Viewport())) == []


def test_leading_bom_character_does_not_end_the_head() -> None:
    assert only('\ufeff<link rel="stylesheet" href="a.css">').in_head


def test_meta_charset_does_not_trouble_the_parser() -> None:
    html = '<meta charset="windows-1252"><img src="caf\u00e9.png">'
    assert urls(html) == ["caf\u00e9.png"]


def test_big_inline_text_does_not_cut_the_page() -> None:
    # libxml2 stops at 10 MB of text without huge_tree, silently dropping the rest.
    assert urls("<script>" + "x" * 11_000_000 + "</script><img src=after.png>") == ["after.png"]


def test_deep_nesting_does_not_cut_the_page() -> None:
    html = "<div>" * 300 + "<img src=deep.png>" + "</div>" * 300 + "<img src=after.png>"
    assert urls(html) == ["deep.png", "after.png"]


# -- order, lines, head -----------------------------------------------------------------------


def test_items_come_in_document_order_with_lines_and_head_position() -> None:
    html = (
        "<!doctype html>\n"
        "<html><head>\n"
        '<link rel="stylesheet" href="a.css">\n'
        "<style>p { color: red }</style>\n"
        '<script src="a.js"></script>\n'
        "</head><body>\n"
        '<p style="background: url(b.png)"><img src="c.png"></p>\n'
        '<script src="d.js"></script>\n'
        "</body></html>\n"
    )
    assert scan(html) == [
        Reference("a.css", Kind.HTML_STYLESHEET, 3, (("rel", "stylesheet"),), True),
        InlineText("p { color: red }", InlineKind.STYLE_ELEMENT, 4, True),
        Reference("a.js", Kind.HTML_SCRIPT, 5, (), True),
        InlineText("background: url(b.png)", InlineKind.STYLE_ATTRIBUTE, 7, False),
        Reference("c.png", Kind.HTML_IMG, 7, (), False),
        Reference("d.js", Kind.HTML_SCRIPT, 8, (), False),
    ]


def test_implied_head_and_body() -> None:
    items = scan(
        "<title>t</title><link rel=stylesheet href=a.css><img src=b.png>"
        "<link rel=stylesheet href=c.css>"
    )
    assert [(i.url, i.in_head) for i in items if isinstance(i, Reference)] == [
        ("a.css", True),
        ("b.png", False),
        ("c.css", False),
    ]


@pytest.mark.parametrize(
    "intruder", ["<my-element></my-element>", "<svg></svg>", "<textarea></textarea>"]
)
def test_a_browser_ends_the_head_where_libxml2_does_not(intruder: str) -> None:
    html = (
        f"<head><link rel=stylesheet href=a.css>{intruder}<link rel=stylesheet href=b.css></head>"
    )
    items = scan(html)
    assert [(i.url, i.in_head) for i in items if isinstance(i, Reference)] == [
        ("a.css", True),
        ("b.css", False),
    ]


def test_style_attribute_on_the_html_element() -> None:
    assert scan('<html style="background: url(bg.png)"><body>') == [
        InlineText("background: url(bg.png)", InlineKind.STYLE_ATTRIBUTE, 1, False)
    ]


# -- what a scripting browser does not load ---------------------------------------------------


CSS = "<link rel=stylesheet href=ok.css>"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (f"<head><noscript><link rel=stylesheet href=no.css></noscript>{CSS}</head>", ["ok.css"]),
        (f"<head><noscript><img src=no.png><style>p{{}}</style></noscript>{CSS}", ["ok.css"]),
        (f"<head><noscript><div>x</noscript>{CSS}</head>", ["ok.css"]),
        ("<body><noscript><img src=no.png></noscript><img src=ok.png>", ["ok.png"]),
        ("<body><noscript><div><img src=no.png></noscript><img src=ok.png>", ["ok.png"]),
        ("<noscript><table><tr><td><img src=no.png></noscript><img src=ok.png>", ["ok.png"]),
        ("<noscript></body></html><img src=no.png></noscript><img src=ok.png>", ["ok.png"]),
        ("<p><noscript><div><img src=no.png></div></noscript></p><img src=ok.png>", ["ok.png"]),
        ("<body><NOSCRIPT><img src=no.png></NoScript ><img src=ok.png>", ["ok.png"]),
        ("<body><noscript><img src=no.png>", []),
    ],
)
def test_noscript_content_is_not_loaded_and_does_not_swallow_what_follows(
    html: str, expected: list[str]
) -> None:
    assert urls(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (f"<head><template><link rel=stylesheet href=no.css></template>{CSS}", ["ok.css"]),
        (f"<head><template><div>x</template>{CSS}</head>", ["ok.css"]),
        ("<body><template><img src=no.png></template><img src=ok.png>", ["ok.png"]),
        ("<body><template><tr><td><img src=no.png></template><img src=ok.png>", ["ok.png"]),
        ("<body><template><div><img src=no.png></template><img src=ok.png>", ["ok.png"]),
        ("<body><template><td>x</template><img src=ok.png>", ["ok.png"]),
        ("<template></body><img src=no.png></template><img src=ok.png>", ["ok.png"]),
        (
            "<template><template><img src=no.png></template><img src=no.png></template>"
            "<img src=ok.png>",
            ["ok.png"],
        ),
        (
            "<table><template><tr><td><img src=no.png></template></table><img src=ok.png>",
            ["ok.png"],
        ),
        ("<template><noscript></noscript></template><img src=ok.png>", ["ok.png"]),
        ("<template><img src=no.png>", []),
    ],
)
def test_template_content_is_not_loaded_and_does_not_swallow_what_follows(
    html: str, expected: list[str]
) -> None:
    assert urls(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<!-- <noscript> --><img src=a.png>",
        "<p title='<noscript>'><img src=a.png>",
        '<p title="<template>"><img src=a.png>',
        "<script>if (a <noscript> b) {}</script><img src=a.png>",
        "<textarea><template></textarea><img src=a.png>",
        "<noscripts><img src=a.png></noscripts>",
    ],
)
def test_only_real_noscript_and_template_tags_hide_content(html: str) -> None:
    assert urls(html) == ["a.png"]


def test_noscript_is_raw_text_so_template_end_tags_inside_it_do_not_count() -> None:
    assert urls("<template><noscript></template></noscript><img src=no.png></template>") == []


def test_scan_skips_unloaded_subtrees_of_any_tree() -> None:
    # A tree parse_html did not repair still has content in <noscript> and <template>.
    html = (
        b"<html><head><noscript><link rel=stylesheet href=no.css></noscript></head><body>"
        b"<template><p><img src=no.png></p></template><img src=ok.png></body></html>"
    )
    root = etree.fromstring(html, etree.HTMLParser())
    assert len(root.find("body/template")) == 1
    assert list(scan_html(root, Viewport())) == [Reference("ok.png", Kind.HTML_IMG, 1)]


def test_lines_after_hidden_content_stay_right() -> None:
    html = "<noscript>\n<img src=no.png>\n</noscript>\n<template>\n\n</template>\n<img src=ok.png>"
    assert only(html).line == 7


def test_declarative_shadow_root_is_rendered_and_scanned() -> None:
    html = (
        "<my-card><template shadowrootmode=open>"
        "<link rel=stylesheet href=card.css><template><img src=no.png></template>"
        "</template></my-card><img src=after.png>"
    )
    assert urls(html) == ["card.css", "after.png"]
    # Chromium's preload scanner fetches these too, though <ul> cannot host a shadow root.
    assert urls("<ul><template shadowrootmode=CLOSED><img src=a.png></template></ul>") == ["a.png"]


@pytest.mark.parametrize(
    "html",
    [
        "<div><template shadowrootmode=none><img src=no.png></template></div>",
        "<div><template><img src=no.png></template></div>",
    ],
)
def test_other_templates_stay_inert(html: str) -> None:
    assert urls(html) == []


def test_comments_are_not_loaded() -> None:
    html = (
        "<!--[if lt IE 9]><script src=html5shiv.js></script><![endif]-->"
        "<!-- <img src=commented.png> --><img src=ok.png>"
    )
    assert urls(html) == ["ok.png"]


# -- <base> -----------------------------------------------------------------------------------


def test_only_the_first_base_with_href_counts() -> None:
    html = "<base target=_top><base href=' /first/ '><base href=/second/><img src=a.png>"
    assert scan(html)[0] == BaseHref("/first/", 1)
    assert [i for i in scan(html) if isinstance(i, BaseHref)] == [BaseHref("/first/", 1)]


def test_an_empty_first_base_href_yields_nothing_and_still_wins() -> None:
    assert scan("<base href=''><base href=/second/>") == []


def test_base_inside_template_does_not_count() -> None:
    html = "<template><base href=/no/></template><base href=/yes/>"
    assert scan(html) == [BaseHref("/yes/", 1)]


# -- <link> -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        ("stylesheet", Kind.HTML_STYLESHEET),
        ("STYLESHEET", Kind.HTML_STYLESHEET),
        ("import", Kind.HTML_IMPORT),
        ("preload", Kind.HTML_PRELOAD),
        ("modulepreload", Kind.HTML_MODULEPRELOAD),
        ("icon", Kind.HTML_ICON),
        ("shortcut icon", Kind.HTML_ICON),
        ("\tShortcut\n Icon ", Kind.HTML_ICON),
    ],
)
def test_link_rel_kinds(rel: str, kind: Kind) -> None:
    assert refs(f'<link rel="{rel}" href="x">') == [(kind, "x")]


@pytest.mark.parametrize(
    "html",
    [
        '<link rel="alternate stylesheet" href="alt.css" title="Alt">',
        '<link rel="stylesheet alternate" href="alt.css">',
        '<link rel="stylesheet" href="off.css" disabled>',
        '<link rel="stylesheet" href="x.less" type="text/less">',
        '<link rel="stylesheet" href="">',
        '<link rel="stylesheet" href="  ">',
        '<link rel="stylesheet">',
        '<link href="x.css">',
        '<link rel="canonical" href="/page">',
        '<link rel="alternate" href="feed.xml">',
        '<link rel="stylesheets" href="x.css">',
        '<link rel="prefetch" href="next.html">',
    ],
)
def test_links_a_browser_does_not_load_for_rendering(html: str) -> None:
    assert scan(html) == []


def test_stylesheet_type_with_css_essence_is_loaded() -> None:
    # Chromium 156 fetches both; a <style> with parameters in its type is not CSS (below).
    assert urls('<link rel=stylesheet href=a.css type="TEXT/CSS; charset=utf-8">') == ["a.css"]
    assert urls('<link rel=stylesheet href=b.css type=" text/css">') == ["b.css"]


def test_one_reference_per_relevant_rel_token() -> None:
    assert refs('<link rel="stylesheet preload icon" href="a.css" as="style">') == [
        (Kind.HTML_STYLESHEET, "a.css"),
        (Kind.HTML_PRELOAD, "a.css"),
        (Kind.HTML_ICON, "a.css"),
    ]
    assert refs('<link rel="icon apple-touch-icon" href="i.png">') == [(Kind.HTML_ICON, "i.png")]


def test_alternate_drops_only_the_stylesheet_token() -> None:
    assert refs('<link rel="alternate stylesheet preload" href="a.css" as=style>') == [
        (Kind.HTML_PRELOAD, "a.css")
    ]


def test_preload_copies_its_attributes() -> None:
    ref = only(
        '<link rel=preload href=" f.woff2 " as=font type=font/woff2 crossorigin '
        'media="(min-width: 1px)" fetchpriority=high>'
    )
    assert ref.url == "f.woff2"
    assert ref.attr("as") == "font"
    assert ref.attr("type") == "font/woff2"
    assert ref.attr("crossorigin") == ""
    assert ref.attr("fetchpriority") == "high"
    assert ref.media == ("(min-width: 1px)",)


def test_preload_of_a_responsive_image_uses_the_selected_source() -> None:
    html = (
        '<link rel=preload as=image href=fallback.png imagesrcset="s.png 640w, l.png 1920w" '
        'imagesizes="50vw">'
    )
    ref = only(html)
    assert ref.url == "s.png"
    assert ref.attr("imagesrcset") == "s.png 640w, l.png 1920w"
    assert ref.attr("imagesizes") == "50vw"
    assert only(html.replace("href=fallback.png ", "")).url == "s.png"


def test_stylesheet_media_goes_to_reference_media() -> None:
    assert only('<link rel=stylesheet href=p.css media="print">').media == ("print",)
    assert only('<link rel=stylesheet href=p.css media="">').media == ()


# -- <script> ---------------------------------------------------------------------------------


def test_script_copies_attributes_and_booleans_are_empty() -> None:
    ref = only(
        '<script src="a.js" async defer="defer" nomodule crossorigin="use-credentials" '
        'blocking=render fetchpriority=low integrity="sha384-x"></script>'
    )
    assert ref.kind is Kind.HTML_SCRIPT
    assert ref.attrs == (
        ("async", ""),
        ("blocking", "render"),
        ("crossorigin", "use-credentials"),
        ("defer", ""),
        ("fetchpriority", "low"),
        ("nomodule", ""),
    )


@pytest.mark.parametrize("type_", ["module", " MODULE ", "text/x-template", "application/json", ""])
def test_script_type_is_copied_as_written(type_: str) -> None:
    assert only(f'<script type="{type_}" src="a.js"></script>').attr("type") == type_


def test_script_without_src_attribute_or_with_empty_src() -> None:
    assert scan('<script src=""></script><script src="  "></script>') == []
    assert scan("<script>var a = '<img src=x.png>';</script>") == []


@pytest.mark.parametrize(
    ("type_", "kind"),
    [("module", InlineKind.MODULE_SCRIPT), (" Module\t", InlineKind.MODULE_SCRIPT),
     ("importmap", InlineKind.IMPORT_MAP)],
)  # fmt: skip
def test_inline_module_and_import_map(type_: str, kind: InlineKind) -> None:
    text = "import './a.js';"
    assert scan(f'<head><script type="{type_}">{text}</script>') == [
        InlineText(text, kind, 1, True)
    ]


def test_inline_module_with_only_whitespace_yields_nothing() -> None:
    assert scan("<script type=module>  \n </script><script type=text/json>{}</script>") == []


# -- images -----------------------------------------------------------------------------------


def test_img_src() -> None:
    assert only('<img src=" a.png " alt="">') == Reference("a.png", Kind.HTML_IMG, 1)


def test_img_srcset_selection_follows_the_viewport() -> None:
    html = '<img src="a.png" srcset="a1.png 1x, a2.png 2x">'
    assert urls(html) == ["a1.png"]
    assert urls(html, Viewport(dpr=2)) == ["a2.png"]
    assert only(html).attr("srcset") == "a1.png 1x, a2.png 2x"


def test_img_with_width_descriptors_and_sizes() -> None:
    html = '<img srcset="s.png 640w, l.png 1920w" sizes="(max-width: 700px) 100vw, 50vw">'
    assert urls(html) == ["s.png"]
    assert only(html).attr("sizes") == "(max-width: 700px) 100vw, 50vw"


def test_lazy_img_is_still_yielded_with_its_loading_attribute() -> None:
    ref = only("<img src=a.png loading=lazy crossorigin=anonymous fetchpriority=low>")
    assert ref.attr("loading") == "lazy"
    assert ref.attr("crossorigin") == "anonymous"
    assert ref.attr("fetchpriority") == "low"


def test_img_without_a_source_yields_nothing() -> None:
    assert scan('<img alt="x"><img src=""><img srcset="">') == []


PICTURE = (
    "<picture>"
    '<source media="(max-width: 600px)" srcset="m.png">'
    '<source type="image/x-unknown" srcset="u.img">'
    '<source type="image/webp" srcset="w.webp" sizes="10vw">'
    '<img src="f.png" loading="lazy">'
    '<source srcset="after.png">'
    "</picture>"
)


def test_picture_uses_its_sources_before_the_img() -> None:
    ref = only(PICTURE)
    assert (ref.kind, ref.url) == (Kind.HTML_IMG, "w.webp")
    assert ref.attr("srcset") == "w.webp"
    assert ref.attr("sizes") == "10vw"
    assert ref.attr("loading") == "lazy"
    assert urls(PICTURE, Viewport(width=500)) == ["m.png"]


def test_picture_falls_back_to_the_img() -> None:
    html = '<picture><source type="image/x-unknown" srcset="u.img"><img src="f.png"></picture>'
    assert urls(html) == ["f.png"]


def test_void_elements_libxml2_does_not_know_hold_nothing() -> None:
    # libxml2 would nest the second <source> and the <img> inside the first <source>.
    html = (
        '<video><source src="a.webm"><source src="b.mp4"><track src="t.vtt" default></video>'
        '<picture><source srcset="w.webp" type="image/webp"><source srcset="j.jpg">'
        '<img src="f.png"></picture><embed src="e.swf"><wbr><image src="i.png"><img src="z.png">'
    )
    root = parse_html(html)
    for element in root.iter("source", "track", "embed", "wbr", "image"):
        assert len(element) == 0
    assert refs(html) == [
        (Kind.HTML_MEDIA, "a.webm"),
        (Kind.HTML_MEDIA, "b.mp4"),
        (Kind.HTML_TRACK, "t.vtt"),
        (Kind.HTML_IMG, "w.webp"),
        (Kind.HTML_EMBED, "e.swf"),
        (Kind.HTML_IMG, "i.png"),
        (Kind.HTML_IMG, "z.png"),
    ]


def test_many_wbr_do_not_reach_the_depth_limit() -> None:
    assert urls("<p>" + "a<wbr>" * 3000 + "</p><img src=after.png>") == ["after.png"]


def test_input_image() -> None:
    assert refs('<input type="IMAGE" src="go.png">') == [(Kind.HTML_INPUT_IMAGE, "go.png")]
    assert scan('<input type="text" src="no.png"><input src="no.png">') == []


def test_video_audio_source_track() -> None:
    html = (
        '<video poster="p.jpg" src="v.mp4"><source src="v.webm"><track src="t.vtt" default></video>'
        '<audio src="a.mp3"><source src="a.ogg"></audio>'
    )
    assert refs(html) == [
        (Kind.HTML_VIDEO_POSTER, "p.jpg"),
        (Kind.HTML_MEDIA, "v.mp4"),
        (Kind.HTML_MEDIA, "v.webm"),
        (Kind.HTML_TRACK, "t.vtt"),
        (Kind.HTML_MEDIA, "a.mp3"),
        (Kind.HTML_MEDIA, "a.ogg"),
    ]


def test_links_and_embedded_contexts() -> None:
    html = (
        '<a href="page.html">a</a><map><area href="area.html"></map><iframe src="f.html"></iframe>'
        '<object data="o.svg"></object><embed src="e.swf"><a name="x">no href</a>'
    )
    assert refs(html) == [
        (Kind.HTML_ANCHOR, "page.html"),
        (Kind.HTML_ANCHOR, "area.html"),
        (Kind.HTML_IFRAME, "f.html"),
        (Kind.HTML_OBJECT, "o.svg"),
        (Kind.HTML_EMBED, "e.swf"),
    ]


# -- SVG --------------------------------------------------------------------------------------


def test_svg_image_and_use() -> None:
    html = (
        '<svg><image xlink:href="x.png"/><image href="h.png" xlink:href="ignored.png"/>'
        '<use href="sprite.svg#icon"/><use xlink:href="#local"/></svg>'
    )
    assert refs(html) == [
        (Kind.HTML_SVG_IMAGE, "x.png"),
        (Kind.HTML_SVG_IMAGE, "h.png"),
        (Kind.HTML_SVG_USE, "sprite.svg#icon"),
        (Kind.HTML_SVG_USE, "#local"),
    ]


def test_svg_script_href() -> None:
    html = '<svg><script href="s.js"></script><script xlink:href="x.js"></script></svg>'
    assert refs(html) == [(Kind.HTML_SCRIPT, "s.js"), (Kind.HTML_SCRIPT, "x.js")]
    assert scan('<script href="not-svg.js"></script>') == []


def test_image_outside_svg_is_an_img() -> None:
    assert refs('<image src="a.png">') == [(Kind.HTML_IMG, "a.png")]
    html = '<svg><foreignObject><image src="b.png"></foreignObject></svg>'
    assert refs(html) == [(Kind.HTML_IMG, "b.png")]


def test_use_outside_svg_is_nothing() -> None:
    assert scan('<use href="sprite.svg#a">') == []


# -- inline CSS -------------------------------------------------------------------------------


def test_style_element_with_media_and_type() -> None:
    assert scan('<style media="screen">a{}</style><style type="text/css">b{}</style>') == [
        InlineText("a{}", InlineKind.STYLE_ELEMENT, 1, True, ("screen",)),
        InlineText("b{}", InlineKind.STYLE_ELEMENT, 1, True),
    ]
    assert scan('<style type="TEXT/CSS">c{}</style>') == [
        InlineText("c{}", InlineKind.STYLE_ELEMENT, 1, True)
    ]
    assert scan('<style type="text/less">@a: 1;</style><style> </style>') == []
    assert scan('<style type="text/css; charset=utf-8">a{}</style>') == []


def test_style_attributes() -> None:
    html = '<body><div style="background:url(a.png)"></div><p style=""></p><p style=" "></p>'
    assert scan(html) == [InlineText("background:url(a.png)", InlineKind.STYLE_ATTRIBUTE, 1)]


def test_urls_are_stripped_of_ascii_whitespace_only() -> None:
    assert urls('<img src="\t a.png\n">') == ["a.png"]
    assert urls('<img src="\u00a0a.png">') == ["\u00a0a.png"]


# -- robustness -------------------------------------------------------------------------------

_HTMLISH = st.lists(
    st.sampled_from(
        ["<", ">", "/", "!", "-", "=", '"', "'", " ", "\n", "\r", "\x00", "a", "é", "<!--", "-->",
         "<noscript>", "</noscript>", "<template>", "</template>", "<template shadowrootmode=open>",
         "<img src=x>", "<source srcset=s>", "<picture>", "<script>", "</script>", "<svg>",
         "<image href=i>", "<style>", "</body>", "<base href=b>", "<link rel=stylesheet href=c>",
         "<wbr>", "<table><tr><td>", "<div>", "<head>", "<textarea>", "<plaintext>"]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(_HTMLISH, st.text(max_size=200)))
def test_any_text_parses_and_scans_without_raising(text: str) -> None:
    items = list(scan_html(parse_html(text), Viewport()))
    assert all(isinstance(item, Reference | InlineText | BaseHref) for item in items)
    assert sum(isinstance(item, BaseHref) for item in items) <= 1


@settings(max_examples=300, deadline=None)
@given(_HTMLISH)
def test_repair_keeps_every_line_break(text: str) -> None:
    repaired = _repair(text)
    assert (repaired.count("\n"), repaired.count("\r")) == (text.count("\n"), text.count("\r"))


@pytest.mark.parametrize("tag", ["body", "table", "td", "th"])
def test_legacy_background_attribute_is_an_image_reference(tag: str) -> None:
    html = f'<table><tr><{tag} background="bg.png">x</{tag}></tr></table>'
    if tag == "body":
        html = '<body background="bg.png">x</body>'
    refs = [i for i in scan_html(parse_html(html), Viewport()) if isinstance(i, Reference)]
    assert [(r.url, r.kind) for r in refs] == [("bg.png", Kind.HTML_BACKGROUND)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<p>ok</p><img src="never-closed.png', "the page ends inside a tag"),
        ("<p>ok</p><img src=x.png", "the page ends inside a tag"),
        ("<p>ok</p><!-- <img src=commented.png>", "the page ends inside a comment"),
        ("<p>ok</p><!-- closed -->", None),
        ("<p>1 < 2 is true</p>", None),
        ("<p>ok</p>", None),
        ("", None),
    ],
)
def test_truncation_names_markup_cut_off_at_the_end(text: str, expected: str | None) -> None:
    from push_manifest.scanners.html import truncation

    assert truncation(text) == expected


# -- libxml2's limits: depth and attributes ---------------------------------------------------


def test_a_page_libxml2_parses_whole_records_no_approximation() -> None:
    html = "<div>" * 1500 + '<p class=x style="a: b">' + "a " * 300 + "</p>"
    assert parse_limits(parse_html(html)) == ParseLimits()


def test_a_page_too_deep_is_cut_below_a_depth_and_the_rest_keeps_its_shape() -> None:
    html = (
        "<!doctype html><body>\n<div class=top>\n"
        + "<section>" * 3000
        + "<span class=deep style='background: url(bg.png)'>x</span><img src=deep.png>"
        + "</section>" * 3000
        + "\n<em>after</em><img src=after.png></div>"
    )
    root = parse_html(html)
    limits = parse_limits(root)
    assert limits.cut and limits.cut_line == 3
    assert limits.lost_tags == {"section", "span"}
    # Above the cut, the tree is the page's: .top and sections, CUT_DEPTH elements deep.
    assert len(list(root.iter("section"))) == CUT_DEPTH - 1
    (em,) = root.iter("em")
    parent = em.getparent()
    assert parent is not None and parent.get("class") == "top"
    # Below it, each element is a <br> with its attributes, inside one wrapper.
    (wrapper,) = root.iter(CUT_ELEMENT)
    deep = [element for element in wrapper.iter("br") if element.get("class") == "deep"]
    assert len(deep) == 1
    items = scan(html)
    assert [item.url for item in items if isinstance(item, Reference)] == ["deep.png", "after.png"]
    assert [item.text for item in items if isinstance(item, InlineText)] == [
        "background: url(bg.png)"
    ]


def test_flatten_counts_depth_as_libxml2_does() -> None:
    """Unclosed list items and paragraphs, self-closed and void elements add no depth."""
    for html in ("<ul>" + "<li>x" * 3000 + "</ul>", "<p>a" * 3000, "<div/>" * 3000,
                 "<img><br><wbr>" * 3000):  # fmt: skip
        flat, lost = _flatten(html, CUT_DEPTH)
        assert (flat, lost) == (html, set())


def test_the_cut_closes_with_the_element_holding_it() -> None:
    html = "<main>" + "<div>" * 5 + "<td>cell<b>x</b>" + "</div>" * 5 + "</main><em>e</em>"
    flat, lost = _flatten(html, 3)
    assert lost == {"div", "b"}
    # <td> (a scanned element) keeps its place below the cut, and is closed before the
    # wrapper: libxml2 would not let an unknown end tag close it.
    assert flat == (
        "<main><div><div><push-manifest-cut><br><br><br><td>cell<br>x"
        "</td></push-manifest-cut></div></div></main><em>e</em>"
    )


def test_a_tag_with_few_distinct_attributes_is_left_alone() -> None:
    html = "<img " + "src=a.png " * 5000 + "alt=x>" + "<div " + "a" * 10000 + ">"
    assert _repair(html) is html


def test_a_tag_with_too_many_attributes_keeps_the_first_and_those_read() -> None:
    names = " ".join(f"x{i}=v" for i in range(MAX_ATTRIBUTES + 100))
    html = (
        f"<img src=first.png X0=again {names}\n\nsrc=second.png srcset='s.png 2x' class=c\n"
        "data-late=1 STYLE='color: red'/><p>after</p>"
    )
    root = parse_html(html)
    (img,) = root.iter("img")
    assert img.get("src") == "first.png"  # a browser keeps the first of a name
    assert img.get("x0") == "again"  # names are case-insensitive: x0=v repeats X0
    assert img.get("srcset") == "s.png 2x"
    assert img.get("class") == "c" and img.get("style") == "color: red"
    assert img.get("data-late") is None
    assert len(img.attrib) == MAX_ATTRIBUTES + 3  # and srcset, class, style
    (p,) = root.iter("p")
    assert cast("int | None", p.sourceline) == 4
    # x255 to x355 and data-late; the line is where the start tag ends, as libxml2 numbers it
    assert parse_limits(root) == ParseLimits(capped=102, capped_line=4)


def test_every_attribute_the_scanners_and_matching_read_is_kept_past_the_cap() -> None:
    read = {
        *html_scanner._LINK_ATTRS,
        *html_scanner._SCRIPT_ATTRS,
        *html_scanner._SCRIPT_BOOLEANS,
        *html_scanner._IMG_ATTRS,
        "kind", "srclang", "default",
    }  # fmt: skip
    source = Path(html_scanner.__file__).read_text()
    read |= set(re.findall(r'\.get\("([^"]+)"\)', source))
    read |= set(re.findall(r'_attribute\("([^"]+)"', source))
    matching = Path(prune.__file__).read_text() + Path(cssselect.xpath.__file__).read_text()
    read |= set(re.findall(r"@([a-z][a-z-]*)\b", matching)) - {"font-face", "scope"}
    read -= {"dataclass", "lru", "property", "staticmethod"}  # decorators
    assert read <= html_scanner._READ_ATTRIBUTES


# -- issue 18: what a browser does not fetch at load (fixtures/browser-hygiene) -----------------


@pytest.mark.parametrize("rel", ["apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon"])
def test_icons_for_other_devices_are_not_listed(rel: str) -> None:
    assert refs(f'<link rel="{rel}" href="x">') == []


@pytest.mark.parametrize(
    ("links", "chosen"),
    [
        # Checked in Chromium 156 (desktop, DPR 1): the first icon it fetches.
        (["a.png", "b.png 32x32", "c.png 16x16"], "a.png"),  # no sizes: tried first
        (["a.png", "b.png"], "b.png"),  # equals: the last in tree order
        (["a.png 192x192", "b.png 32x32", "c.png 16x16"], "b.png"),  # 16 DIP at 2x
        (["a.png 16x16", "b.png 48x48"], "a.png"),
        (["a.png 24x24", "b.png 64x64"], "b.png"),
        (["a.png 48x48", "b.png 96x96", "c.png 128x128"], "a.png"),
        (["a.png 64x64", "b.png any"], "b.png"),
        (["a.png 16X16", "b.png 17x17"], "a.png"),
    ],
)
def test_only_the_icon_the_browser_fetches_first_is_listed(links: list[str], chosen: str) -> None:
    html = "".join(
        f'<link rel="icon" href="{href}"' + (f' sizes="{sizes[0]}">' if sizes else ">")
        for href, *sizes in (link.split() for link in links)
    )
    assert refs(html + '<link rel="apple-touch-icon" href="t.png">') == [(Kind.HTML_ICON, chosen)]


def test_track_without_default_is_not_listed() -> None:
    html = '<video><track src="off.vtt"><track src="on.vtt" kind="subtitles" default></video>'
    assert refs(html) == [(Kind.HTML_TRACK, "on.vtt")]


def test_script_language_is_kept_for_classification() -> None:
    assert only('<script language="vbscript" src="vb.js"></script>').attr("language") == "vbscript"


def test_titled_style_sheets_outside_the_preferred_set_are_not_applied() -> None:
    html = (
        '<link rel="stylesheet" href="p.css"><link rel="stylesheet" title="A" href="a.css">'
        '<link rel="stylesheet" title="B" href="b.css"><style title="B">p{color:red}</style>'
        '<style title="A">h1{color:red}</style><style title="">h2{color:red}</style>'
    )
    items = scan(html)
    sheets = [(item.url, item.media) for item in items if isinstance(item, Reference)]
    assert sheets == [("p.css", ()), ("a.css", ()), ("b.css", ("not all",))]
    assert [item.text for item in items if isinstance(item, InlineText)] == [
        "h1{color:red}",
        "h2{color:red}",
    ]


def test_meta_default_style_names_the_preferred_set() -> None:
    html = (
        '<meta http-equiv="DEFAULT-STYLE" content="B">'
        '<link rel="stylesheet" title="A" href="a.css">'
        '<link rel="stylesheet" title="B" href="b.css">'
    )
    sheets = [(item.url, item.media) for item in scan(html) if isinstance(item, Reference)]
    assert sheets == [("a.css", ("not all",)), ("b.css", ())]


# -- content after </body> and </html> (fixtures/browser-tree/after-*.html) ----------------


def test_content_after_the_html_end_tag_is_in_the_body() -> None:
    html = (
        "<html><head></head><body><p>x</p></body></html>\n"
        '<img src="a.png"><link rel="stylesheet" href="b.css"><div class="late"></div>'
        "<!-- <img src=\"c.png\"> --></html><img src='d.png'>"
    )
    assert urls(html) == ["a.png", "b.css", "d.png"]
    body = parse_html(html).find("body")
    assert body is not None
    assert [child.tag for child in body] == ["p", "img", "link", "div", "img"]


def test_the_body_end_tag_closes_nothing() -> None:
    # WHATWG HTML §13.2.6.4.7: "</body>" only switches to "after body"; the section stays open.
    root = parse_html("<body><section><p>a</body><p class=in>b</p></section><img src=c.png>")
    assert [e.tag for e in root.iterfind(".//section/p")] == ["p", "p"]
    assert [e.getparent().tag for e in root.iter("img")] == ["body"]


def test_body_and_html_end_tags_in_raw_text_comments_and_templates_are_text() -> None:
    html = (
        '<script>"</body></html>"</script><!-- </html> --><template></html><img src=t.png>'
        "</template><textarea></html></textarea></html><img src=after.png>"
    )
    assert urls(html) == ["after.png"]
    repaired = _repair("<p>\n</body\n>\n</HTML>")
    assert repaired == "<p>\n\n\n"
