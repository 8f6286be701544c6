"""--format firebase: hosting.headers JSON, validated against Firebase's documented structure."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from push_manifest.headers import Routes
from push_manifest.writers import WriterOptions, render

from .factories import EMPTY, HOME, POST, manifest, page, res
from .grammar import parse_link_header

SCHEMA = json.loads((Path(__file__).parent / "firebase_headers.schema.json").read_text())


def _rules(text: str) -> list[dict[str, object]]:
    data = json.loads(text)
    jsonschema.validate(data, SCHEMA)
    rules = data["hosting"]["headers"]
    assert isinstance(rules, list)
    return rules


def test_valid_and_complete() -> None:
    rules = _rules(render(manifest(HOME, EMPTY, POST), "firebase"))
    assert [rule["source"] for rule in rules] == ["/", "/index.html", "/blog/post.html"]
    for rule in rules:
        (header,) = rule["headers"]  # type: ignore[misc]
        assert header["key"] == "Link"
        assert parse_link_header(header["value"])
    post_value = rules[2]["headers"][0]["value"]  # type: ignore[index]
    assert post_value == (
        "</css/app.css>; rel=preload; as=style, </blog/photo.png>; rel=preload; as=image"
    )


def test_the_schema_rejects_what_firebase_rejects() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"hosting": {"headers": [{"source": "/"}]}}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        bad = {"source": "/", "regex": "^/$", "headers": [{"key": "Link", "value": "x"}]}
        jsonschema.validate({"hosting": {"headers": [bad]}}, SCHEMA)


def test_glob_characters_get_an_anchored_regex() -> None:
    odd = page("a(1)/b[2].html", res("/a.css", "style"))
    (rule,) = _rules(render(manifest(odd), "firebase"))
    assert "source" not in rule
    pattern = re.compile(str(rule["regex"]))
    assert pattern.fullmatch("/a(1)/b[2].html")
    assert not pattern.fullmatch("/a1/b2.html")


def test_extensionless_and_deterministic() -> None:
    options = WriterOptions(routes=Routes.EXTENSIONLESS)
    text = render(manifest(HOME, POST), "firebase", options)
    assert text == render(manifest(HOME, POST), "firebase", options)
    assert text.endswith("}\n") and '\n  "hosting": {' in text
    assert [rule["source"] for rule in _rules(text)] == ["/", "/blog/post"]
