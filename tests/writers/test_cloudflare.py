"""--format cloudflare: a _headers file within Cloudflare Pages' documented limits (100 rules,
2,000 characters a line), merged by splats only where a splat serves exactly the right pages.
Rules are read back by the documented grammar and matched the way Cloudflare matches them."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from push_manifest.headers import Routes, link_value
from push_manifest.model import Manifest, PageManifest, WarningCode
from push_manifest.writers import WriterOptions, format_warnings, render
from push_manifest.writers.cloudflare import MAX_RULES, rule_path

from .factories import EMPTY, HOME, POST, manifest, page, res
from .grammar import HeaderRule, parse_headers_file


def _pattern(path: str) -> re.Pattern[str]:
    """A rule path as Cloudflare matches it: ``*`` (a splat) matches any characters, ``:name``
    (a colon before a letter) any characters but ``/``; the rest literally."""
    parts = re.split(r"(\*|:[A-Za-z]\w*)", path)
    regex = "".join(
        ".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part)
        for part in parts
    )
    return re.compile(regex)


def _served(rules: list[HeaderRule], path: str) -> list[str]:
    """The ``Link`` values a request for ``path`` gets: those of every rule that matches."""
    return [
        value
        for rule in rules
        if _pattern(rule.path).fullmatch(path)
        for value in rule.values("Link")
    ]


def _values(page: PageManifest) -> list[str]:
    return [value for resource in page.resources if (value := link_value(resource))]


def _posts(count: int, *extra: PageManifest) -> Manifest:
    """A blog: ``count`` posts loading the same files, then ``extra`` pages."""
    posts = [
        page(f"blog/post-{number}.html", res("/css/app.css", "style"), res("/js/app.js", "script"))
        for number in range(count)
    ]
    return manifest(*posts, *extra)


def test_pages_with_the_same_headers_share_one_splat_rule() -> None:
    site = _posts(3000, HOME, POST, EMPTY)
    text = render(site, "cloudflare")
    rules = parse_headers_file(text)
    assert len(rules) <= 5, [rule.path for rule in rules]
    assert len(parse_headers_file(render(site, "netlify"))) == 3003
    for number in (0, 7, 2999):
        assert _served(rules, f"/blog/post-{number}") == _values(site.pages[0])
    assert _served(rules, "/") == _values(HOME)
    assert _served(rules, "/blog/post") == _values(POST)
    assert _served(rules, "/about") == []
    assert format_warnings(site, "cloudflare") == ()


def test_pages_are_served_at_their_extension_less_urls() -> None:
    rules = parse_headers_file(render(manifest(HOME, POST), "cloudflare", WriterOptions()))
    assert [rule.path for rule in rules] == ["/", "/blog/post"]
    same = render(manifest(HOME, POST), "cloudflare", WriterOptions(routes=Routes.EXTENSIONLESS))
    assert render(manifest(HOME, POST), "cloudflare") == same


def test_a_splat_never_covers_a_page_with_other_headers_nor_a_resource() -> None:
    shared = (res("/css/app.css", "style"),)
    site = manifest(
        page("docs/a.html", *shared),
        page("docs/b.html", *shared),
        page("docs/b2.html", res("/css/other.css", "style")),
        page("docs/c.html"),
        page("docs/d/index.html", *shared),
        page("docs/index.html", *shared, res("/docs/a.png", "image")),
    )
    rules = parse_headers_file(render(site, "cloudflare"))
    for path in ("/docs/a", "/docs/b", "/docs/d/"):
        assert _served(rules, path) == _values(site.pages[0]), path
    assert _served(rules, "/docs/b2") == ["</css/other.css>; rel=preload; as=style"]
    assert _served(rules, "/docs/c") == []
    assert _served(rules, "/docs/a.png") == []
    assert _served(rules, "/docs/") == _values(site.pages[-1])


def test_literal_splats_and_placeholders() -> None:
    assert rule_path("/a*b/:id/x:y.html") == "/a%2Ab/%3Aid/x%3Ay.html"
    assert rule_path("/x:1/y:") == "/x:1/y:"
    odd = page("docs/:v/*.html", res("/a.css", "style"))
    rules = parse_headers_file(render(manifest(odd), "cloudflare"))
    assert [rule.path for rule in rules] == ["/docs/%3Av/%2A"]


def test_over_100_rules_is_a_warning_naming_the_limit() -> None:
    pages = [page(f"p{n}.html", res(f"/css/{n}.css", "style")) for n in range(MAX_RULES + 1)]
    site = manifest(*pages)
    text = render(site, "cloudflare")
    assert len(parse_headers_file(text)) == MAX_RULES + 1
    assert "# 101 rules: Cloudflare Pages reads at most 100" in text
    (warning,) = format_warnings(site, "cloudflare")
    assert warning.code is WarningCode.HOST_LIMIT
    assert "101 header rules: Cloudflare Pages reads at most 100" in warning.message
    assert "developers.cloudflare.com/pages/platform/limits" in warning.message
    # Netlify documents no such limit; 100 rules are within Cloudflare's.
    assert format_warnings(site, "netlify") == ()
    assert format_warnings(manifest(*pages[:MAX_RULES]), "cloudflare") == ()


def test_a_line_over_2000_characters_is_left_out_with_a_warning() -> None:
    srcset = ", ".join(f"/img/hero-{n}.png {n}w" for n in range(100, 300))
    big = page(
        "index.html",
        res("/css/app.css", "style"),
        res("/img/hero.png", "image", srcset=srcset, sizes="100vw"),
    )
    site = manifest(big)
    text = render(site, "cloudflare")
    assert all(len(line) <= 2000 for line in text.splitlines())
    (rule,) = parse_headers_file(text)
    assert rule.values("Link") == ["</css/app.css>; rel=preload; as=style"]
    (warning,) = format_warnings(site, "cloudflare", WriterOptions(header_budget=0))
    assert warning.code is WarningCode.HOST_LIMIT
    assert warning.document == "index.html"
    assert "/img/hero.png" in warning.message and "2,000 characters" in warning.message


def test_format_warnings_include_the_header_budget() -> None:
    options = WriterOptions(header_budget=60)
    for fmt in ("apache", "cloudflare", "netlify"):
        codes = [warning.code for warning in format_warnings(manifest(HOME), fmt, options)]
        assert codes == [WarningCode.BUDGET], fmt
    assert format_warnings(manifest(HOME), "json", options) == ()


_segment = st.sampled_from(["a", "b", "ab", "ba", "a.b", "index"])
_paths = st.lists(_segment, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".html")


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_paths, st.integers(0, 2), min_size=1, max_size=12))
def test_every_known_route_gets_exactly_its_own_links(layout: dict[str, int]) -> None:
    styles = {1: (res("/one.css", "style"),), 2: (res("/a/two.css", "style"),)}
    pages = [page(key, *styles.get(kind, ())) for key, kind in sorted(layout.items())]
    site = manifest(*pages, single=False)
    rules = parse_headers_file(render(site, "cloudflare"))
    for item in pages:
        if item.key.endswith("index.html"):
            route = "/" + item.key.removesuffix("index.html")
        else:
            route = "/" + item.key.removesuffix(".html")
        assert _served(rules, route) == _values(item), (route, [r.path for r in rules])
    # The files the manifest knows; a splat may match files it does not.
    for resource in {r.url for item in pages for r in item.resources}:
        assert _served(rules, resource) == []
