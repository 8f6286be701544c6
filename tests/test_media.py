"""Media queries against a fixed viewport.

Every expectation in the tables below was checked against headless Chromium 156
(``matchMedia(query).matches``), except the rows marked ``doubt``: there the module's
"never prune on doubt" rule deliberately says True where Chromium says False.
"""

from __future__ import annotations

import pytest
import tinycss2

from push_manifest.device import DEVICES, Device, page_viewport
from push_manifest.media import (
    container_width_matches,
    length_in_px,
    media_condition_matches,
    media_matches,
)
from push_manifest.model import Viewport

DESKTOP = Viewport(1280, 800, 1.0)
PHONE = Viewport(375, 667, 2.0)

# (query list, matches on DESKTOP, matches on PHONE)
MEDIA_CASES: list[tuple[str, bool, bool]] = [
    # Empty lists, media types, `not`, `only`, comma lists.
    ("", True, True),
    ("   ", True, True),
    ("all", True, True),
    ("screen", True, True),
    ("SCREEN", True, True),
    ("print", False, False),
    ("speech", False, False),
    ("tv", False, False),
    ("handheld", False, False),
    ("foo", False, False),
    ("not screen", False, False),
    ("not print", True, True),
    ("not foo", True, True),
    ("only screen", True, True),
    ("only print", False, False),
    ("only", False, False),
    ("not", False, False),
    ("and", False, False),
    ("layer", False, False),
    ("only (color)", False, False),
    ("not all and (monochrome)", True, True),
    ("not screen and (color)", False, False),
    ("not print and (color)", True, True),
    ("screen and (color), print", True, True),
    ("print, screen", True, True),
    ("print , foo", False, False),
    (",", False, False),
    ("screen,", True, True),
    (", screen", True, True),
    ("screen and", False, False),
    ("screen (color)", False, False),
    ("screen and(color)", False, False),
    ("screen and (color) and", False, False),
    ("only screen and (color) and (min-width: 100px)", True, True),
    ("/* comment */ screen", True, True),
    ("screen /* c */ and (color)", True, True),
    # Conditions: and / or / not, nesting, mixing is invalid.
    ("screen and (color) and (hover)", True, True),
    ("screen and (color) or (hover)", False, False),
    ("(color) and (hover) or (pointer)", False, False),
    ("(color) or (hover) or (grid)", True, True),
    ("((width > 100px) or (height > 10000px)) and (color)", True, True),
    ("not (width < 100px)", True, True),
    ("not (width < 100px) and (color)", False, False),
    ("not not (color)", False, False),
    ("not (not (color))", True, True),
    ("screen and not (color)", False, False),
    ("screen and not (monochrome)", True, True),
    ("screen and ((hover) or (grid))", True, True),
    ("(min-width: 100px)and (color)", True, True),
    ("not(color)", False, False),
    ("(((color)))", True, True),
    # Width and height, min-/max- prefixes (inclusive, with Chromium's 1/64px slack).
    ("(width)", True, True),
    ("(width: 1280px)", True, False),
    ("(width: 80em)", True, False),
    ("(width: 100vw)", True, True),
    ("(width: 0)", False, False),
    ("(width: 100)", False, False),
    ("(width: 100%)", False, False),
    ("(width: foo)", False, False),
    ("(min-width: 0)", True, True),
    ("(min-width: -100px)", True, True),
    ("(max-width: 1280px)", True, True),
    ("(max-width: 1279.5px)", False, True),
    ("(max-width: 1279.99px)", True, True),
    ("(min-width: 1280.015px)", True, False),
    ("(min-width: 1280.016px)", False, False),
    ("(min-width: 500px) and (max-width: 1300px)", True, False),
    ("(min-height: 700px)", True, False),
    ("(max-height: 667px)", False, True),
    ("(min-device-width: 1000px)", True, False),
    ("(max-device-height: 800px)", True, True),
    (" (  min-width  :  1000px  ) ", True, False),
    ("SCREEN AND (MIN-WIDTH: 100PX)", True, True),
    # Range syntax.
    ("(width >= 600px)", True, False),
    ("(width>100px)", True, True),
    ("(width < 1280px)", False, True),
    ("(width <= 1280px)", True, True),
    ("(width = 1280px)", True, False),
    ("(1280px = width)", True, False),
    ("(100px < width)", True, True),
    ("(400px <= width < 700px)", False, False),
    ("(300px <= width < 700px)", False, True),
    ("(1279px < width <= 1280px)", True, False),
    ("(1281px > width > 1279px)", True, False),
    ("(1279px < width > 1200px)", False, False),
    ("(1279px < width = 1200px)", False, False),
    ("(width > = 100px)", False, False),
    ("(width => 100px)", False, False),
    ("(min-width > 100px)", False, False),
    ("(width > 1280.001px)", False, False),
    # Lengths: absolute, font-relative, viewport-relative, math functions.
    ("(min-width: 1in)", True, True),
    ("(min-width: 13in)", True, False),
    ("(min-width: 14in)", False, False),
    ("(min-width: 10Q)", True, True),
    ("(min-width: 33cm)", True, False),
    ("(min-width: 339mm)", False, False),
    ("(min-width: 960pt)", True, False),
    ("(min-width: 80pc)", True, False),
    ("(min-width: 80rem)", True, False),
    ("(min-width: 20ex)", True, True),
    ("(min-width: 60ex)", True, False),
    ("(min-width: 160ch)", True, False),
    ("(min-width: 50vmax)", True, True),
    ("(min-width: 101vmin)", True, False),
    ("(min-width: 99dvw)", True, True),
    ("(min-width: 50cqw)", True, True),
    ("(min-width: 1e3px)", True, False),
    ("(min-width: 1x)", False, False),
    ("(width >= calc(100px + 10em))", True, True),
    ("(min-width: calc(1300px - 10em))", True, False),
    ("(min-width: calc(50vw))", True, True),
    ("(min-width: min(2000px, 100px))", True, True),
    ("(min-width: max(2000px, 100px))", False, False),
    ("(min-width: clamp(100px, 5000px, 1200px))", True, False),
    ("(min-width: calc((100px + 20px) * 2))", True, True),
    ("(min-width: calc(2000px / 2))", True, False),
    ("(min-width: CALC(100PX))", True, True),
    ("(min-width: calc(100px + 2))", False, False),
    ("(min-width: calc(100px+2px))", False, False),
    ("(min-width: calc(10px * 10px))", False, False),
    ("(min-width: calc(10px / 0))", False, False),
    ("(min-width: calc(100% - 10px))", False, False),
    ("(min-width: var(--x))", False, False),
    # Aspect ratio and orientation.
    ("(aspect-ratio: 16/10)", True, False),
    ("(aspect-ratio: 8 / 5)", True, False),
    ("(aspect-ratio: 1.6)", True, False),
    ("(aspect-ratio > 1)", True, False),
    ("(min-aspect-ratio: 1/1)", True, False),
    ("(max-aspect-ratio: 1/1)", False, True),
    ("(aspect-ratio: 0/0)", False, False),
    ("(max-aspect-ratio: 1/0)", True, True),
    ("(aspect-ratio: 16/9/2)", False, False),
    ("(aspect-ratio: -16/10)", False, False),
    ("(min-device-aspect-ratio: 1/1)", True, False),
    ("(orientation: landscape)", True, False),
    ("(orientation: portrait)", False, True),
    ("(orientation)", True, True),
    ("(orientation: foo)", False, False),
    ("(min-orientation: portrait)", False, False),
    ("(orientation = landscape)", False, False),
    # Resolution.
    ("(resolution)", True, True),
    ("(resolution: 1dppx)", True, False),
    ("(resolution: 1x)", True, False),
    ("(resolution: 96dpi)", True, False),
    ("(resolution: 2dppx)", False, True),
    ("(resolution: 1)", False, False),
    ("(min-resolution: 1.5dppx)", False, True),
    ("(min-resolution: 192dpi)", False, True),
    ("(min-resolution: 1.001dppx)", False, True),
    ("(max-resolution: 1dppx)", True, False),
    ("(resolution >= 2x)", False, True),
    ("(resolution < 2x)", True, False),
    ("(min-resolution: calc(0.5x + 0.5dppx))", True, True),
    ("(-webkit-device-pixel-ratio: 2)", False, True),
    ("(-webkit-min-device-pixel-ratio: 1.5)", False, True),
    ("(-webkit-max-device-pixel-ratio: 1)", True, False),
    ("(min--webkit-device-pixel-ratio: 1)", False, False),
    ("(-webkit-min-device-pixel-ratio: 2), (min-resolution: 192dpi)", False, True),
    # Colour, grid, scan and the other discrete features of a desktop browser.
    ("(color)", True, True),
    ("(color: 8)", True, True),
    ("(min-color: 4)", True, True),
    ("(max-color: 4)", False, False),
    ("(color: 8.0)", False, False),
    ("(color: calc(16 / 2))", True, True),
    ("(color-index)", False, False),
    ("(color-index: 0)", True, True),
    ("(monochrome)", False, False),
    ("(monochrome: 0)", True, True),
    ("(min-monochrome: 1)", False, False),
    ("(grid)", False, False),
    ("(grid: 0)", True, True),
    ("(min-grid: 0)", False, False),
    ("(scan)", False, False),
    ("(scan: progressive)", False, False),
    ("not (scan: progressive)", True, True),
    ("(update)", True, True),
    ("(update: fast)", True, True),
    ("(update: slow)", False, False),
    ("(overflow-block: scroll)", True, True),
    ("(overflow-inline: scroll)", True, True),
    ("(horizontal-viewport-segments: 1)", True, True),
    ("(horizontal-viewport-segments > 1)", False, False),
    ("(max-vertical-viewport-segments: 1)", False, False),
    ("(display-mode: browser)", True, True),
    ("(display-mode: standalone)", False, False),
    ("(display-mode: foo)", False, False),
    ("not (display-mode: foo)", False, False),
    ("(color-gamut: srgb)", True, True),
    ("(color-gamut: p3)", False, False),
    ("(dynamic-range: standard)", True, True),
    ("(dynamic-range: high)", False, False),
    ("(hover)", True, True),
    ("(hover: hover)", True, True),
    ("(hover: none)", False, False),
    ("(any-hover: hover)", True, True),
    ("(pointer: fine)", True, True),
    ("(pointer: coarse)", False, False),
    ("(any-pointer: fine)", True, True),
    ("(scripting)", True, True),
    ("(scripting: enabled)", True, True),
    ("(scripting: none)", False, False),
    ("(prefers-color-scheme: light)", True, True),
    ("(prefers-color-scheme: dark)", False, False),
    ("(prefers-reduced-motion)", False, False),
    ("(prefers-reduced-motion: no-preference)", True, True),
    ("(prefers-reduced-motion: reduce)", False, False),
    ("(prefers-reduced-transparency: reduce)", False, False),
    ("(prefers-contrast)", False, False),
    ("(prefers-contrast: no-preference)", True, True),
    ("(prefers-contrast: more)", False, False),
    ("(forced-colors)", False, False),
    ("(forced-colors: none)", True, True),
    ("(forced-colors: active)", False, False),
    ("(device-posture: continuous)", True, True),
    ("(-webkit-transform-3d)", True, True),
    # General-enclosed and malformed queries (unknown or `not all`; `not` does not help).
    ("(foo bar)", False, False),
    ("not (foo bar)", False, False),
    ("foo(bar)", False, False),
    ("()", False, False),
    ("(color) and (foo bar)", False, False),
    ("(color) or (foo bar)", True, True),
    ("[width: 1280px]", False, False),
    ("screen and (color) ]", False, False),
    ("(width: 100px;)", False, False),
    ("(width:)", False, False),
    ('"screen"', False, False),
    # Vendor prefixes of other engines are unknown, never doubtful.
    ("(-moz-device-pixel-ratio: 1)", False, False),
    ("not (-moz-device-pixel-ratio: 1)", False, False),
    ("screen and (-ms-high-contrast: active), (-ms-high-contrast: none)", False, False),
    (
        "only screen and (-webkit-min-device-pixel-ratio: 1.5), only screen and "
        "(min--moz-device-pixel-ratio: 1.5), only screen and (min-resolution: 240dpi)",
        False,
        True,
    ),
]

