"""Device profiles (``--device``): the per-page layout viewport a phone gives a page, from its
``<meta name=viewport>``, and the CLI option with its explicit overrides. What a browser fetches
on each device is checked by the oracle (``fixtures/browser-device``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from push_manifest.cli import cli
from push_manifest.device import DEVICES, Device, meta_viewport, page_viewport
from push_manifest.model import Pointer, Viewport
from push_manifest.scanners.html import parse_html

MOBILE = DEVICES[Device.MOBILE]
DESKTOP = DEVICES[Device.DESKTOP]


def test_profiles() -> None:
    assert Viewport() == DESKTOP
    assert (MOBILE.width, MOBILE.height, MOBILE.dpr) == (390, 844, 3.0)
    assert (MOBILE.pointer, MOBILE.hover) == (Pointer.COARSE, False)
    assert MOBILE.layout_width_without_meta_viewport == 980


@pytest.mark.parametrize(
    ("content", "width"),
    [
        (None, 980),
        ("", 980),
        ("width=device-width, initial-scale=1", 390),
        ("WIDTH = device-width", 390),
        ("initial-scale=1.0", 390),
        ("initial-scale=2", 195),
        ("width=600", 600),
        ("width=600px; user-scalable=no", 600),
        ("width=20000", 10000),
        ("user-scalable=no", 980),
    ],
)
def test_a_phone_lays_a_page_out_at_its_meta_viewport_width(
    content: str | None, width: float
) -> None:
    viewport = page_viewport(MOBILE, content)
    assert viewport.width == width
    assert viewport.height == pytest.approx(844 * width / 390)
    assert (viewport.dpr, viewport.pointer, viewport.hover) == (3.0, Pointer.COARSE, False)
    if width != 390:
        assert (viewport.device_width, viewport.device_height) == (390, 844)


@pytest.mark.parametrize("content", [None, "width=600", "width=device-width"])
def test_desktop_ignores_meta_viewport(content: str | None) -> None:
    assert page_viewport(DESKTOP, content) is DESKTOP


@pytest.mark.parametrize(
    ("html", "content"),
    [
        ("<title>x</title>", None),
        ("<meta name=viewport content='width=device-width'>", "width=device-width"),
        ("<meta name=' Viewport ' content='width=500'>", "width=500"),
        ("<meta name=viewport content='width=1'><meta name=viewport content='width=2'>",
         "width=2"),
        ("<meta name=viewport>", ""),
        ("<template><meta name=viewport content='width=7'></template>", None),
        ("<noscript><meta name=viewport content='width=7'></noscript>", None),
        ("<body><p><meta name=viewport content='width=700'>", "width=700"),
    ],
)  # fmt: skip
def test_meta_viewport_is_the_last_one_in_the_page(html: str, content: str | None) -> None:
    assert meta_viewport(parse_html(html)) == content


PAGES = {
    "meta.html": "<meta name=viewport content='width=device-width'>"
    "<img srcset='d1.png 1x, d3.png 3x'>"
    "<img srcset='w400.png 400w, w1200.png 1200w, w3000.png 3000w' sizes='100vw'>",
    "no-meta.html": "<img srcset='w400.png 400w, w1200.png 1200w, w3000.png 3000w' sizes='100vw'>"
    "<style>@media (hover: none) { body { background: url(touch.png) } }"
    "@media (hover: hover) { body { background: url(mouse.png) } }</style>",
}


def run(root: Path, *options: str) -> dict[str, list[str]]:
    result = CliRunner().invoke(
        cli, ["--root", str(root), "-f", str(root / "*.html"), "-m", "-", "-q", *options],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return {page: list(resources) for page, resources in json.loads(result.stdout).items()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for name, text in PAGES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_cli_device_profiles(site: Path) -> None:
    assert (
        run(site)
        == run(site, "--device", "desktop")
        == {
            "meta.html": ["/d1.png", "/w3000.png"],
            "no-meta.html": ["/w3000.png", "/mouse.png"],
        }
    )
    # 390 px x 3 = 1170 px; without meta viewport 980 px x 3 = 2940 px, and no hover.
    assert run(site, "--device", "mobile") == {
        "meta.html": ["/d3.png", "/w1200.png"],
        "no-meta.html": ["/w3000.png", "/touch.png"],
    }


def test_explicit_viewport_options_override_the_device(site: Path) -> None:
    # A 300 px window at DPR 1 with the phone's touch screen: w400 and 1x; still no hover.
    assert run(site, "--device", "mobile", "--viewport-width", "300", "--dpr", "1") == {
        "meta.html": ["/d1.png", "/w400.png"],
        "no-meta.html": ["/w1200.png", "/touch.png"],
    }
    assert run(site, "--viewport-width", "300") == {
        "meta.html": ["/d1.png", "/w400.png"],
        "no-meta.html": ["/w400.png", "/mouse.png"],
    }


def test_device_is_in_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "--device [desktop|mobile]" in result.output
