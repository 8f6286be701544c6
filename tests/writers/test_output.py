"""``write_output``: the text and warnings of one format, the ``Link`` values worked out once."""

from __future__ import annotations

import pytest

import push_manifest.writers as writers
from push_manifest.headers import PageLinks
from push_manifest.model import Manifest
from push_manifest.writers import (
    FORMATS,
    HEADER_FORMATS,
    WriterOptions,
    format_warnings,
    render,
    write_output,
)

from .factories import EMPTY, HOME, POST, manifest

SMALL = WriterOptions(header_budget=120)
"""Small enough that HOME's ``Link`` header drops resources: budget warnings."""


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_write_output_is_render_and_format_warnings(fmt: str) -> None:
    site = manifest(HOME, EMPTY, POST)
    output = write_output(site, fmt, SMALL)
    assert output.text == render(site, fmt, SMALL)
    assert output.warnings == format_warnings(site, fmt, SMALL)
    assert bool(output.warnings) == (fmt in HEADER_FORMATS)


@pytest.mark.parametrize("fmt", sorted(HEADER_FORMATS - {"cloudflare"}))
def test_the_link_values_are_worked_out_once_for_text_and_warnings(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Manifest] = []
    real = writers.header_pages

    def counted(site: Manifest, options: WriterOptions) -> tuple[PageLinks, ...]:
        calls.append(site)
        return real(site, options)

    monkeypatch.setattr(writers, "header_pages", counted)
    site = manifest(HOME, POST)
    output = write_output(site, fmt, SMALL)
    assert len(calls) == 1
    assert output.warnings and output.text.strip()


def test_json_needs_no_link_values(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(site: Manifest, options: WriterOptions) -> tuple[PageLinks, ...]:
        raise AssertionError("json asked for Link values")

    monkeypatch.setattr(writers, "header_pages", refuse)
    assert write_output(manifest(HOME), "json").text.startswith("{")