# Unknown feature names: the doubt rule says True, Chromium says False.
DOUBT_CASES = [
    "(foo)",
    "not (foo)",
    "(foo: 1)",
    "(foo > 2)",
    "(min-foo: 1)",
    "(prefers-reduced-data: reduce)",
    "screen and (inverted-colors: inverted)",
]


@pytest.mark.parametrize(("query", "desktop", "phone"), MEDIA_CASES)
def test_media_matches_like_chromium(query: str, desktop: bool, phone: bool) -> None:
    assert media_matches(query, DESKTOP) is desktop
    assert media_matches(query, PHONE) is phone


@pytest.mark.parametrize("query", DOUBT_CASES)
def test_unknown_features_match_on_doubt(query: str) -> None:
    assert media_matches(query, DESKTOP) is True
    assert media_matches(query, DESKTOP, unknown_features_match=False) is False


def test_doubt_is_settled_by_known_features() -> None:
    assert media_matches("(foo) and (width < 100px)", DESKTOP) is False
    assert media_matches("(foo) or (width > 100px)", DESKTOP, unknown_features_match=False)
    assert media_matches("print and (foo)", DESKTOP) is False
    assert media_matches("not print and (foo)", DESKTOP) is True


def test_orientation_is_portrait_for_a_square_viewport() -> None:
    square = Viewport(800, 800, 1.0)
    assert media_matches("(orientation: portrait)", square)
    assert not media_matches("(orientation: landscape)", square)


