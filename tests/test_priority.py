"""The weight table (SPEC §5): monotone in criticality, capped by the referring document."""

from __future__ import annotations

from push_manifest.classify import classify
from push_manifest.model import Kind, Reference, attrs
from push_manifest.priority import Weight, cap, weigh


def weight(kind: Kind, path: str = "/x", *, in_head: bool = False, matches: bool = True,
           **attributes: str) -> int:  # fmt: skip
    reference = Reference("x", kind, attrs=attrs(attributes), in_head=in_head)
    fetch = classify(reference, path)
    assert fetch is not None
    return weigh(reference, fetch, media_matches=matches)


def test_weights_follow_the_order_of_the_spec() -> None:
    ordered = [
        weight(Kind.HTML_STYLESHEET, "/a.css", in_head=True),
        weight(Kind.HTML_SCRIPT, "/a.js", in_head=True),
        weight(Kind.CSS_FONT_FACE, "/f.woff2"),
        weight(Kind.HTML_PRELOAD, "/p.js", **{"as": "script"}),
        weight(Kind.HTML_SCRIPT, "/d.js", defer=""),
        weight(Kind.HTML_IMG, "/i.png"),
        weight(Kind.CSS_URL, "/bg.png"),
        weight(Kind.HTML_ICON, "/icon.png"),
    ]
    assert ordered == sorted(ordered, reverse=True)
    assert ordered[0] == 256 and ordered[-1] == Weight.ICON
    assert all(1 <= w <= 256 for w in Weight)


def test_context_changes_a_weight() -> None:
    assert weight(Kind.HTML_STYLESHEET, "/a.css") == Weight.BODY_STYLESHEET
    assert weight(Kind.HTML_STYLESHEET, "/p.css", in_head=True, matches=False) == 32
    assert weight(Kind.HTML_SCRIPT, "/m.js", in_head=True, type="module") == 180
    assert weight(Kind.HTML_IMG, "/i.png", fetchpriority="high") == Weight.HIGH_PRIORITY_IMAGE
    assert weight(Kind.HTML_IMG, "/i.png", loading="lazy") == Weight.LAZY_IMAGE
    assert weight(Kind.HTML_TRACK, "/t.vtt") < weight(Kind.HTML_TRACK, "/t.vtt", default="")


def test_deeper_discovery_never_raises_a_weight() -> None:
    assert cap(Weight.FONT, Weight.UNMATCHED_MEDIA) == Weight.UNMATCHED_MEDIA
    assert cap(Weight.CSS_IMAGE, Weight.HEAD_STYLESHEET) == Weight.CSS_IMAGE
