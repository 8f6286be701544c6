"""--format netlify: a _headers file, parsed back by its documented grammar."""

from __future__ import annotations

from push_manifest.headers import Routes, link_value
from push_manifest.model import PageManifest
from push_manifest.writers import WriterOptions, render
from push_manifest.writers.netlify import rule_path

from .factories import EMPTY, HOME, POST, manifest, page, res
from .grammar import parse_headers_file, parse_link_header


def test_rules_per_route_with_one_link_line_per_resource() -> None:
    rules = parse_headers_file(render(manifest(HOME, EMPTY, POST), "netlify"))
    assert [rule.path for rule in rules] == ["/", "/index.html", "/blog/post.html"]
    expected = [v for r in HOME.resources if (v := link_value(r))]
    for rule in rules[:2]:
        assert [name for name, _ in rule.headers] == ["Link"] * len(expected)
        assert rule.values("Link") == expected
        assert parse_link_header(rule.combined("Link"))
    assert rules[2].values("Link") == [
        "</css/app.css>; rel=preload; as=style",
        "</blog/photo.png>; rel=preload; as=image",
    ]


def test_extensionless_routes() -> None:
    text = render(manifest(HOME, POST), "netlify", WriterOptions(routes=Routes.EXTENSIONLESS))
    assert [rule.path for rule in parse_headers_file(text)] == ["/", "/blog/post"]


def test_splats_and_placeholders_are_taken_literally() -> None:
    assert rule_path("/a*b/:id/x:y.html") == "/a%2Ab/%3Aid/x:y.html"
    odd = page("docs/:v/*.html", res("/a.css", "style"))
    rules = parse_headers_file(render(manifest(odd), "netlify"))
    assert [rule.path for rule in rules] == ["/docs/%3Av/%2A.html"]


def test_every_line_fits_cloudflare_limits() -> None:
    text = render(manifest(HOME, POST), "netlify", WriterOptions(nopush=True))
    assert all(len(line) <= 2000 for line in text.splitlines())
    assert parse_headers_file(text)


def test_a_key_with_a_newline_stays_in_its_comment() -> None:
    # A key written by hand: the crawl's keys are percent-encoded and hold no newline.
    odd = PageManifest("new\nline.html", "/new%0Aline.html", (res("/a.css", "style"),))
    text = render(manifest(odd), "netlify")
    assert "\n# new%0Aline.html\n/new%0Aline.html\n" in text
    assert [rule.path for rule in parse_headers_file(text)] == ["/new%0Aline.html"]
