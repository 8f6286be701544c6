"""Classification: the construct decides first, the extension second; CORS per the HTML spec."""

from __future__ import annotations

import pytest

from push_manifest.classify import ScriptKind, classify, preload_problem, script_kind
from push_manifest.model import CrossOrigin, Destination, Kind, Reference, Viewport, attrs


def ref(kind: Kind, **attributes: str) -> Reference:
    return Reference("x", kind, attrs=attrs(attributes))


def test_the_construct_wins_over_the_extension() -> None:
    fetch = classify(ref(Kind.HTML_SCRIPT), "/api/endpoint")
    assert fetch is not None and fetch.type is Destination.SCRIPT
    fetch = classify(ref(Kind.HTML_SCRIPT), "/data.json")
    assert fetch is not None and fetch.type is Destination.SCRIPT


@pytest.mark.parametrize(
    ("as_", "path", "expected"),
    [
        ("fetch", "/data.json", Destination.FETCH),
        ("style", "/a.css", Destination.STYLE),
        ("FONT", "/f.woff2", Destination.FONT),
        ("", "/a.css", Destination.STYLE),  # no valid `as`: the extension tells
        ("bogus", "/endpoint", Destination.EMPTY),
    ],
)
def test_preload_type_comes_from_as(as_: str, path: str, expected: Destination) -> None:
    fetch = classify(ref(Kind.HTML_PRELOAD, **{"as": as_}), path)
    assert fetch is not None and fetch.type is expected


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        (None, ScriptKind.CLASSIC),
        ("", ScriptKind.CLASSIC),
        ("text/javascript", ScriptKind.CLASSIC),
        (" Module ", ScriptKind.MODULE),
        ("importmap", ScriptKind.IMPORTMAP),
        ("text/template", ScriptKind.DATA_BLOCK),
        ("application/ld+json", ScriptKind.DATA_BLOCK),
    ],
)
def test_script_kinds(type_: str | None, expected: ScriptKind) -> None:
    reference = ref(Kind.HTML_SCRIPT) if type_ is None else ref(Kind.HTML_SCRIPT, type=type_)
    assert script_kind(reference) is expected


def test_data_blocks_import_maps_links_and_non_css_stylesheets_are_not_fetched() -> None:
    assert classify(ref(Kind.HTML_SCRIPT, type="text/template"), "/t.js") is None
    assert classify(ref(Kind.HTML_SCRIPT, type="importmap"), "/m.json") is None
    assert classify(ref(Kind.HTML_ANCHOR), "/page.html") is None
    assert classify(ref(Kind.HTML_STYLESHEET, type="text/less"), "/a.less") is None


@pytest.mark.parametrize(
    ("reference", "path", "expected"),
    [
        (ref(Kind.CSS_FONT_FACE), "/f.woff2", CrossOrigin.ANONYMOUS),
        (ref(Kind.HTML_SCRIPT, type="module"), "/m.js", CrossOrigin.ANONYMOUS),
        (ref(Kind.HTML_PRELOAD, **{"as": "fetch"}), "/d.json", CrossOrigin.ANONYMOUS),
        (ref(Kind.HTML_IMG, crossorigin="use-credentials"), "/i.png", CrossOrigin.USE_CREDENTIALS),
        (ref(Kind.HTML_IMG, crossorigin="nonsense"), "/i.png", CrossOrigin.ANONYMOUS),
        (ref(Kind.HTML_IMG), "/i.png", None),
        (ref(Kind.CSS_URL), "/bg.png", None),
    ],
)
def test_crossorigin(reference: Reference, path: str, expected: CrossOrigin | None) -> None:
    fetch = classify(reference, path)
    assert fetch is not None and fetch.crossorigin is expected


def test_module_types_and_nomodule() -> None:
    json_module = classify(ref(Kind.JS_IMPORT, type="json"), "/d.json")
    assert json_module is not None and json_module.type is Destination.FETCH
    assert classify(ref(Kind.JS_IMPORT, type="wasm"), "/x.wasm") is None
    assert classify(ref(Kind.HTML_SCRIPT, nomodule=""), "/legacy.js") is None


# -- issue 18: preload hygiene and scripts a browser skips (fixtures/browser-hygiene) -----------

DESKTOP = Viewport(1280, 800)


@pytest.mark.parametrize(
    "attributes",
    [
        {},  # no as
        {"as": "picture"},
        {"as": " image "},  # not trimmed
        {"as": "document"},
        {"as": "audio"},
        {"as": "image", "type": "image/x-no-such-format"},
        {"as": "image", "type": "image/tiff"},
        {"as": "font", "type": "application/font-woff2"},
        {"as": "style", "type": "text/plain"},
        {"as": "image", "media": "(max-width: 600px)"},
        {"as": "image", "media": "not all"},
    ],
)
def test_preloads_a_browser_ignores(attributes: dict[str, str]) -> None:
    assert preload_problem(ref(Kind.HTML_PRELOAD, **attributes), DESKTOP) is not None


@pytest.mark.parametrize(
    "attributes",
    [
        {"as": "IMAGE"},
        {"as": "image", "type": ""},
        {"as": "image", "type": " Image/PNG ; q=1"},
        {"as": "image", "type": "image/webp"},
        {"as": "font", "type": "font/woff2"},
        {"as": "style", "type": "text/css; charset=utf-8"},
        {"as": "script", "type": "text/plain"},  # Chromium checks no type for scripts
        {"as": "fetch", "type": "x/y"},
        {"as": "image", "media": "(min-width: 600px)"},
        {"as": "image", "media": ""},
    ],
)
def test_preloads_a_browser_fetches(attributes: dict[str, str]) -> None:
    assert preload_problem(ref(Kind.HTML_PRELOAD, **attributes), DESKTOP) is None


def test_the_preload_media_is_evaluated_at_the_viewport() -> None:
    narrow = ref(Kind.HTML_PRELOAD, **{"as": "image", "media": "(max-width: 600px)"})
    assert preload_problem(narrow, Viewport(390, 844, 3)) is None


def test_vbscript_language_without_type_is_a_data_block() -> None:
    assert classify(ref(Kind.HTML_SCRIPT, language="vbscript"), "/vb.js") is None
    assert classify(ref(Kind.HTML_SCRIPT, language="javascript"), "/js.js") is not None
    assert classify(ref(Kind.HTML_SCRIPT, language="vbscript", type=""), "/vb.js") is not None


def test_nomodule_is_ignored_by_module_scripts_only() -> None:
    module = classify(ref(Kind.HTML_SCRIPT, nomodule="", type="module"), "/m.js")
    assert module is not None and module.module
