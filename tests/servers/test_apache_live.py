"""The generated Apache configuration in a real httpd with mod_http2: HTTP/2 pushes (h2c and
TLS h2) for every manifest entry, 103 Early Hints and final ``Link`` headers as generated.
Whether Chromium acts on the 103 is ``test_early_hints_browser.py``'s part."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from push_manifest.headers import Routes, page_links
from push_manifest.model import PageManifest
from push_manifest.writers import WriterOptions, render

from ..writers.grammar import ParsedLink, parse_link_header
from .harness import Server, apache, curl, nghttp
from .site import HOME, MANIFEST, POST

pytestmark = pytest.mark.server


def _parsed(fields: list[str]) -> list[ParsedLink]:
    return [link for field in fields for link in parse_link_header(field)]


def _expected(page: PageManifest, **options: object) -> tuple[list[str], list[str]]:
    """The final response's Link values and the 103's, as the writer generated them."""
    links = page_links(page, **options).links  # type: ignore[arg-type]
    return [link.final for link in links], [link.hint for link in links if link.hint]


# Chromium drops a link in a 103 that carries any other parameter (README, "Early Hints").
_HINT_PARAMS = {"rel", "as", "type", "crossorigin", "fetchpriority"}


def _bare_preloads(page: PageManifest) -> list[ParsedLink]:
    """What mod_http2 announces in the 103 for each H2PushResource: ``<url>; rel=preload``."""
    return [ParsedLink(r.url, (("rel", "preload"),)) for r in page.resources if r.module]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with apache(render(MANIFEST, "apache")) as running:
        yield running


def _needs_h2_early_hint(server: Server) -> None:
    if server.version < (2, 4, 58):
        pytest.skip(f"H2EarlyHint needs Apache 2.4.58+, this is {server.version}")


@pytest.mark.parametrize(
    ("path", "page"), [("/", HOME), ("/index.html", HOME), ("/blog/post.html", POST)]
)
@pytest.mark.parametrize("scheme", ["h2c", "tls"])
def test_a_push_promise_for_each_manifest_entry(
    server: Server, scheme: str, path: str, page: PageManifest
) -> None:
    pushes = nghttp(getattr(server, scheme) + path)
    expected = sorted(resource.url for resource in page.resources)
    assert sorted(pushes.paths) == expected, pushes.output
    assert pushes.promises == len(expected), pushes.output


@pytest.mark.parametrize("scheme", ["h2c", "tls"])
def test_103_early_hints_then_the_link_headers(server: Server, scheme: str) -> None:
    _needs_h2_early_hint(server)
    exchange = curl(getattr(server, scheme) + "/index.html", prior_knowledge=scheme == "h2c")
    assert [status for status, _ in exchange.responses] == [103, 200]
    final, hints = _expected(HOME)
    assert exchange.links(200) == final
    # mod_http2 puts its H2PushResource announcements first, then the H2EarlyHint values.
    assert _parsed(exchange.links(103)) == _bare_preloads(HOME) + _parsed(hints)
    hinted = {link.target for link in _parsed(hints)}
    assert "/media/captions.vtt" not in hinted  # browsers ignore as=track in a 103
    assert "/img/hero.png" not in hinted  # two srcset candidates: left to the final response
    assert {"/css/app.css", "/fonts/inter.woff2", "/js/main.mjs", "/css/print.css"} <= hinted
    assert all(set(link.names()) <= _HINT_PARAMS for link in _parsed(exchange.links(103)))


def test_103_for_a_directory_index(server: Server) -> None:
    _needs_h2_early_hint(server)
    exchange = curl(server.tls + "/")
    final, hints = _expected(HOME)
    assert exchange.links(200) == final
    # mod_dir's internal subrequest makes mod_http2 list each hint twice: same set of links.
    early = _parsed(exchange.links(103))
    assert {(link.target, link.params) for link in early} == {
        (link.target, link.params) for link in _bare_preloads(HOME) + _parsed(hints)
    }


def test_a_page_without_modules_gets_exactly_its_hints(server: Server) -> None:
    _needs_h2_early_hint(server)
    exchange = curl(server.tls + "/blog/post.html")
    final, hints = _expected(POST)
    assert exchange.links(200) == final
    assert _parsed(exchange.links(103)) == _parsed(hints)
    assert exchange.links(200)[1] == (
        '</fonts/inter.woff2>; rel=preload; as=font; type="font/woff2"; crossorigin'
    )


def test_nopush_preloads_without_pushing() -> None:
    options = WriterOptions(nopush=True)
    with apache(render(MANIFEST, "apache", options)) as server:
        pushes = nghttp(server.h2c + "/index.html")
        assert pushes.promises == 0 and pushes.paths == (), pushes.output
        exchange = curl(server.tls + "/index.html")
        final, hints = _expected(HOME, nopush=True)
        assert exchange.links(200) == final
        assert all(value.endswith("; nopush") for value in final)
        if server.version >= (2, 4, 58):
            # The same 103 as without --nopush: a link that says nopush there is dropped by
            # Chromium. H2Push off, not nopush, keeps mod_http2 from pushing its links.
            assert hints == _expected(HOME)[1]
            assert _parsed(exchange.links(103)) == _parsed(hints)


def test_extensionless_routes_with_multiviews() -> None:
    options = WriterOptions(routes=Routes.EXTENSIONLESS)
    with apache(render(MANIFEST, "apache", options), multiviews=True) as server:
        pushes = nghttp(server.h2c + "/blog/post")
        assert sorted(pushes.paths) == sorted(r.url for r in POST.resources), pushes.output
        final, _ = _expected(POST, routes=Routes.EXTENSIONLESS)
        assert curl(server.tls + "/blog/post").links(200) == final