def test_viewport_units_follow_the_viewport() -> None:
    assert media_matches("(min-width: 50vh)", Viewport(600, 1000, 1.0))
    assert not media_matches("(min-width: 61vh)", Viewport(600, 1000, 1.0))
    assert media_matches("(max-width: 100vmin)", Viewport(600, 1000, 1.0))


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("", True),
        ("(min-width: 1000px)", True),
        ("(max-width: 600px)", False),
        ("not (max-width: 600px)", True),
        ("(min-width: 1000px) and (orientation: portrait)", False),
        ("(max-width: 600px) or (orientation: landscape)", True),
        ("screen", False),
        ("screen and (color)", False),
        ("(width: foo)", False),
        ("(foo)", True),
    ],
)
def test_media_condition_matches(condition: str, expected: bool) -> None:
    assert media_condition_matches(condition, DESKTOP) is expected


def test_media_condition_without_doubt() -> None:
    assert not media_condition_matches("(foo)", DESKTOP, unknown_features_match=False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10px", 10.0),
        ("0", 0.0),
        ("1in", 96.0),
        ("2em", 32.0),
        ("1.5rem", 24.0),
        ("50vw", 640.0),
        ("50vh", 400.0),
        ("10vmin", 80.0),
        ("10vmax", 128.0),
        ("calc(50vw - 20px)", 620.0),
        ("calc(2 * (10px + 5px))", 30.0),
        ("min(100px, 10vw)", 100.0),
        ("max(100px, 10vw)", 128.0),
        ("clamp(100px, 50vw, 500px)", 500.0),
        ("-5px", -5.0),
        ("5", None),
        ("50%", None),
        ("2x", None),
        ("auto", None),
        ("calc(1px + 1)", None),
        ("attr(width px)", None),
    ],
)
def test_length_in_px(value: str, expected: float | None) -> None:
    (node,) = tinycss2.parse_component_value_list(value)
    result = length_in_px(node, DESKTOP)
    assert result == pytest.approx(expected) if expected is not None else result is None


