"""The generated nginx configuration in a real nginx: ``nginx -t`` accepts it and every route
of every page is served with the generated ``Link`` headers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from push_manifest.headers import Routes, page_links
from push_manifest.model import PageManifest
from push_manifest.writers import WriterOptions, render

from .harness import Server, curl, nghttp, nginx, nginx_conf, nginx_test, workdir
from .site import HOME, MANIFEST, POST

pytestmark = pytest.mark.server


def _values(page: PageManifest, **options: object) -> list[str]:
    return [link.value for link in page_links(page, **options).links]  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with nginx(render(MANIFEST, "nginx")) as running:
        yield running


@pytest.mark.parametrize(
    "options",
    [WriterOptions(), WriterOptions(routes=Routes.EXTENSIONLESS, nopush=True, early_hints=True)],
)
def test_nginx_t_accepts_the_generated_config(options: WriterOptions) -> None:
    with workdir("pm-nginx-t-") as base:
        conf = nginx_conf(base, 8, render(MANIFEST, "nginx", options))
        assert "syntax is ok" in nginx_test(base, conf)


@pytest.mark.parametrize(
    ("path", "page"), [("/", HOME), ("/index.html", HOME), ("/blog/post.html", POST)]
)
def test_each_route_gets_its_link_headers(server: Server, path: str, page: PageManifest) -> None:
    exchange = curl(server.h2c + path, prior_knowledge=True)
    assert [status for status, _ in exchange.responses] == [200]
    assert exchange.links(200) == _values(page)


def test_a_route_outside_the_manifest_gets_none(server: Server) -> None:
    exchange = curl(server.h2c + "/css/app.css", prior_knowledge=True)
    assert exchange.links(200) == []


def test_http2_push_preload_pushes_the_preloads(server: Server) -> None:
    if server.version >= (1, 25, 1):
        pytest.skip(f"nginx {server.version} has no HTTP/2 push (removed in 1.25.1)")
    pushes = nghttp(server.h2c + "/index.html")
    # nginx pushes rel=preload links; modulepreload is not one.
    expected = sorted(r.url for r in HOME.resources if not r.module)
    assert sorted(pushes.paths) == expected, pushes.output


def test_extensionless_routes_serve_the_page_with_its_headers() -> None:
    options = WriterOptions(routes=Routes.EXTENSIONLESS, nopush=True)
    with nginx(render(MANIFEST, "nginx", options)) as server:
        for path, page in (("/", HOME), ("/blog/post", POST)):
            exchange = curl(server.h2c + path, prior_knowledge=True)
            assert exchange.links(200) == _values(page, nopush=True), path
        if server.version < (1, 25, 1):
            assert nghttp(server.h2c + "/blog/post").promises == 0
