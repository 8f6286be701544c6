"""--format apache: <LocationMatch> blocks read back the way httpd reads its configuration."""

from __future__ import annotations

import re

import pytest

from push_manifest.headers import Routes, hint_value, link_value
from push_manifest.model import PageManifest
from push_manifest.writers import WriterOptions, render
from push_manifest.writers.apache import location_regex

from .factories import EMPTY, HOME, POST, manifest, page, res


def _args(text: str) -> list[str]:
    """Split a directive line like ap_getword_conf: in a double-quoted word ``\\\\`` is a
    backslash and ``\\"`` a quote; any other backslash stays as it is."""
    words = []
    for match in re.finditer(r'"((?:\\[\\"]|[^"\\]|\\(?![\\"]))*)"|(\S+)', text):
        quoted, bare = match.groups()
        words.append(re.sub(r'\\([\\"])', r"\1", quoted) if quoted is not None else bare)
    return words


def _sent(value: str) -> str:
    """What mod_headers sends for a ``Header`` value string (parse_misc_string and
    parse_format_string): ``%%`` is a percent sign, ``\\\\`` a backslash, ``\\n`` a newline,
    ``\\t`` a tab; another backslash stays."""
    escapes = {"%%": "%", "\\\\": "\\", "\\n": "\n", "\\t": "\t"}
    return re.sub(r"%%|\\[\\nt]", lambda match: escapes[match.group()], value)


def _sections(text: str) -> dict[str, list[list[str]]]:
    """LocationMatch regex → the directives inside it (with their section path), checking that
    every section closes in order."""
    blocks: dict[str, list[list[str]]] = {}
    stack: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("</"):
            assert stack and stack[-1][0] == line[2:-1], line
            stack.pop()
        elif line.startswith("<"):
            stack.append(_args(line[1:-1]))
            if stack[-1][0] == "LocationMatch":
                blocks[stack[-1][1]] = []
        else:
            directive = [section[0] for section in stack[1:]] + _args(line)
            if stack and stack[0][0] == "LocationMatch":
                blocks[stack[0][1]].append(directive)
    assert not stack
    return blocks


@pytest.mark.parametrize(
    ("url", "routes", "regex", "matches", "misses"),
    [
        ("/index.html", Routes.HTML, r"^/(?:index\.html)?$", ["/", "/index.html"], ["/x", "/a/"]),
        (
            "/blog/index.html",
            Routes.EXTENSIONLESS,
            r"^/blog/(?:index\.html)?$",
            ["/blog/", "/blog/index.html"],
            ["/blog", "/blog/x"],
        ),
        (
            "/blog/post.html",
            Routes.HTML,
            r"^/blog/post\.html$",
            ["/blog/post.html"],
            ["/blog/post.html/x", "/blog/postxhtml", "/blog/post"],
        ),
        (
            "/blog/post.html",
            Routes.EXTENSIONLESS,
            r"^/blog/post(?:\.html)?$",
            ["/blog/post", "/blog/post.html"],
            ["/blog/posts", "/blog/post/"],
        ),
        ("/caf%C3%A9%20au%20lait.html", Routes.HTML, None, ["/café au lait.html"], ["/caf"]),
    ],
)
def test_location_regex(
    url: str, routes: Routes, regex: str | None, matches: list[str], misses: list[str]
) -> None:
    made = location_regex(url, routes)
    if regex is not None:
        assert made == regex
    for path in matches:
        assert re.search(made, path), path
    for path in misses:
        assert not re.search(made, path), path


def test_blocks_headers_hints_and_pushes() -> None:
    text = render(manifest(HOME, EMPTY, POST), "apache")
    assert "<IfModule http2_module>\n    H2EarlyHints on\n</IfModule>" in text
    blocks = _sections(text)
    assert list(blocks) == [r"^/(?:index\.html)?$", r"^/blog/post\.html$"]
    home = blocks[r"^/(?:index\.html)?$"]
    values = [v for r in HOME.resources if (v := link_value(r))]
    assert [d[3] for d in home if d[:2] == ["Header", "add"]] == values
    assert all(d[2] == "Link" for d in home if d[0] == "Header")
    # Pushed by mod_http2 from each rel=preload link: only the module and the document need
    # H2PushResource. The 103 leaves out the track (Chromium drops as=track) and the srcset
    # image (its other candidate would be wasted on a 2x screen).
    hints = [hint_value(r) for r in HOME.resources if hint_value(r)]
    assert [d[1:] for d in home if d[0] == "IfModule"] == [
        ["H2PushResource", "/js/main.mjs"],
        ["H2PushResource", "/html/import.html"],
        *(["IfDirective", "H2EarlyHint", "Link", v] for v in hints),
    ]
    assert [
        d[4].split(">")[0] for d in home if d[:3] == ["IfModule", "IfDirective", "H2EarlyHint"]
    ] == [
        "</css/app.css",
        "</js/app.js",
        "</fonts/inter.woff2",
        "</js/main.mjs",
    ]


