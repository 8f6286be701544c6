"""The benchmark's site generator: deterministic, and every construct of the issue is present."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import pytest

# `bench` is a top-level folder, not an installed package: make it importable under plain `pytest`.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.gen_site import KB, MARKER, build_parser, ensure_site, generate_site

PAGES = 20
BASE = "http://site.test/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site") / "s"
    generate_site(root, PAGES, seed=7)
    return root


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _url(site: Path, doc: Path) -> str:
    return BASE + doc.relative_to(site).as_posix()


def _hidden(el: lxml.html.HtmlElement) -> bool:
    """Inside ``<template>`` or ``<noscript>``: not fetched by a browser."""
    return any(a.tag in ("template", "noscript") for a in el.iterancestors())


def _html_refs(site: Path, page: Path) -> list[str]:
    """Absolute URLs of every reference the page makes (links and subresources)."""
    doc = lxml.html.document_fromstring(page.read_bytes())
    base = _url(site, page)
    out = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name in ("href", "src", "poster"):
            if el.get(name) is not None:
                out.append(urljoin(base, el.get(name)))
        for cand in (el.get("srcset") or "").split(","):
            if cand.strip():
                out.append(urljoin(base, cand.split()[0]))
    return out


URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^\s)'"]+))\s*\)""")
IMPORT_RE = re.compile(r"""@import\s+(?:"([^"]+)"|url\(\s*["']?([^"')]+))""")
IMAGE_SET_STRING_RE = re.compile(r'"([^"]+)"\s+\dx')


def _css_refs(text: str) -> list[str]:
    refs = [next(g for g in m.groups() if g is not None) for m in URL_RE.finditer(text)]
    return refs + IMAGE_SET_STRING_RE.findall(text)


def _css_imports(site: Path, css: Path) -> list[str]:
    text = css.read_text()
    return [urljoin(_url(site, css), a or b) for a, b in IMPORT_RE.findall(text)]


