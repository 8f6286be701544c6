"""The JSON Schemas shipped in ``push_manifest/schema/`` accept every output and reject bad ones."""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from push_manifest import CrossOrigin, Destination, build_manifest, render

from .conftest import FIXTURES

SCHEMA_DIR = files("push_manifest") / "schema"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return data


SINGLE = load("single-page.schema.json")
MULTI = load("multi-page.schema.json")
REGISTRY: Registry[Any] = Registry().with_resource(
    "single-page.schema.json", Resource.from_contents(SINGLE)
)
SINGLE_VALIDATOR = Draft202012Validator(SINGLE, registry=REGISTRY)
MULTI_VALIDATOR = Draft202012Validator(MULTI, registry=REGISTRY)

SITES = sorted(
    [p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "cases" and any(p.rglob("*.html"))]
    + [p for p in (FIXTURES / "cases").iterdir() if p.is_dir()]
)


def errors(validator: Draft202012Validator, instance: object) -> list[str]:
    return [error.message for error in validator.iter_errors(instance)]


@pytest.mark.parametrize("name", ["single-page.schema.json", "multi-page.schema.json"])
def test_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_schema_enums_follow_the_model() -> None:
    resource = SINGLE["$defs"]["resource"]["properties"]
    assert set(resource["type"]["enum"]) == {d.value for d in Destination}
    assert set(resource["crossorigin"]["enum"]) == {c.value for c in CrossOrigin}


def test_there_are_fixture_sites() -> None:
    assert len(SITES) >= 10
    assert FIXTURES / "demo" in SITES
    assert FIXTURES / "npm-compat" in SITES


@pytest.mark.parametrize("site", SITES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_every_fixture_output_is_valid(site: Path) -> None:
    multi = build_manifest([f"{site}/**/*.html"], root=site, single=False)
    data = json.loads(render(multi, "json"))
    assert data, "a fixture site with no page"
    assert errors(MULTI_VALIDATOR, data) == []
    uniform = build_manifest([f"{site}/**/*.html"], root=site, single=False, uniform_weights=True)
    assert errors(MULTI_VALIDATOR, json.loads(render(uniform, "json"))) == []
    for page in sorted(site.rglob("*.html")):
        single = json.loads(render(build_manifest([page], root=site), "json"))
        assert errors(SINGLE_VALIDATOR, single) == [], page


@pytest.mark.parametrize(
    "expected",
    sorted(FIXTURES.rglob("expected.json")),
    ids=lambda p: p.parent.relative_to(FIXTURES).as_posix(),
)
def test_stored_expected_manifests_are_valid(expected: Path) -> None:
    """Written by build_manifest over the site's pages: single-page format for a lone page."""
    pages = list(expected.parent.rglob("*.html"))
    validator = SINGLE_VALIDATOR if len(pages) == 1 else MULTI_VALIDATOR
    assert errors(validator, json.loads(expected.read_text(encoding="utf-8"))) == []


GOOD = {"type": "style", "weight": 256}


@pytest.mark.parametrize(
    "instance",
    [
        {"/a.css": {"type": "style"}},
        {"/a.css": {"weight": 3}},
        {"/a.css": {"type": "stylesheet", "weight": 3}},
        {"/a.css": {"type": "style", "weight": 0}},
        {"/a.css": {"type": "style", "weight": 257}},
        {"/a.css": {"type": "style", "weight": 2.5}},
        {"/a.css": {"type": "style", "weight": "256"}},
        {"/a.css": {"type": "style", "weight": 1, "crossorigin": "yes"}},
        {"/a.css": {"type": "style", "weight": 1, "as": "style"}},
        {"a.css": GOOD},
        {"/a.css#top": GOOD},
        {"/a b.css": GOOD},
        {"/a.css": []},
        [],
    ],
)
def test_single_page_schema_rejects(instance: object) -> None:
    assert errors(SINGLE_VALIDATOR, instance)


def test_single_page_schema_accepts_edge_cases() -> None:
    instance = {
        "/a.css?v=2": GOOD,
        "/api/endpoint": {"type": "", "weight": 1},
        "/f%20x.woff2": {"type": "font", "weight": 220, "crossorigin": "use-credentials"},
    }
    assert errors(SINGLE_VALIDATOR, instance) == []
    assert errors(SINGLE_VALIDATOR, {}) == []


@pytest.mark.parametrize(
    "instance",
    [
        {"/index.html": {"/a.css": GOOD}},
        {"blog\\post.html": {"/a.css": GOOD}},
        {"index.html": {"/a.css": {"type": "style", "weight": 999}}},
        {"index.html": GOOD},
        # Page keys are percent-encoded: none of these is one the tool writes.
        {"a b.html": {}},
        {"new\nline.html": {}},
        {"a#b.html": {}},
        {"a?b.html": {}},
        {"100%.html": {}},
        {"": {}},
    ],
)
def test_multi_page_schema_rejects(instance: object) -> None:
    assert errors(MULTI_VALIDATOR, instance)


def test_multi_page_schema_accepts_page_keys() -> None:
    instance = {"index.html": {"/a.css": GOOD}, "blog/post.html": {}}
    assert errors(MULTI_VALIDATOR, instance) == []


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    assert len(set(keys)) == len(keys), f"duplicate keys: {keys}"
    return dict(pairs)


def test_multi_page_schema_accepts_every_key_the_crawl_writes(tmp_path: Path) -> None:
    """Files named with a newline, a backslash, bytes that are not UTF-8, spaces, ``%``, ``#``,
    ``?``, ``$`` or accents (issue 16): one distinct, valid key each."""
    names = [b"new\nline.html", b"back\\slash.html", b"p\xff.html", b"p\xfe.html",
             b"a b%c#d?e.html", b"cost$.html", "café.html".encode(), b"index.html"]  # fmt: skip
    for name in names:
        with open(os.path.join(os.fsencode(tmp_path), name), "wb") as handle:
            handle.write(b"<link rel=stylesheet href=a.css>")
    (tmp_path / "a.css").write_text("p {}", encoding="utf-8")
    text = render(build_manifest([f"{tmp_path}/*.html"], root=tmp_path, single=False), "json")
    data = json.loads(text, object_pairs_hook=_no_duplicates)
    assert sorted(data) == sorted([
        "new%0Aline.html", "back%5Cslash.html", "p%FF.html", "p%FE.html",
        "a%20b%25c%23d%3Fe.html", "cost$.html", "caf%C3%A9.html", "index.html",
    ])  # fmt: skip
    assert errors(MULTI_VALIDATOR, data) == []
