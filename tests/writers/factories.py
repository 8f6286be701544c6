"""Small builders for manifests in writer tests: the crawler is not needed to test writers."""

from __future__ import annotations

from push_manifest.model import CrossOrigin, Destination, Manifest, PageManifest, Resource


def res(
    url: str,
    type_: Destination | str,
    weight: int = 100,
    *,
    crossorigin: CrossOrigin | None = None,
    module: bool = False,
    media: str = "",
    srcset: str = "",
    sizes: str = "",
) -> Resource:
    return Resource(
        url=url,
        type=Destination(type_),
        weight=weight,
        crossorigin=crossorigin,
        module=module,
        media=media,
        image_srcset=srcset,
        image_sizes=sizes,
    )


def page(key: str, *resources: Resource) -> PageManifest:
    return PageManifest(key=key, url="/" + key, resources=resources)


def manifest(*pages: PageManifest, single: bool | None = None) -> Manifest:
    return Manifest(pages=pages, single=len(pages) == 1 if single is None else single)


HOME = page(
    "index.html",
    res("/css/app.css", "style", 256),
    res("/js/app.js", "script", 232),
    res("/fonts/inter.woff2", "font", 220, crossorigin=CrossOrigin.ANONYMOUS),
    res("/js/main.mjs", "script", 180, crossorigin=CrossOrigin.ANONYMOUS, module=True),
    res("/img/hero.png", "image", 128, srcset="/img/hero.png 1x, /img/hero-2x.png 2x"),
    res("/media/captions.vtt", "track", 96),
    res("/html/import.html", "document", 90),
)
POST = page(
    "blog/post.html",
    res("/css/app.css", "style", 256),
    res("/blog/photo.png", "image", 128),
)
EMPTY = page("about.html")
