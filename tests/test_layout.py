"""The static layout estimate that decides which ``loading=lazy`` images load at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from push_manifest import build_manifest
from push_manifest.device import DEVICES, Device
from push_manifest.layout import LAZY_LOAD_MARGIN, Layout
from push_manifest.model import Viewport
from push_manifest.priority import Weight
from push_manifest.scanners.html import parse_html

LAZY_SITE = Path(__file__).resolve().parents[1] / "fixtures" / "browser-lazy"
DESKTOP = Viewport(1280, 800)
PHONE = Viewport(390, 844, 3.0)

# The tops (CSS px from the top of the page) headless Chromium 156 gives the images of
# fixtures/browser-lazy/index.html: getBoundingClientRect().top + scrollY after load.
CHROMIUM_TOPS = {
    DESKTOP: {"hero": 97.9, "thumb-01": 468.7, "thumb-02": 798.5, "thumb-05": 1787.9,
              "thumb-06": 2117.8, "thumb-16": 5415.9, "thumb-32": 10692.9},
    PHONE: {"hero": 97.9, "thumb-01": 468.7, "thumb-02": 834.5, "thumb-05": 1931.9,
            "thumb-06": 2297.8},
}  # fmt: skip


def _images(html: str, viewport: Viewport) -> tuple[Layout, dict[str, etree._Element]]:
    root = parse_html(html)
    images = {
        (img.get("src") or "").rsplit("/", 1)[-1].removesuffix(".png"): img
        for img in root.iter("img")
    }
    return Layout(root, viewport), images


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_estimated_tops_are_within_five_percent_of_chromiums(viewport: Viewport) -> None:
    layout, images = _images((LAZY_SITE / "index.html").read_text(), viewport)
    for name, measured in CHROMIUM_TOPS[viewport].items():
        estimate = layout.top(images[name])
        assert estimate is not None
        assert abs(estimate - measured) <= max(0.05 * measured, 16), (name, estimate, measured)


def test_an_image_is_near_the_viewport_up_to_chromiums_lazy_load_margin() -> None:
    edge = DESKTOP.height + LAZY_LOAD_MARGIN
    html = (
        f'<body style="margin:0"><div style="height:{edge - 50:.0f}px"></div>'
        '<img src="near.png" loading="lazy" width="10" height="10">'
        '<div style="height:100px"></div>'
        '<img src="far.png" loading="lazy" width="10" height="10"></body>'
    )
    layout, images = _images(html, DESKTOP)
    assert layout.near_viewport(images["near"])
    assert not layout.near_viewport(images["far"])


def test_elements_that_do_not_render_take_no_space_and_are_not_near() -> None:
    html = (
        '<body><p hidden><img src="hidden.png" width="10" height="9000"></p>'
        '<div style="display: none"><img src="none.png" width="10" height="9000"></div>'
        '<input type="hidden"><script>var x = "' + "x" * 50000 + '";</script>'
        '<img src="after.png" loading="lazy"></body>'
    )
    layout, images = _images(html, DESKTOP)
    assert layout.top(images["hidden"]) is None
    assert not layout.near_viewport(images["none"])
    assert layout.top(images["after"]) == pytest.approx(8)


def test_sizes_come_from_attributes_inline_style_and_aspect_ratio() -> None:
    html = (
        '<body><div><img src="a.png" width="100" height="500"></div>'
        '<div><img src="b.png" style="width:200px; aspect-ratio: 2 / 1"></div>'
        '<div><iframe src="f.html"></iframe></div>'
        '<div style="height: 1000px"><p>' + "word " * 2000 + '</p></div><img src="c.png"></body>'
    )
    layout, images = _images(html, DESKTOP)
    root = images["a"].getroottree().getroot()
    frame = next(root.iter("iframe"))
    assert layout.top(images["b"]) == pytest.approx(8 + 500)
    assert layout.top(frame) == pytest.approx(8 + 500 + 100)
    assert layout.top(images["c"]) == pytest.approx(8 + 500 + 100 + 150 + 1000)


def test_inline_images_share_a_line_until_it_is_full() -> None:
    row = "".join(f'<img src="t{n}.png" width="400" height="100">' for n in range(4))
    layout, images = _images(f"<body><div>{row}</div></body>", DESKTOP)
    tops = [layout.top(images[f"t{n}"]) for n in range(4)]
    assert tops == [8, 8, 8, 108]


def test_the_manifest_lists_the_lazy_thumbnails_chromium_loads_and_no_others() -> None:
    manifest = build_manifest([LAZY_SITE / "index.html"], root=LAZY_SITE, viewport=DESKTOP,
                              cache=False)  # fmt: skip
    listed = {r.url: r.weight for r in manifest.pages[0].resources}
    assert listed == {
        "/img/display-none.png": Weight.IMAGE,
        "/img/hero.png": Weight.IMAGE,
        **{f"/img/thumb-{n:02d}.png": Weight.IMAGE for n in range(1, 6)},
    }


def test_include_lazy_lists_the_far_ones_at_the_lazy_weight() -> None:
    manifest = build_manifest([LAZY_SITE / "index.html"], root=LAZY_SITE, viewport=DESKTOP,
                              include_lazy=True, cache=False)  # fmt: skip
    listed = {r.url: r.weight for r in manifest.pages[0].resources}
    assert listed["/img/thumb-05.png"] == Weight.IMAGE
    assert listed["/img/thumb-06.png"] == Weight.LAZY_IMAGE
    assert listed["/img/footer.png"] == Weight.LAZY_IMAGE
    assert "/img/hidden.png" not in listed or listed["/img/hidden.png"] == Weight.LAZY_IMAGE


def test_on_a_phone_content_wider_than_the_screen_shows_more_of_the_page_at_load() -> None:
    """Chromium's mobile emulation zooms out to the 600 px hero: thumbnail 6 (at 2304 px) loads
    on a phone, though it is beyond 844 + 1250 px."""
    manifest = build_manifest([LAZY_SITE / "index.html"], root=LAZY_SITE,
                              viewport=DEVICES[Device.MOBILE], cache=False)  # fmt: skip
    listed = {r.url for r in manifest.pages[0].resources}
    assert {f"/img/thumb-{n:02d}.png" for n in range(1, 7)} <= listed
    assert "/img/thumb-07.png" not in listed
    html = '<body><div style="height:2300px"></div><img src="t.png" loading="lazy"></body>'
    layout, images = _images(html, DEVICES[Device.MOBILE])
    assert not layout.near_viewport(images["t"])