def test_parsed_queries_are_cached() -> None:
    from push_manifest import media

    query = "(min-width: 123px) and (max-width: 4567px)"
    media_matches(query, DESKTOP)
    before = media._parse_query_list.cache_info().hits
    media_matches(query, PHONE)
    assert media._parse_query_list.cache_info().hits == before + 1


# -- device profiles (--device) ----------------------------------------------------------------
# Checked against Chromium 156 with Playwright's mobile emulation (390x844, DPR 3, is_mobile,
# has_touch): a page with width=device-width (MOBILE) and one without <meta name=viewport>
# (MOBILE_980, laid out 980 px wide and zoomed out), and against the desktop window.

MOBILE = DEVICES[Device.MOBILE]
MOBILE_980 = page_viewport(MOBILE, None)

# (query, desktop, mobile with meta viewport, mobile without)
DEVICE_CASES: list[tuple[str, bool, bool, bool]] = [
    ("(hover)", True, False, False),
    ("(hover: hover)", True, False, False),
    ("(hover: none)", False, True, True),
    ("not (hover: none)", True, False, False),
    ("(any-hover: hover)", True, False, False),
    ("(any-hover: none)", False, True, True),
    ("(pointer)", True, True, True),
    ("(pointer: fine)", True, False, False),
    ("(pointer: coarse)", False, True, True),
    ("(pointer: none)", False, False, False),
    ("(any-pointer: fine)", True, False, False),
    ("(any-pointer: coarse)", False, True, True),
    ("(width: 390px)", False, True, False),
    ("(width: 980px)", False, False, True),
    ("(min-width: 900px) and (max-width: 1000px)", False, False, True),
    ("(device-width: 390px)", False, True, True),
    ("(max-device-width: 500px)", False, True, True),
    ("(orientation: portrait)", False, True, True),
    ("(min-resolution: 3dppx)", False, True, True),
    ("(hover: none) and (pointer: coarse)", False, True, True),
]


