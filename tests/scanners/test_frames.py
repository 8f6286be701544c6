"""Nested documents fetched with the page: ``<iframe src>``, ``<object data>``, ``<embed src>``."""

from __future__ import annotations

from pathlib import Path

import pytest

from push_manifest import build_manifest
from push_manifest.classify import classify
from push_manifest.model import Destination, Kind, Reference, Viewport
from push_manifest.priority import Weight
from push_manifest.scanners.html import NEAR_VIEWPORT, parse_html, scan_html

FRAMES_SITE = Path(__file__).resolve().parents[2] / "fixtures" / "browser-frames"


def _refs(html: str) -> list[Reference]:
    return [
        item
        for item in scan_html(parse_html(html), Viewport())
        if isinstance(item, Reference) and not item.kind.linked
    ]


def test_iframe_object_and_embed_are_scanned_with_what_classification_needs() -> None:
    refs = _refs(
        '<iframe src=" f.html " width="200" height="100" loading="LAZY"></iframe>'
        '<object data="o.png" type="image/png"></object><embed src="e.svg">'
    )
    assert [(r.url, r.kind) for r in refs] == [
        ("f.html", Kind.HTML_IFRAME),
        ("o.png", Kind.HTML_OBJECT),
        ("e.svg", Kind.HTML_EMBED),
    ]
    assert refs[0].attr("width") == "200" and refs[0].attr("loading") == "LAZY"
    assert refs[0].attr(NEAR_VIEWPORT) == "true"  # at the top of the page
    assert refs[1].attr("type") == "image/png"


def test_srcdoc_wins_over_src() -> None:
    assert _refs('<iframe srcdoc="<p>x</p>" src="f.html"></iframe>') == []


def test_a_lazy_frame_far_below_is_not_near_the_viewport() -> None:
    refs = _refs('<div style="height:5000px"></div><iframe src="f.html" loading=lazy></iframe>')
    assert refs[0].attr(NEAR_VIEWPORT) is None


@pytest.mark.parametrize(
    ("kind", "url", "type_", "expected"),
    [
        (Kind.HTML_IFRAME, "/f.html", None, Destination.DOCUMENT),
        (Kind.HTML_OBJECT, "/o.png", None, Destination.IMAGE),
        (Kind.HTML_OBJECT, "/o", "image/png", Destination.IMAGE),
        (Kind.HTML_OBJECT, "/o.svg", None, Destination.DOCUMENT),
        (Kind.HTML_EMBED, "/e.png", "image/svg+xml", Destination.DOCUMENT),
        (Kind.HTML_EMBED, "/e.html", None, Destination.DOCUMENT),
        (Kind.HTML_EMBED, "/e.swf", None, None),
        (Kind.HTML_OBJECT, "/o", "application/x-shockwave-flash", None),
        (Kind.HTML_OBJECT, "/o.pdf", "application/pdf", Destination.DOCUMENT),
    ],
)
def test_embedded_content_is_an_image_or_a_document(
    kind: Kind, url: str, type_: str | None, expected: Destination | None
) -> None:
    ref = Reference(url, kind, attrs=(("type", type_),) if type_ else ())
    fetch = classify(ref, url)
    assert (fetch and fetch.type) is expected


def test_the_frames_fixture_lists_frame_documents_and_what_they_load_below_page_images() -> None:
    manifest = build_manifest([FRAMES_SITE / "index.html"], root=FRAMES_SITE, cache=False)
    listed = {r.url: (r.type, r.weight) for r in manifest.pages[0].resources}
    embedded = Weight.EMBEDDED
    assert listed == {
        "/css/page.css": (Destination.STYLE, Weight.HEAD_STYLESHEET),
        "/img/page.png": (Destination.IMAGE, Weight.IMAGE),
        "/img/fallback.png": (Destination.IMAGE, Weight.IMAGE),
        "/frames/doc.html": (Destination.DOCUMENT, embedded),
        "/frames/doc.css": (Destination.STYLE, embedded),
        "/img/framed.png": (Destination.IMAGE, embedded),
        "/img/framed-bg.png": (Destination.IMAGE, embedded),
        "/img/object.png": (Destination.IMAGE, embedded),
        "/img/embed.png": (Destination.IMAGE, embedded),
        "/img/object.svg": (Destination.DOCUMENT, embedded),
        "/img/embed.svg": (Destination.DOCUMENT, embedded),
        "/frames/lazy-near.html": (Destination.DOCUMENT, embedded),
        "/img/lazy-near.png": (Destination.IMAGE, embedded),
    }
    assert min(Weight.IMAGE, Weight.CSS_IMAGE, Weight.LOW_PRIORITY_IMAGE) > Weight.EMBEDDED
