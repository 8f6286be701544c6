"""URL resolution (WHATWG URL Standard through ada): what is local, what is external, what
climbs out of the root (SPEC §4)."""

from __future__ import annotations

import pytest

from push_manifest.urls import ESCAPED, resolve

PAGE = "http://site.invalid/dir/page.html"
ROOT = "http://site.invalid/"


@pytest.mark.parametrize(
    ("reference", "base", "expected"),
    [
        ("a.png", PAGE, "http://site.invalid/dir/a.png"),
        ("../b.css?v=1#frag", PAGE, "http://site.invalid/b.css?v=1"),
        ("/c.js", PAGE, "http://site.invalid/c.js"),
        ("./x/../y.png#a#b", "http://site.invalid/d/", "http://site.invalid/d/y.png"),
        ("?q=1", PAGE, "http://site.invalid/dir/page.html?q=1"),
        ("http:relative.png", PAGE, "http://site.invalid/dir/relative.png"),
        ("http://site.invalid:80/x.js", ROOT, "http://site.invalid/x.js"),
        ("HTTP://SITE.INVALID/Up.js", ROOT, "http://site.invalid/Up.js"),
        ("http://user@site.invalid/x.js", ROOT, "http://user@site.invalid/x.js"),
        ("  sp ace.png\t", ROOT, "http://site.invalid/sp%20ace.png"),
        ("a\tb\nc.png", ROOT, "http://site.invalid/abc.png"),
        ("ünï.png", ROOT, "http://site.invalid/%C3%BCn%C3%AF.png"),
        ("..//evil.example/x.css", "http://site.invalid/sub/p.html",
         "http://site.invalid//evil.example/x.css"),
    ],
)  # fmt: skip
def test_local_references_resolve_without_their_fragment(
    reference: str, base: str, expected: str
) -> None:
    assert resolve(reference, base) == expected


@pytest.mark.parametrize(
    "reference",
    [
        "",
        "#top",
        "https://cdn.example/x.js",
        "//cdn.example/x.js",
        "http://site.invalid:8080/x.js",
        "https:relative.png",
        "data:image/png;base64,AAAA",
        "javascript:alert(1)",
        "mailto:a@b",
        "http://[::1/",
    ],
)
def test_what_a_browser_would_not_fetch_from_this_site_is_none(reference: str) -> None:
    assert resolve(reference, PAGE) is None


@pytest.mark.parametrize(
    ("reference", "base", "rest"),
    [
        ("../../etc/passwd.js", PAGE, "etc/passwd.js"),
        ("..\\..\\x.css", "http://site.invalid/a/p.html", "x.css"),
        ("%2e%2e/%2e%2e/y.css?q=1", "http://site.invalid/a/p.html", "y.css?q=1"),
        ("file:///etc/passwd", ROOT, "etc/passwd"),
    ],
)
def test_references_that_leave_the_root_resolve_under_the_escaped_prefix(
    reference: str, base: str, rest: str
) -> None:
    assert resolve(reference, base) == ESCAPED + rest