def test_percent_is_doubled_for_mod_headers_only() -> None:
    odd = page(
        "index.html",
        res("/caf%C3%A9.css", "style"),
        res("/m%20x.mjs", "script", module=True),
    )
    home = _sections(render(manifest(odd), "apache"))[r"^/(?:index\.html)?$"]
    assert ["Header", "add", "Link", "</caf%%C3%%A9.css>; rel=preload; as=style"] in home
    hint = ["IfModule", "IfDirective", "H2EarlyHint", "Link"]
    assert [*hint, "</caf%C3%A9.css>; rel=preload; as=style"] in home
    assert ["IfModule", "H2PushResource", "/m%20x.mjs"] in home


def test_nopush() -> None:
    text = render(manifest(HOME), "apache", WriterOptions(nopush=True))
    assert "H2PushResource" not in text
    home = _sections(text)[r"^/(?:index\.html)?$"]
    headers = [d[3] for d in home if d[0] == "Header"]
    assert headers and all(value.endswith("; nopush") for value in headers)
    # Chromium drops a 103 link that says nopush: the 103 form never does, and mod_http2,
    # which would push the 103's preload links, is told not to push at all.
    hints = [d[4] for d in home if d[:3] == ["IfModule", "IfDirective", "H2EarlyHint"]]
    assert hints == [hint_value(r) for r in HOME.resources if hint_value(r)]
    assert ["IfModule", "H2Push", "off"] in home
    assert "H2Push off" not in render(manifest(HOME), "apache")


def test_hints_are_the_103_form_and_headers_the_final_one() -> None:
    odd = page(
        "index.html",
        res("/css/app.css", "style", 256),
        res("/css/print.css", "style", 32, media="print"),
        res("/img/one.png", "image", 128, srcset="/img/one.png 1x"),
        res("/img/two.png", "image", 120, srcset="/img/two.png 1x, /img/two-2x.png 2x"),
    )
    home = _sections(render(manifest(odd), "apache"))[r"^/(?:index\.html)?$"]
    assert [d[3] for d in home if d[0] == "Header"] == [link_value(r) for r in odd.resources]
    assert [d[4] for d in home if d[:3] == ["IfModule", "IfDirective", "H2EarlyHint"]] == [
        "</css/app.css>; rel=preload; as=style",
        "</css/print.css>; rel=preload; as=style; fetchpriority=low",
        "</img/one.png>; rel=preload; as=image",
    ]


def test_early_hints_only_and_budget() -> None:
    options = WriterOptions(early_hints=True, header_budget=120)
    home = _sections(render(manifest(HOME), "apache", options))[r"^/(?:index\.html)?$"]
    headers = [d[3] for d in home if d[0] == "Header"]
    assert headers == [
        "</css/app.css>; rel=preload; as=style",
        "</js/app.js>; rel=preload; as=script",
    ]
    pushes = [d[2] for d in home if d[1] == "H2PushResource"]
    # The srcset image and the track are no longer in a Link, so they are pushed explicitly;
    # dropped ones are not.
    assert pushes == ["/img/hero.png", "/media/captions.vtt", "/html/import.html"]


def test_a_page_with_nothing_gets_no_block() -> None:
    assert _sections(render(manifest(EMPTY), "apache")) == {}


def test_quotes_in_values_are_escaped() -> None:
    odd = page("index.html", res("/p.css", "style", media='print and (x: "y")'))
    home = _sections(render(manifest(odd), "apache"))[r"^/(?:index\.html)?$"]
    assert home[0][:3] == ["Header", "add", "Link"]
    assert _sent(home[0][3]) == '</p.css>; rel=preload; as=style; media="print and (x: \\"y\\")"'


def test_backslashes_survive_both_apache_and_mod_headers() -> None:
    value = link_value(res("/p.css", "style", media="a\\nb\\\\c 100%"))
    assert value == '</p.css>; rel=preload; as=style; media="a\\\\nb\\\\\\\\c 100%"'
    odd = page("index.html", res("/p.css", "style", media="a\\nb\\\\c 100%"))
    home = _sections(render(manifest(odd), "apache"))[r"^/(?:index\.html)?$"]
    assert _sent(home[0][3]) == value
    # The 103 form has no media: nothing to escape there.
    assert home[1] == [
        "IfModule",
        "IfDirective",
        "H2EarlyHint",
        "Link",
        hint_value(odd.resources[0]),
    ]
    assert hint_value(odd.resources[0]) == "</p.css>; rel=preload; as=style"


def test_names_with_backslashes_and_newlines_get_working_sections() -> None:
    # A key written by hand: the crawl's keys are percent-encoded and hold no newline.
    odd = PageManifest("a\\b\n.html", "/a%5Cb%0A%FF.html", (res("/p.css", "style"),))
    text = render(manifest(odd), "apache")
    assert "\n# a\\b%0A.html\n" in text
    (regex,) = _sections(text)
    assert regex == r"^/a\\b\x0a\xff\.html$"
    # Python's re and PCRE agree here (\\xHH is a byte of the decoded path, read as Latin-1).
    pattern = re.compile(regex.replace("$", r"\Z"))
    assert pattern.search("/a\\b\n\xff.html")
    assert not pattern.search("/a/b\n\xff.html") and not pattern.search("/a\\b\n\xff.html\n")
