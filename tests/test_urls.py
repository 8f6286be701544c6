"""URL resolution (WHATWG URL Standard through ada): what is local, what is external, what
climbs out of the root (SPEC §4)."""

from __future__ import annotations

import pytest

from push_manifest.urls import ESCAPED, climbs_above_root, resolve

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
    ("reference", "base", "path"),
    [
        ("../../etc/passwd.js", PAGE, "/etc/passwd.js"),
        ("../assets/x.css", ROOT + "index.html", "/assets/x.css"),
        ("/../assets/x.css", PAGE, "/assets/x.css"),
        ("..\\..\\x.css", "http://site.invalid/a/p.html", "/x.css"),
        ("%2e%2e/%2e%2e/y.css?q=1", "http://site.invalid/a/p.html", "/y.css?q=1"),
        (".%2E/.\t./z.css", ROOT, "/z.css"),
    ],
)
def test_dot_segments_above_the_root_are_clamped_as_browsers_do(
    reference: str, base: str, path: str
) -> None:
    """URL Standard §4.4 path state: ``..`` at the root pops nothing (SPEC §4)."""
    assert resolve(reference, base) == "http://site.invalid" + path
    assert climbs_above_root(reference, base)


@pytest.mark.parametrize(
    ("reference", "base"),
    [
        ("../b.css", PAGE),
        ("a/../../b.css", PAGE),
        ("..%2fx.css", ROOT),
        ("..%5cx.css", ROOT),
        ("x/..", ROOT),
        ("http://site.invalid/a/../x.js", PAGE),
    ],
)
def test_references_that_stay_at_or_below_the_root_do_not_climb(reference: str, base: str) -> None:
    assert not climbs_above_root(reference, base)


@pytest.mark.parametrize(
    ("reference", "rest"),
    [("file:///etc/passwd", "etc/passwd"), ("c:/Windows/win.ini", "Windows/win.ini")],
)
def test_references_to_files_outside_the_site_resolve_under_the_escaped_prefix(
    reference: str, rest: str
) -> None:
    assert resolve(reference, ROOT) == ESCAPED + rest


@pytest.mark.parametrize(
    ("reference", "encoding", "expected"),
    [
        # WHATWG URL "query state": the query in the document's encoding, the path in UTF-8
        # (fixtures/browser-tree/query-windows-1252.html, as Chromium sends them).
        ("img/q.png?q=caf\u00e9", "windows-1252", "/img/q.png?q=caf%E9"),
        ("caf\u00e9.png?v=\u00e9t\u00e9", "windows-1252", "/caf%C3%A9.png?v=%E9t%E9"),
        # Unencodable: a decimal character reference, percent-encoded.
        ("q.png?q=\u65e5\u672c", "windows-1252", "/q.png?q=%26%2326085%3B%26%2326412%3B"),
        ("q.png?q=\u65e5", "shift_jis", "/q.png?q=%93%FA"),
        ("q.png?q=a b'\u00e9#\u00e9", "windows-1252", "/q.png?q=a%20b%27%E9"),
        ("q.png?q=%E9", "windows-1252", "/q.png?q=%E9"),
        ("q.png?q=\u00e9", "utf-8", "/q.png?q=%C3%A9"),
        ("q.png?q=\u00e9", "utf-16le", "/q.png?q=%C3%A9"),
    ],
)
def test_a_query_is_encoded_in_the_document_encoding(
    reference: str, encoding: str, expected: str
) -> None:
    assert resolve(reference, ROOT, encoding) == ROOT.rstrip("/") + expected
