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

from bench.gen_site import KB, MARKER, build_parser, ensure_site, generate_site, marker_text

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
    assert {a.dest for a in arguments} >= {"root", "pages", "seed", "profile"}
    for action in arguments:
        name = (action.option_strings or [str(action.metavar or action.dest)])[0]
        assert action.help and action.help != argparse.SUPPRESS, f"{name} has no help"
        assert name in text
        if action.default is not None:
            assert "%(default)s" in action.help, f"{name} does not show its default"


# --- profiles -----------------------------------------------------------------------------

CLASSIC_20_PAGES_SEED_0 = "74f0e27adad102d5bbc68c732258a1a9784372a724552bcc1ab6b80a346775cd"
""":func:`_site_digest` of the classic 20-page, seed-0 site, computed with the generator as it was
before profiles existed (commit f08f562): the classic profile must keep writing these bytes."""
FRAMEWORK_PAGES = 30


def _site_digest(root: Path) -> str:
    """One hash of every file's path and content (the marker included)."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("framework") / "s"
    generate_site(root, FRAMEWORK_PAGES, seed=0, profile="framework")
    return root


def test_the_classic_profile_writes_the_bytes_it_wrote_before_profiles(tmp_path: Path) -> None:
    generate_site(tmp_path / "classic", 20, seed=0)
    assert _site_digest(tmp_path / "classic") == CLASSIC_20_PAGES_SEED_0
    generate_site(tmp_path / "named", 20, seed=0, profile="classic")
    assert _site_digest(tmp_path / "named") == CLASSIC_20_PAGES_SEED_0


def test_framework_same_seed_same_bytes_whatever_the_hash_seed(
    framework: Path, tmp_path: Path
) -> None:
    out = tmp_path / "again"
    repo = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, "-m", "bench.gen_site", str(out), "--pages", str(FRAMEWORK_PAGES)]
    cmd += ["--seed", "0", "--profile", "framework"]
    env = {**os.environ, "PYTHONHASHSEED": "987"}
    subprocess.run(cmd, cwd=repo, env=env, check=True, capture_output=True)
    assert _digest(out) == _digest(framework)
    assert len(_digest(framework)) > 300


def test_framework_other_seed_other_site_and_not_the_classic_one(
    framework: Path, tmp_path: Path
) -> None:
    generate_site(tmp_path / "seed1", FRAMEWORK_PAGES, seed=1, profile="framework")
    generate_site(tmp_path / "classic", FRAMEWORK_PAGES, seed=0)
    assert _digest(tmp_path / "seed1") != _digest(framework)
    assert set(_digest(tmp_path / "classic")) & set(_digest(framework)) == {MARKER, "index.html"}
    assert _digest(tmp_path / "classic")["index.html"] != _digest(framework)["index.html"]


def test_unknown_profile_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown profile 'jekyll'"):
        generate_site(tmp_path, 3, profile="jekyll")


def test_ensure_site_keeps_each_profile_in_its_own_folder_and_marker(tmp_path: Path) -> None:
    root, stats = ensure_site(tmp_path, 5, seed=1, profile="framework")
    assert root == tmp_path / "site-5-s1-framework" and stats is not None
    assert (root / MARKER).read_text() == "1 5 1 framework 1\n" == marker_text(5, 1, "framework")
    assert ensure_site(tmp_path, 5, seed=1, profile="framework") == (root, None)
    classic, stats = ensure_site(tmp_path, 5, seed=1)
    assert classic == tmp_path / "site-5-s1" and stats is not None
    assert (classic / MARKER).read_text() == "1 5 1\n" == marker_text(5, 1)


JS_IMPORT_RE = re.compile(r"""(?:\bfrom|\bimport\(?)\s*"([^"]+)\"""")


def _framework_refs(site: Path) -> list[str]:
    """Absolute URLs of every reference of the framework site: pages (links, subresources,
    ``srcset``/``imagesrcset``, Astro islands, inline ``<style>`` ``url()``s), stylesheets'
    ``url()``s and scripts' static and dynamic imports."""
    refs = []
    for page in _pages(site):
        doc = lxml.html.document_fromstring(page.read_bytes())
        base = _url(site, page)
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for name in ("href", "src", "poster", "component-url", "renderer-url"):
                if el.get(name) is not None:
                    refs.append(urljoin(base, el.get(name)))
            for name in ("srcset", "imagesrcset"):
                for cand in (el.get(name) or "").split(","):
                    if cand.strip():
                        refs.append(urljoin(base, cand.split()[0]))
        for style in doc.iter("style"):
            refs += [urljoin(base, r) for r in _css_refs(style.text or "")]
    for css in sorted(site.rglob("*.css")):
        refs += [urljoin(_url(site, css), r) for r in _css_refs(css.read_text())]
    for js in sorted(site.rglob("*.js")):
        refs += [urljoin(_url(site, js), r) for r in JS_IMPORT_RE.findall(js.read_text())]
    return refs


