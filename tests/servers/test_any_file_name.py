"""Any legal file name gives valid output (issue 16, item 6), end to end: real files named with
a newline, a tab, a control character, a backslash, quotes, bytes that are not UTF-8 (two names
that once collided as U+FFFD), spaces, ``%``, ``#``, ``?``, ``$`` and non-ASCII letters are
crawled; the JSON manifest has one distinct key per page and passes the shipped schema; the
nginx and Apache configurations pass ``nginx -t`` / ``apache2 -t`` and a request through the
real server for each page route returns that page's own ``Link``; the ``_headers`` and ``link``
outputs parse back with one rule or line per route.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from push_manifest import build_manifest
from push_manifest.headers import Routes
from push_manifest.model import Manifest
from push_manifest.writers import WriterOptions, render

from ..test_schema import MULTI_VALIDATOR, errors
from ..writers.grammar import parse_headers_file
from .harness import apache, curl, nginx

pytestmark = pytest.mark.server

# File name (bytes, as on disk) → the page key a browser's request path gives (SPEC §4).
NAMES: dict[bytes, str] = {
    b"index.html": "index.html",
    b"new\nline.html": "new%0Aline.html",
    b"tab\there.html": "tab%09here.html",
    b"ctl\x01.html": "ctl%01.html",
    b"back\\slash.html": "back%5Cslash.html",
    b"q\"uote'.html": "q%22uote'.html",
    b"p\xff.html": "p%FF.html",
    b"p\xfe.html": "p%FE.html",
    b"a b%c#d?e.html": "a%20b%25c%23d%3Fe.html",
    b"semi;{brace}.html": "semi;%7Bbrace%7D.html",
    "café.html".encode(): "caf%C3%A9.html",
    b"d\xff/index.html": "d%FF/index.html",
    b"cost$/index.html": "cost$/index.html",
    b"x\xfe/index.html": "x%FE/index.html",
    # Extension-less, one route is the other plus a final newline, which "$" also matches.
    b"end.html": "end.html",
    b"end\n.html": "end%0A.html",
    b"e\xff.html": "e%FF.html",
    b"e\xff\n.html": "e%FF%0A.html",
}


def _expected_links() -> dict[str, str]:
    """Page key → the one ``Link`` value it must get: each page loads its own stylesheet."""
    return {
        key: f"</css/{number}.css>; rel=preload; as=style"
        for number, key in enumerate(NAMES.values())
    }


def _routes(key: str, routes: Routes) -> list[str]:
    """The request paths a page is served at, written out for the cases above."""
    if key.endswith("index.html"):
        directory = "/" + key[: -len("index.html")]
        return [directory] if routes is Routes.EXTENSIONLESS else [directory, "/" + key]
    return ["/" + key.removesuffix(".html")] if routes is Routes.EXTENSIONLESS else ["/" + key]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("names") / "site"
    os.makedirs(os.fsencode(root / "css"))
    for number, name in enumerate(NAMES):
        path = os.path.join(os.fsencode(root), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(f'<link rel=stylesheet href="/css/{number}.css"><p>page'.encode())
        (root / "css" / f"{number}.css").write_text("p { color: red }", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def manifest(site: Path) -> Manifest:
    return build_manifest([f"{site}/**/*.html"], root=site, single=False)


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"
    return dict(pairs)


def test_every_page_has_its_own_exact_key(manifest: Manifest) -> None:
    assert sorted(page.key for page in manifest.pages) == sorted(NAMES.values())
    stylesheets = {key: f"/css/{number}.css" for number, key in enumerate(NAMES.values())}
    for page in manifest.pages:
        assert page.url == "/" + page.key
        assert [resource.url for resource in page.resources] == [stylesheets[page.key]]
    assert manifest.warnings == ()


def test_json_has_no_duplicate_key_and_passes_the_schema(manifest: Manifest) -> None:
    data = json.loads(render(manifest, "json"), object_pairs_hook=_no_duplicates)
    assert sorted(data) == sorted(NAMES.values())
    assert errors(MULTI_VALIDATOR, data) == []


@pytest.mark.parametrize("fmt", ["netlify", "cloudflare"])
def test_headers_files_have_one_rule_per_route(manifest: Manifest, fmt: str) -> None:
    text = render(manifest, fmt, WriterOptions(routes=Routes.EXTENSIONLESS))
    rules = parse_headers_file(text)
    paths = [rule.path for rule in rules]
    assert len(paths) == len(set(paths))
    expected = {
        route: [value]
        for key, value in _expected_links().items()
        for route in _routes(key, Routes.EXTENSIONLESS)
    }
    assert {rule.path: rule.values("Link") for rule in rules} == expected


def test_link_lines_one_per_page(manifest: Manifest) -> None:
    lines = render(manifest, "link").splitlines()
    assert sorted(lines) == sorted(f"/{key}\t{value}" for key, value in _expected_links().items())


def _check_server(base: str, routes: Routes) -> None:
    for key, value in _expected_links().items():
        for route in _routes(key, routes):
            exchange = curl(base + route, prior_knowledge=True)
            assert exchange.responses[-1][0] == 200, (route, exchange)
            assert exchange.links(200) == [value], route


@pytest.mark.parametrize("routes", list(Routes))
def test_nginx_serves_each_page_its_own_link(
    manifest: Manifest, site: Path, routes: Routes
) -> None:
    text = render(manifest, "nginx", WriterOptions(routes=routes))
    with nginx(text, site=site) as server:
        _check_server(server.h2c, routes)


def test_apache_serves_each_page_its_own_link(manifest: Manifest, site: Path) -> None:
    with apache(render(manifest, "apache"), site=site) as server:
        _check_server(server.h2c, Routes.HTML)


def test_apache_extensionless_routes_with_multiviews(manifest: Manifest, site: Path) -> None:
    options = WriterOptions(routes=Routes.EXTENSIONLESS)
    with apache(render(manifest, "apache", options), site=site, multiviews=True) as server:
        _check_server(server.h2c, Routes.EXTENSIONLESS)
