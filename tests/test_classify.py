"""Classification: the construct decides first, the extension second; CORS per the HTML spec."""

from __future__ import annotations

import pytest

from push_manifest.classify import ScriptKind, classify, script_kind
from push_manifest.model import CrossOrigin, Destination, Kind, Reference, attrs


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
    legacy = classify(ref(Kind.HTML_SCRIPT, nomodule=""), "/legacy.js")
    assert legacy is not None and legacy.nomodule and not legacy.module