def test_framework_every_referenced_local_file_exists(framework: Path) -> None:
    refs = _framework_refs(framework)
    local = [u for u in refs if _local_path(framework, u) is not None]
    files = {_local_path(framework, u) for u in local}
    assert sorted(str(f) for f in files if f is None or not f.is_file()) == []
    assert len(local) > 2000
    chunks = {*framework.rglob("*.js"), *framework.rglob("*.css")}
    assert chunks - files == set()  # no chunk or stylesheet that nothing loads
    assert any("%5Bslug%5D" in u for u in local)  # Next.js's page chunk: percent-encoded
    assert any(u.endswith(".js") and "/chunks/" in u for u in local)
    imports = [u for js in framework.rglob("*.js") for u in JS_IMPORT_RE.findall(js.read_text())]
    assert len(imports) > 20 and all(u.startswith(("./", "../")) for u in imports)


def test_framework_pages_nested_sized_and_mostly_root_absolute(framework: Path) -> None:
    pages = _pages(framework)
    assert len(pages) == FRAMEWORK_PAGES
    for page in pages:
        assert 10 * KB <= page.stat().st_size <= 60 * KB, page
    names = [p.relative_to(framework).as_posix() for p in pages]
    assert any(re.fullmatch(r"[a-z]+/[a-z]+-[a-z]+-\d{5}/index\.html", n) for n in names)
    assert any(re.fullmatch(r"[a-z]+/20\d\d/[a-z]+-[a-z]+-\d{5}/index\.html", n) for n in names)
    assert any(re.fullmatch(r"[a-z]+/[a-z]+-[a-z]+-\d{5}\.html", n) for n in names)  # VitePress
    urls = re.findall(r'(?:href|src)="([^"#]+)"', "".join(p.read_text() for p in pages))
    local = [u for u in urls if not u.startswith(("http:", "https:", "//", "data:"))]
    absolute = [u for u in local if u.startswith("/")]
    assert 0.9 < len(absolute) / len(local) < 1.0


def test_framework_inline_styles_shared_and_page_specific(framework: Path) -> None:
    users: dict[str, set[str]] = defaultdict(set)
    for page in _pages(framework):
        doc = lxml.html.document_fromstring(page.read_bytes())
        blocks = [s.text or "" for s in doc.iter("style")]
        assert 3 <= len(blocks) <= 5, page
        for block in blocks:
            users[block].add(page.name if page.name != "index.html" else str(page.parent))
    shared = [b for b, pages in users.items() if len(pages) > 3]
    own = [b for b, pages in users.items() if len(pages) == 1]
    assert len(shared) >= 3 and len(own) >= FRAMEWORK_PAGES
    assert all("url(" in b for b in own)
    assert any("@font-face" in b and "unicode-range:" in b for b in shared)  # Next.js's fonts
    assert any("@font-face" in b and "Fraunces" in b for b in own)  # a page's display font
    assert any("[data-astro-cid-" in b for b in shared) and any(".jsx-" in b for b in own)
    assert any("[data-v-" in b for b in own)


def test_framework_hashed_chunks_preloads_fonts_and_images(framework: Path) -> None:
    text = "".join(p.read_text() for p in _pages(framework))
    assert re.search(r'href="/_astro/[\w.-]+\.[\w-]{8}\.css"', text)
    assert re.search(r'href="/_next/static/css/[0-9a-f]{16}\.css"', text)
    assert re.search(r'src="/_next/static/chunks/pages/[a-z]+/%5Bslug%5D-[0-9a-f]{16}\.js"', text)
    assert re.search(r'<script type="module" src="/assets/app\.[0-9a-f]{8}\.js">', text)
    assert re.search(r'<link rel="modulepreload" href="/_astro/[\w.-]+\.js">', text)
    assert re.search(r'<link rel="modulepreload" href="/assets/[\w.-]+\.lean\.js">', text)
    assert '<link rel="preload stylesheet" href="/assets/style.' in text
    assert re.search(r'as="font" type="font/woff2" crossorigin>', text)
    assert "<astro-island " in text and 'id="__NEXT_DATA__"' in text
    assert '<source type="image/avif" srcset="' in text and 'sizes="' in text
    assert 'loading="lazy"' in text
    assert text.count('<blockquote lang="el">') == 2 and text.count('<blockquote lang="ru">') == 2
    for page in _pages(framework):
        doc = lxml.html.document_fromstring(page.read_bytes())
        images = [i for i in doc.iter("img") if i.get("srcset")]
        assert images[0].get("fetchpriority") == "high" and images[0].get("loading") is None
        assert len(images) >= 4 and all(i.get("loading") == "lazy" for i in images[1:])
    css = "".join(p.read_text() for p in sorted(framework.rglob("*.css")))
    inter_ranges = set(re.findall(r'font-family:"Inter";[^}]*unicode-range:([^}]+)', css))
    assert len(inter_ranges) == 5  # one @font-face a subset (and weight)


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_framework_scripts_are_valid_javascript(framework: Path) -> None:
    scripts = sorted(framework.rglob("*.js"))
    assert len(scripts) > 20
    for script in scripts:
        done = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, (script, done.stderr)


@pytest.mark.parametrize("pages", [1, 2, 5])
def test_tiny_framework_sites_are_complete(tmp_path: Path, pages: int) -> None:
    generate_site(tmp_path, pages, seed=2, profile="framework")
    assert len(_pages(tmp_path)) == pages
    refs = [_local_path(tmp_path, u) for u in _framework_refs(tmp_path)]
    files = {f for f in refs if f is not None}
    assert sorted(str(f) for f in files if not f.is_file()) == []
    assert {*tmp_path.rglob("*.js"), *tmp_path.rglob("*.css")} - files == set()
