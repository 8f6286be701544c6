"""End to end: fixture sites with their expected manifests (assetgraph-style ``<case>/``).

Each directory under ``fixtures/cases/`` (and ``fixtures/demo``) is a site; every HTML file in
it is a page. ``expected.json`` is the multi-page manifest and ``expected.warnings`` the warning
lines. To regenerate both after a deliberate change, run with ``UPDATE_EXPECTED=1`` and review
the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from push_manifest import Destination, build_manifest, render

from .conftest import FIXTURES

SITES = [*sorted(p for p in (FIXTURES / "cases").iterdir() if p.is_dir()), FIXTURES / "demo"]
COMPAT = FIXTURES / "npm-compat"


def _check_expected(path: Path, actual: str) -> None:
    if os.environ.get("UPDATE_EXPECTED"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with UPDATE_EXPECTED=1 and review it"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("site", SITES, ids=lambda p: p.name)
def test_site_matches_expected_manifest(site: Path) -> None:
    manifest = build_manifest([f"{site}/**/*.html"], root=site)
    _check_expected(site / "expected.json", render(manifest, "json"))
    warnings = "".join(f"{w}\n" for w in manifest.warnings)
    _check_expected(site / "expected.warnings", warnings)


def test_output_is_identical_across_runs() -> None:
    runs = {
        render(build_manifest([f"{site}/**/*.html"], root=site)) for site in SITES for _ in (0, 1)
    }
    assert len(runs) == len(SITES)


def test_npm_tool_compatibility_case() -> None:
    """The npm tool's own test page lists exactly these six resources."""
    manifest = build_manifest([COMPAT / "index.html"])
    (page,) = manifest.pages
    assert {r.url for r in page.resources} == {
        "/css/app.css", "/import.html", "/subimport.html",
        "/api/endpoint", "/doesntexist.json", "/js/app.js",
    }  # fmt: skip
    types = {r.url: r.type for r in page.resources}
    assert types["/css/app.css"] is Destination.STYLE
    assert types["/import.html"] is Destination.DOCUMENT
    assert types["/subimport.html"] is Destination.DOCUMENT
    assert types["/api/endpoint"] is Destination.SCRIPT
    assert types["/doesntexist.json"] is Destination.SCRIPT
    missing = {w.reference for w in manifest.warnings}
    assert missing == {"/api/endpoint", "/doesntexist.json"}


def test_npm_tool_compatibility_two_pages_keyed_by_page() -> None:
    manifest = build_manifest([COMPAT / "index.html", COMPAT / "page2.html"])
    assert [p.key for p in manifest.pages] == ["index.html", "page2.html"]
    assert not manifest.single
    assert [r.url for r in manifest.pages[1].resources] == ["/css/app.css", "/js/app.js"]


def test_two_index_pages_in_different_folders_never_collide(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.html").write_text(f'<img src="{folder}.png">')
    manifest = build_manifest([tmp_path / "a", tmp_path / "b"])
    assert {p.key: [r.url for r in p.resources] for p in manifest.pages} == {
        "a/index.html": ["/a/a.png"],
        "b/index.html": ["/b/b.png"],
    }
