"""--format nginx: location blocks read back the way nginx tokenises its configuration."""

from __future__ import annotations

import re

from push_manifest.headers import Routes, link_value
from push_manifest.writers import WriterOptions, render

from .factories import EMPTY, HOME, POST, manifest, page, res

# ngx_conf_read_token: in a quoted string \\" \\' \\\\ are the character, \\n \\t \\r are LF TAB CR,
# and any other backslash stays.
_ESCAPES = {'\\"': '"', "\\'": "'", "\\\\": "\\", "\\n": "\n", "\\t": "\t", "\\r": "\r"}


def _tokens(text: str) -> list[str]:
    """nginx tokens: quoted strings, words, ; { }; a comment line is skipped."""
    tokens = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            continue
        for match in re.finditer(r'"((?:\\.|[^"\\])*)"|([;{}])|([^\s;{}"]+)', line):
            quoted, punct, word = match.groups()
            if quoted is not None:
                tokens.append(re.sub(r"\\[\"'\\ntr]", lambda m: _ESCAPES[m.group()], quoted))
            else:
                tokens.append(punct or word)
    return tokens


def _locations(text: str) -> dict[str, list[list[str]]]:
    """``location = PATH`` (the key is PATH) or ``location ~ REGEX`` (the key is ``~REGEX``) →
    the directives in its block."""
    tokens = _tokens(text)
    blocks: dict[str, list[list[str]]] = {}
    index = 0
    while index < len(tokens):
        assert tokens[index] == "location" and tokens[index + 1] in ("=", "~"), tokens[index:]
        path, brace = tokens[index + 2 : index + 4]
        if tokens[index + 1] == "~":
            path = "~" + path
        assert brace == "{"
        index += 4
        directives: list[list[str]] = []
        current: list[str] = []
        while tokens[index] != "}":
            if tokens[index] == ";":
                directives.append(current)
                current = []
            else:
                current.append(tokens[index])
            index += 1
        assert not current
        blocks[path] = directives
        index += 1
    return blocks


def test_one_block_per_route() -> None:
    blocks = _locations(render(manifest(HOME, EMPTY, POST), "nginx"))
    assert list(blocks) == ["/", "/index.html", "/blog/post.html"]
    values = [v for r in HOME.resources if (v := link_value(r))]
    assert blocks["/"][0] == ["try_files", "/index.html", "=404"]
    assert blocks["/"][1:] == [["add_header", "Link", v] for v in values]
    assert blocks["/index.html"] == [["add_header", "Link", v] for v in values]
    assert blocks["/blog/post.html"][0] == [
        "add_header",
        "Link",
        "</css/app.css>; rel=preload; as=style",
    ]


def test_extensionless_routes_serve_the_file_in_their_block() -> None:
    options = WriterOptions(routes=Routes.EXTENSIONLESS, nopush=True)
    blocks = _locations(render(manifest(HOME, POST), "nginx", options))
    assert list(blocks) == ["/", "/blog/post"]
    assert blocks["/blog/post"][0] == ["try_files", "/blog/post.html", "=404"]
    assert all(d[2].endswith("; nopush") for d in blocks["/blog/post"][1:])


def test_decoded_quoted_paths_and_no_variables() -> None:
    odd = page(
        "caf%C3%A9 au lait.html",
        res("/a$b.css", "style"),
        res("/p.css", "style", media='x "y"'),
    )
    text = render(manifest(odd), "nginx")
    assert 'location = "/café au lait.html" {' in text
    blocks = _locations(text)
    assert blocks["/café au lait.html"] == [
        ["add_header", "Link", "</a%24b.css>; rel=preload; as=style"],
        ["add_header", "Link", '</p.css>; rel=preload; as=style; media="x \\"y\\""'],
    ]
    assert "$" not in text.split("$http3;")[-1]


def test_comments_on_push_and_early_hints() -> None:
    text = render(manifest(HOME), "nginx")
    assert "#     http2_push_preload on;" in text
    assert "#     early_hints $http2$http3;" in text
    assert _locations(render(manifest(EMPTY), "nginx")) == {}


def _pcre(regex: str) -> re.Pattern[str]:
    """A location regex as Python's re reads it (``\\z`` is its ``\\Z``); matched against the
    decoded URI's bytes read as Latin-1, as PCRE without UTF mode reads them."""
    return re.compile(regex.replace("\\z", "\\Z"))


def test_any_file_name_gets_a_location() -> None:
    pages = [
        page("new%0Aline.html", res("/1.css", "style")),
        page("p%FF.html", res("/2.css", "style")),
        page("d%FF/index.html", res("/3.css", "style")),
        page("cost$/index.html", res("/4.css", "style")),
        page("ctl%01.html", res("/5.css", "style")),
        page("back%5Cslash.html", res("/6.css", "style")),
    ]
    text = render(manifest(*pages), "nginx")
    assert "# new%0Aline.html\n" in text
    blocks = _locations(text)
    assert list(blocks) == [
        "/new\nline.html",
        "~^(?:/p\\xff\\.html)\\z",
        "~^(/d\\xff/)\\z",
        "~^(?:/d\\xff/index\\.html)\\z",
        "~^(/cost\\$/)\\z",
        "/cost$/index.html",
        "~^(?:/ctl\\x01\\.html)\\z",
        "/back\\slash.html",
    ]
    assert blocks["~^(/d\\xff/)\\z"][0] == ["try_files", "$1index.html", "=404"]
    assert blocks["~^(/cost\\$/)\\z"][0] == ["try_files", "$1index.html", "=404"]
    assert blocks["/new\nline.html"] == [["add_header", "Link", "</1.css>; rel=preload; as=style"]]
    assert _pcre("^(?:/p\\xff\\.html)\\z").match("/p\xff.html")
    assert not _pcre("^(?:/p\\xff\\.html)\\z").match("/p\xff.html\n")
    assert _pcre("^(/d\\xff/)\\z").match("/d\xff/")


def test_extensionless_routes_of_names_nginx_cannot_write() -> None:
    options = WriterOptions(routes=Routes.EXTENSIONLESS)
    blocks = _locations(
        render(manifest(page("p%FF.html", res("/a.css", "style"))), "nginx", options)
    )
    assert blocks == {
        "~^(/p\\xff)\\z": [
            ["try_files", "$1.html", "=404"],
            ["add_header", "Link", "</a.css>; rel=preload; as=style"],
        ]
    }
