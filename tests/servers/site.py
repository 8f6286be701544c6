"""The manifest of ``fixtures/servers-site``, written by hand so that the server tests do not
depend on the crawler: what a browser loads for each page, with the crawler's weights."""

from __future__ import annotations

from pathlib import Path

from push_manifest.model import CrossOrigin, Destination, Manifest, PageManifest, Resource

SITE = Path(__file__).resolve().parents[2] / "fixtures" / "servers-site"

ANON = CrossOrigin.ANONYMOUS

HOME = PageManifest(
    key="index.html",
    url="/index.html",
    resources=(
        Resource("/css/app.css", Destination.STYLE, 256),
        Resource("/js/app.js", Destination.SCRIPT, 232),
        Resource("/fonts/inter.woff2", Destination.FONT, 220, crossorigin=ANON),
        Resource("/data/config.json", Destination.FETCH, 204, crossorigin=ANON),
        Resource("/js/main.mjs", Destination.SCRIPT, 180, crossorigin=ANON, module=True),
        Resource("/js/answer.mjs", Destination.SCRIPT, 176, crossorigin=ANON, module=True),
        Resource(
            "/img/hero.png",
            Destination.IMAGE,
            128,
            image_srcset="/img/hero.png 1x, /img/hero-2x.png 2x",
        ),
        Resource("/img/bg.png", Destination.IMAGE, 112),
        Resource("/media/captions.vtt", Destination.TRACK, 96),
        Resource("/css/print.css", Destination.STYLE, 32, media="print"),
    ),
)

POST = PageManifest(
    key="blog/post.html",
    url="/blog/post.html",
    resources=(
        Resource("/css/app.css", Destination.STYLE, 256),
        Resource("/fonts/inter.woff2", Destination.FONT, 220, crossorigin=ANON),
        Resource("/blog/photo.png", Destination.IMAGE, 128),
        Resource("/img/bg.png", Destination.IMAGE, 112),
    ),
)

MANIFEST = Manifest(pages=(HOME, POST))
