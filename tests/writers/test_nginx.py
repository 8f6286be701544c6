"""--format nginx: location blocks read back the way nginx tokenises its configuration."""

from __future__ import annotations

import re

from push_manifest.headers import Routes, link_value
from push_manifest.writers import WriterOptions, render

from .factories import EMPTY, HOME, POST, manifest, page, res


def _tokens(text: str) -> list[str]:
    """nginx tokens: quoted strings (backslash escapes the next character), words, ; { }."""
    tokens = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            continue
        for match in re.finditer(r'"((?:\\.|[^"\\])*)"|([;{}])|([^\s;{}"]+)', line):
            quoted, punct, word = match.groups()
            if quoted is not None:
                tokens.append(re.sub(r"\\(.)", r"\1", quoted))
            else:
                tokens.append(punct or word)
    return tokens


def _locations(text: str) -> dict[str, list[list[str]]]:
    tokens = _tokens(text)
    blocks: dict[str, list[list[str]]] = {}
    index = 0
    while index < len(tokens):
        assert tokens[index : index + 2] == ["location", "="], tokens[index:]
        path, brace = tokens[index + 2 : index + 4]
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
