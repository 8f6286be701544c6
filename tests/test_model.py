"""Results cross process boundaries and go into the cache as pickles of their values."""

from __future__ import annotations

import pickle

from push_manifest.cache import Snapshot, pack, unpack
from push_manifest.model import (
    CrawlWarning,
    Destination,
    Kind,
    PageManifest,
    Reference,
    Resource,
    StyleRule,
    Viewport,
    WarningCode,
)


def test_results_pickle_as_their_values_and_come_back_equal() -> None:
    resource = Resource("/a.css", Destination.STYLE, 256, kind=Kind.HTML_STYLESHEET)
    values = [
        resource,
        PageManifest("index.html", "/index.html", (resource,), (("/b.png", "why"),)),
        Reference("a.css", Kind.HTML_STYLESHEET, line=3, attrs=(("media", "print"),)),
        CrawlWarning(WarningCode.MISSING, "index.html", "gone", reference="x", line=2),
        StyleRule(".a", "font-weight: 700; --f: url(x.png)", ("screen",), ("base", "top")),
        Snapshot("file", 10, 20, "digest"),
        Viewport(800, 600, 2.0),
    ]
    for value in values:
        function, args = value.__reduce__()
        assert function is type(value) or args[0] is type(value)
        assert pickle.loads(pickle.dumps(value, protocol=5)) == value


def test_unpickled_resources_of_different_pages_share_their_strings() -> None:
    def unpickled() -> Resource:
        resource = Resource(
            "".join(["/img/", "photo.jpg"]), Destination.IMAGE, 96, image_srcset="/a.jpg 1x",
            kind=Kind.HTML_IMG, referrer="".join(["/", "index.html"]),
        )  # fmt: skip
        copy = pickle.loads(pickle.dumps(resource, protocol=5))
        assert copy == resource
        return copy

    first, second = unpickled(), unpickled()
    assert first.url is second.url
    assert first.image_srcset is second.image_srcset
    assert first.referrer is second.referrer


def test_a_packed_result_comes_back_equal_and_smaller_than_its_pickle() -> None:
    resources = tuple(
        Resource(f"/img/photo-{n}.jpg", Destination.IMAGE, 96, kind=Kind.HTML_IMG)
        for n in range(50)
    )
    manifest = PageManifest("index.html", "/index.html", resources, ())
    packed = pack(manifest)
    assert unpack(packed) == manifest
    assert len(packed) < len(pickle.dumps(manifest, protocol=5)) / 3