def _local_path(site: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if not url.startswith(BASE):
        return None
    path = site / unquote(parts.path[1:])
    return path / "index.html" if url.endswith("/") else path


def test_same_seed_gives_same_bytes(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_site(again, PAGES, seed=7)
    assert _digest(again) == _digest(site)
    assert len(_digest(site)) > 100


def test_same_bytes_whatever_the_hash_seed(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "hashed"
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    cmd = [sys.executable, "-m", "bench.gen_site", str(out), "--pages", str(PAGES), "--seed", "7"]
    subprocess.run(cmd, cwd=repo, env=env, check=True, capture_output=True)
    assert _digest(out) == _digest(site)


def test_other_seed_gives_other_site(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate_site(other, PAGES, seed=8)
    assert _digest(other) != _digest(site)


def test_page_and_stylesheet_sizes(site: Path) -> None:
    pages = _pages(site)
    assert len(pages) == PAGES
    for page in pages:
        assert 10 * KB <= page.stat().st_size <= 60 * KB, page
    sheets = sorted(site.rglob("*.css"))
    for css in sheets:
        assert 5 * KB <= css.stat().st_size <= 50 * KB, css
    sizes = sorted(p.stat().st_size for p in pages)
    assert sizes[-1] - sizes[0] > 10 * KB  # spread, not one size


def test_pages_live_in_subfolders_and_use_dotdot(site: Path) -> None:
    depths = {len(p.relative_to(site).parts) - 1 for p in _pages(site)}
    assert {0, 1, 2} <= depths
    deep = [p for p in _pages(site) if len(p.relative_to(site).parts) == 3]
    assert all('src="../../' in p.read_text() for p in deep)


def test_stylesheets_per_page_shared_and_specific(site: Path) -> None:
    linked_by: dict[str, set[str]] = defaultdict(set)
    for page in _pages(site):
        doc = lxml.html.document_fromstring(page.read_bytes())
        hrefs = [
            urlsplit(urljoin(_url(site, page), link.get("href"))).path
            for link in doc.iter("link")
            if link.get("rel") == "stylesheet" and "//fonts." not in link.get("href")
        ]
        assert 2 <= len(hrefs) <= 4, page
        for href in hrefs:
            linked_by[href].add(page.name)
    assert linked_by["/css/base.css"] == {p.name for p in _pages(site)}
    specific = [css for css, users in linked_by.items() if len(users) == 1]
    assert len(specific) > len(linked_by) / 2
    assert all(css.startswith("/css/pages/") for css in specific)


def test_scripts_per_page_one_module(site: Path) -> None:
    for page in _pages(site):
        doc = lxml.html.document_fromstring(page.read_bytes())
        scripts = [s for s in doc.iter("script") if s.get("src")]
        assert 2 <= len(scripts) <= 5, page
        assert [s.get("type") for s in scripts].count("module") == 1, page


def test_images_per_page_and_responsive_constructs(site: Path) -> None:
    for page in _pages(site):
        doc = lxml.html.document_fromstring(page.read_bytes())
        images = [i for i in doc.iter("img") if not _hidden(i)]
        posters = [v for v in doc.iter("video") if v.get("poster")]
        assert 5 <= len(images) + len(posters) <= 30, page
    text = "".join(p.read_text() for p in _pages(site))
    assert re.search(r'srcset="[^"]+ 480w, [^"]+ 960w, [^"]+ 1600w"', text)
    assert re.search(r'srcset="[^"]+ 1x, [^"]+ 2x"', text)
    assert '<source type="image/avif" srcset=' in text
    assert '<source media="(min-width: 900px)"' in text
    assert 'loading="lazy"' in text
    assert "<template" in text and "<noscript><img" in text


def test_inline_styles(site: Path) -> None:
    for page in _pages(site):
        text = page.read_text()
        assert "<style>" in text and "url(" in text.split("<style>")[1].split("</style>")[0]
    assert any('style="background-image: url(' in p.read_text() for p in _pages(site))


def test_import_chains_have_depth_three_and_one_cycle(site: Path) -> None:
    graph = {
        css.relative_to(site).as_posix(): [
            urlsplit(u).path.lstrip("/") for u in _css_imports(site, css)
        ]
        for css in site.rglob("*.css")
    }
    assert all(t in graph for targets in graph.values() for t in targets)  # none missing

    def depth(node: str, seen: tuple[str, ...] = ()) -> int:
        if node in seen:
            return 0
        return 1 + max((depth(t, (*seen, node)) for t in graph[node]), default=0)

    page_sheets = [n for n in graph if n.startswith("css/pages/")]
    assert max(depth(n) for n in page_sheets) - 1 == 3
    assert depth("css/base.css") - 1 == 3

    # Exactly one cycle: the nodes that can reach themselves are those of base.css's loop.
    def reaches(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(graph[n])
        return seen

    cyclic = sorted(n for n in graph if n in reaches(n))
    assert cyclic == [
        "css/base.css",
        "css/partials/reset.css",
        "css/partials/tokens.css",
        "css/partials/typography.css",
    ]


def test_css_url_forms(site: Path) -> None:
    text = "".join(p.read_text() for p in sorted(site.rglob("*.css")))
    assert re.search(r"url\([^\s'\")]", text)  # unquoted
    assert "url('" in text and 'url("' in text and 'url( "' in text and "url(  " in text
    assert 'image-set("' in text and "-webkit-image-set(url(" in text
    assert 'type("image/avif")' in text
    assert "@font-face" in text and 'format("woff2")' in text and "embedded-opentype" in text
    assert "url(data:image/png;base64," in text and 'url("data:image/svg+xml' in text
    assert "url('https://images.example-cdn.com/" in text
    assert "@media" in text and "@supports" in text


def test_references_exist_except_missing_ones(site: Path) -> None:
    missing: set[str] = set()
    local = external = data = 0
    refs = [u for page in _pages(site) for u in _html_refs(site, page)]
    for css in sorted(site.rglob("*.css")):
        refs += [urljoin(_url(site, css), r) for r in _css_refs(css.read_text())]
    for url in refs:
        if url.startswith("data:"):
            data += 1
            continue
        path = _local_path(site, url)
        if path is None:
            external += 1
            continue
        local += 1
        if not path.is_file():
            missing.add(url)
    assert data and external and local > 1000
    assert missing
    assert all("/retired/" in url for url in missing), sorted(missing)[:5]


def test_percent_encoded_reference_names_a_real_file(site: Path) -> None:
    assert "hero%20banner.jpg" in (site / "css/base.css").read_text()
    assert (site / "img/ui/hero banner.jpg").is_file()


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_scripts_are_valid_javascript(site: Path) -> None:
    scripts = sorted(site.rglob("*.js")) + sorted(site.rglob("*.mjs"))
    assert len(scripts) > 10
    for script in scripts:
        done = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, (script, done.stderr)


def test_ensure_site_caches_and_regenerates_stale(tmp_path: Path) -> None:
    root, stats = ensure_site(tmp_path, PAGES, seed=3)
    assert stats is not None and stats.pages == PAGES
    assert (root / MARKER).is_file()
    again, stats = ensure_site(tmp_path, PAGES, seed=3)
    assert again == root and stats is None
    (root / MARKER).write_text("0 0 0\n")
    (root / "index.html").write_text("stale")
    _, stats = ensure_site(tmp_path, PAGES, seed=3)
    assert stats is not None
    assert (root / "index.html").stat().st_size > 10 * KB


def test_every_option_of_the_command_line_is_documented_with_its_default() -> None:
    parser = build_parser()
    text = parser.format_help()
    arguments = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    assert {a.dest for a in arguments} >= {"root", "pages", "seed"}
    for action in arguments:
        name = (action.option_strings or [str(action.metavar or action.dest)])[0]
        assert action.help and action.help != argparse.SUPPRESS, f"{name} has no help"
        assert name in text
        if action.default is not None:
            assert "%(default)s" in action.help, f"{name} does not show its default"
