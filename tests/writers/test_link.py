"""--format link: one Link field value per page."""

from __future__ import annotations

from push_manifest.headers import link_value
from push_manifest.writers import WriterOptions, render

from .factories import EMPTY, HOME, POST, manifest
from .grammar import parse_link_header


def test_single_page_is_the_bare_field_value() -> None:
    text = render(manifest(HOME), "link")
    (line,) = text.splitlines()
    expected = [v for r in HOME.resources if (v := link_value(r))]
    assert line == ", ".join(expected)
    assert [link.target for link in parse_link_header(line)] == [
        "/css/app.css",
        "/js/app.js",
        "/fonts/inter.woff2",
        "/js/main.mjs",
        "/img/hero.png",
        "/media/captions.vtt",
    ]


def test_several_pages_one_line_each_with_their_path() -> None:
    text = render(manifest(HOME, EMPTY, POST), "link")
    lines = text.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["/index.html", "/blog/post.html"]
    assert lines[1].split("\t")[1] == (
        "</css/app.css>; rel=preload; as=style, </blog/photo.png>; rel=preload; as=image"
    )


def test_early_hints_and_nopush() -> None:
    text = render(manifest(HOME), "link", WriterOptions(early_hints=True, nopush=True))
    links = parse_link_header(text.strip())
    assert "/media/captions.vtt" not in [link.target for link in links]
    assert all(link.get("nopush") == "" for link in links)


def test_a_page_without_links_writes_nothing() -> None:
    assert render(manifest(EMPTY), "link") == ""


def test_nomodule_scripts_get_no_preload_header() -> None:
    from push_manifest.headers import link
    from push_manifest.model import Destination, Resource

    legacy = Resource("/js/legacy.js", Destination.SCRIPT, 1, nomodule=True)
    assert link(legacy) is None
    assert link(Resource("/js/app.js", Destination.SCRIPT, 200)) is not None
