"""Property-based fuzzing: generated HTML, CSS and URL strings (traversal, odd schemes, unicode,
control characters) never raise, never reach outside the root, and give the same output every
time (issue "Hostile and broken input", item 5).

The number of examples comes from the profile in ``conftest.py``: ``ci`` when ``CI`` is set,
``dev`` otherwise, ``HYPOTHESIS_PROFILE=long`` for a long local run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from push_manifest import build_manifest, render
from push_manifest.decode import decode_html, decode_problem
from push_manifest.model import Viewport
from push_manifest.scanners.css import parse_style_attribute, parse_stylesheet_bytes, scan_css
from push_manifest.scanners.html import parse_html, scan_html
from push_manifest.scanners.srcset import parse_srcset
from push_manifest.site import ORIGIN, FileState, Site
from push_manifest.urls import ESCAPED, resolve

from .conftest import FUZZ, FileSpy, make_area

PIECES = [
    "..", ".", "/", "\\", "%2e", "%2E%2e", "%2f", "%2F", "%5c", "%00", "%ff", "%", "%%", "?", "#",
    "file:", "FILE:///", "http:", "http://site.invalid/", "https://cdn.example/", "//", "///",
    "data:,x", "javascript:", "blob:", "about:blank", "C:\\", "c:/", "~", " ", "\t", "\n", "\r",
    "\x00", "\x01", "\x1b[31m", "\x7f", "\u00e9", "\u202e", "\ufeff", "\ud7ff", "\U0001f600",
    "outside", "secret.css", "a.css", "sub/", "vendor/", "leak.css", "loop", "index.html",
    "x" * 300,
]  # fmt: skip
URLS = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=12).map("".join)


def _attr(url: str) -> str:
    return url.replace("&", "&amp;").replace('"', "&quot;")


def _css(url: str) -> str:
    return url.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")


HTML_TEMPLATES = [
    '<link rel=stylesheet href="{a}">',
    '<link rel=import href="{a}">',
    '<link rel=preload as=font href="{a}" crossorigin>',
    '<img src="{a}" srcset="{a} 1x, {a} 2x">',
    '<picture><source srcset="{a}" type=image/webp><img src="{a}"></picture>',
    '<script src="{a}"></script>',
    '<script type=module src="{a}"></script>',
    '<style>@import "{c}"; b {{ background: url("{c}") }}</style>',
    '<div style="background: url(&quot;{c}&quot;)"></div>',
    '<base href="{a}">',
    '<svg><image href="{a}"/><use href="{a}#i"/></svg>',
    "<img src={r}>",
    "<!--",
    "<template>",
    "<noscript>",
    "</",
]
CSS_TEMPLATES = [
    '@import "{c}";',
    "@import url({r});",
    'a {{ background: url("{c}") }}',
    '@font-face {{ font-family: f; src: url("{c}") format("woff2") }}',
    'b {{ background-image: image-set("{c}" 1x, "{c}" 2x) }}',
    "@media print {{ c {{ background: url({r}) }} }}",
    "/*",
    "{{",
    '"',
]


def _document(templates: list[str]) -> st.SearchStrategy[str]:
    part = st.one_of(
        st.tuples(st.sampled_from(templates), URLS).map(
            lambda t: t[0].format(a=_attr(t[1]), c=_css(t[1]), r=t[1])
        ),
        st.text(max_size=20),
    )
    return st.lists(part, max_size=8).map("".join)


HTML = _document(HTML_TEMPLATES)
CSS = _document(CSS_TEMPLATES)
ENCODED = st.sampled_from(["utf-8", "utf-16-le", "windows-1252", "shift_jis"])


def _encode(text: str, codec: str) -> bytes:
    return text.encode(codec, "replace")


@pytest.mark.slow
@FUZZ
@given(
    index=HTML,
    page=HTML,
    sheet_a=CSS,
    sheet_b=CSS,
    codec=ENCODED,
    bom=st.booleans(),
    prune=st.booleans(),
)
def test_fuzzed_site_never_raises_never_escapes_and_is_deterministic(
    index: str, page: str, sheet_a: str, sheet_b: str, codec: str, bom: bool, prune: bool
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        area = make_area(Path(scratch))
        prefix = "\ufeff" if bom else ""
        area.write({
            "index.html": _encode(prefix + index, codec),
            "sub/page.html": _encode(page, codec),
            "a.css": _encode(prefix + sheet_a, codec),
            "sub/b.css": sheet_b,
        })  # fmt: skip
        (area.root / "leak.css").symlink_to(area.secret)
        (area.root / "vendor").symlink_to(area.outside, target_is_directory=True)
        (area.root / "loop").symlink_to("loop")
        pages = [area.root / "index.html", area.root / "sub" / "page.html"]
        spy = FileSpy()
        with spy.active():
            first = build_manifest(pages, root=area.root, jobs=1, prune=prune)
        again = build_manifest(pages, root=area.root, jobs=1, prune=prune)
        assert render(first) == render(again)
        assert first.warnings == again.warnings
        assert spy.under(area.outside) == []
        assert spy.escapes(area.base, area.root) == []
        for manifest_page in first.pages:
            for resource in manifest_page.resources:
                assert resource.url.startswith("/") and not resource.url.startswith("//")
                assert not resource.url.startswith(ESCAPED.removeprefix(ORIGIN))


@FUZZ
@given(reference=URLS, base=URLS)
def test_resolve_and_locate_never_raise_and_stay_inside(reference: str, base: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        area = make_area(Path(scratch))
        area.write({"a.css": "", "sub/index.html": ""})
        (area.root / "leak.css").symlink_to(area.secret)
        (area.root / "vendor").symlink_to(area.outside, target_is_directory=True)
        site = Site(area.root)
        document = resolve(base, ORIGIN + "/sub/page.html") or ORIGIN + "/index.html"
        url = resolve(reference, document)
        if url is None:
            return
        assert url.startswith(ORIGIN + "/")
        spy = FileSpy()
        with spy.active():
            located = site.locate(url)
            if located.state is FileState.FILE and located.path is not None:
                site.read(located.path)
        assert spy.under(area.outside) == []
        assert spy.escapes(area.base, area.root) == []
        if located.path is not None:
            assert Path(os.path.abspath(located.path)).is_relative_to(area.root)
        if url.startswith(ESCAPED):
            assert located.state is FileState.OUTSIDE


@FUZZ
@given(text=st.text(max_size=400), data=st.binary(max_size=400))
def test_scanners_and_decoders_never_raise(text: str, data: bytes) -> None:
    viewport = Viewport()
    list(scan_html(parse_html(text), viewport))
    html_text, encoding = decode_html(data)
    list(scan_html(parse_html(html_text), viewport))
    decode_problem(data, encoding)
    parsed = parse_stylesheet_bytes(data)
    list(scan_css(parsed, viewport))
    decode_problem(data, parsed.encoding, stylesheet=True)
    list(scan_css(parse_style_attribute(text), viewport))
    parse_srcset(text)


@FUZZ
@given(document=HTML)
def test_html_scan_is_deterministic(document: str) -> None:
    viewport = Viewport(width=375, dpr=3)
    assert list(scan_html(parse_html(document), viewport)) == list(
        scan_html(parse_html(document), viewport)
    )
