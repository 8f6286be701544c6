"""Link values holding a quote, a backslash (before ``n`` too) and ``%`` reach the client
unchanged through a real Apache (ap_getword_conf, then mod_headers' own escapes) and nginx."""

from __future__ import annotations

import pytest

from push_manifest.headers import link_value
from push_manifest.model import Destination, Manifest, PageManifest, Resource
from push_manifest.writers import render

from .harness import apache, curl, nginx

pytestmark = pytest.mark.server

PAGE = PageManifest(
    key="index.html",
    url="/index.html",
    resources=(
        Resource("/css/app.css", Destination.STYLE, 256, media='screen and (x: "a\\nb\\\\c") 5%'),
        Resource("/data/config.json?q=%25", Destination.FETCH, 204),
    ),
)
EXPECTED = [value for resource in PAGE.resources if (value := link_value(resource))]


def test_values_are_what_the_writer_made() -> None:
    assert EXPECTED == [
        '</css/app.css>; rel=preload; as=style; media="screen and (x: \\"a\\\\nb\\\\\\\\c\\") 5%"',
        "</data/config.json?q=%25>; rel=preload; as=fetch; crossorigin",
    ]


def test_apache_sends_them_unchanged() -> None:

    with apache(render(Manifest((PAGE,)), "apache")) as server:
        assert curl(server.h2c + "/index.html", prior_knowledge=True).links(200) == EXPECTED


def test_nginx_sends_them_unchanged() -> None:

    with nginx(render(Manifest((PAGE,)), "nginx")) as server:
        assert curl(server.h2c + "/index.html", prior_knowledge=True).links(200) == EXPECTED
