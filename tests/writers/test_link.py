"""--format link: one Link field value per page."""

from __future__ import annotations

from push_manifest.headers import link_value
from push_manifest.writers import WriterOptions, render

from .factories import EMPTY, HOME, POST, manifest, page, res
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


def test_nopush() -> None:
    links = parse_link_header(render(manifest(HOME), "link", WriterOptions(nopush=True)).strip())
    assert all(link.get("nopush") == "" for link in links)


def test_early_hints_is_the_value_chromium_acts_on_in_a_103() -> None:
    # What users paste into a server or CDN that sends 103: Chromium drops a 103 link with
    # nopush, media, imagesrcset or imagesizes, so none is there, --nopush or not.
    site = manifest(
        page(
            "index.html",
            *HOME.resources,
            res("/css/print.css", "style", 32, media="print"),
            res("/css/wide.css", "style", 30, media="(min-width: 40em)"),
        )
    )
    for nopush in (False, True):
        text = render(site, "link", WriterOptions(early_hints=True, nopush=nopush))
        (line,) = text.splitlines()
        assert line == ", ".join(
            [
                "</css/app.css>; rel=preload; as=style",
                "</js/app.js>; rel=preload; as=script",
                '</fonts/inter.woff2>; rel=preload; as=font; type="font/woff2"; crossorigin',
                "</js/main.mjs>; rel=modulepreload",
                "</css/print.css>; rel=preload; as=style; fetchpriority=low",
                "</css/wide.css>; rel=preload; as=style",
            ]
        )
        for link in parse_link_header(line):
            assert set(link.names()) <= {"rel", "as", "type", "crossorigin", "fetchpriority"}


def test_a_page_without_links_writes_nothing() -> None:
    assert render(manifest(EMPTY), "link") == ""


def test_nomodule_scripts_get_no_preload_header() -> None:
    from push_manifest.headers import link
    from push_manifest.model import Destination, Resource

    legacy = Resource("/js/legacy.js", Destination.SCRIPT, 1, nomodule=True)
    assert link(legacy) is None
    assert link(Resource("/js/app.js", Destination.SCRIPT, 200)) is not None