@pytest.mark.parametrize(("query", "desktop", "mobile", "mobile_980"), DEVICE_CASES)
def test_device_features_follow_the_device_profile(
    query: str, desktop: bool, mobile: bool, mobile_980: bool
) -> None:
    assert media_matches(query, DEVICES[Device.DESKTOP]) is desktop
    assert media_matches(query, MOBILE) is mobile
    assert media_matches(query, MOBILE_980) is mobile_980


@pytest.mark.parametrize(
    ("condition", "width", "expected"),
    [
        ("(min-width: 400px)", 500, True),
        ("(min-width: 800px)", 500, False),
        ("(max-width: 300px)", 500, False),
        ("(width > 500px)", 500, False),
        ("(400px <= inline-size <= 600px)", 500, True),
        ("(min-inline-size: 6in)", 500, False),
        ("not (min-width: 600px)", 500, True),
        ("(min-width: 600px) and (max-width: 700px)", 650, True),
        # Anything but width in absolute units may hold: listed, never wrongly pruned.
        ("(min-width: 40em)", 500, True),
        ("(min-width: 600px) or (min-height: 1px)", 500, True),
        ("(orientation: portrait)", 500, True),
        ("style(--x: 1)", 500, True),
        ("scroll-state(stuck: top)", 500, True),
        ("(min-width: 10cqw)", 500, True),
    ],
)
def test_container_width_matches(condition: str, width: float, expected: bool) -> None:
    assert container_width_matches(condition, width) is expected
