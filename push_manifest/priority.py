"""Weights: how early the browser needs a resource to render the page (SPEC §5).

HTTP/2 weights run 1..256; higher means sooner. The table is monotone in criticality, and a
resource found through another document never weighs more than that document (:func:`cap`).
"""

from __future__ import annotations

from enum import IntEnum

from push_manifest.classify import Fetch
from push_manifest.model import Destination, Kind, Reference


class Weight(IntEnum):
    """The weight table, highest first. The README documents it."""

    HEAD_STYLESHEET = 256
    """``<link rel=stylesheet>`` in ``<head>`` whose media matches, and its ``@import``s."""
    HTML_IMPORT = 248
    """``<link rel=import>`` documents (render-blocking in ``<head>``)."""
    HEAD_SCRIPT = 232
    """Synchronous classic ``<script src>`` in ``<head>`` (blocks the parser)."""
    FONT = 220
    """``@font-face`` sources used by the stylesheets above."""
    BODY_STYLESHEET = 212
    """``<link rel=stylesheet>`` in ``<body>`` (blocks rendering of what follows it)."""
    PRELOAD = 204
    """Explicit ``<link rel=preload>`` / ``modulepreload``."""
    BODY_SCRIPT = 200
    """Synchronous classic ``<script src>`` in ``<body>``."""
    DEFERRED_SCRIPT = 180
    """``defer``, ``async`` and module scripts, and their static imports."""
    HIGH_PRIORITY_IMAGE = 160
    """An image with ``fetchpriority=high`` (typically the largest contentful paint)."""
    IMAGE = 128
    """Images in the document: ``<img>``, ``<picture>``, ``<input type=image>``, posters, SVG."""
    CSS_IMAGE = 112
    """``url()`` and ``image-set()`` images from stylesheets and ``style`` attributes."""
    TRACK = 96
    """``<track>`` text tracks."""
    LOW_PRIORITY_IMAGE = 64
    """An image with ``fetchpriority=low``."""
    EMBEDDED = 48
    """``<iframe>`` documents and what they load, ``<object data>`` and ``<embed src>``:
    fetched with the page, needed after its own images."""
    UNMATCHED_MEDIA = 32
    """A stylesheet whose media does not match the viewport (downloaded, not render-blocking)."""
    LAZY_IMAGE = 16
    """``loading=lazy`` images far from the first viewport, when asked for (those estimated
    near it load at once and weigh as other images)."""
    ICON = 8
    """The one ``<link rel=icon>`` the browser fetches (the scanner chooses it); a ``<track>``
    without ``default``, should one reach weighing (the scanner leaves it out)."""
    NOMODULE = 1
    """A classic ``nomodule`` script: module-capable browsers never fetch it, so
    :func:`~push_manifest.classify.classify` leaves it out; kept for ``Fetch`` values made
    elsewhere."""


_BY_KIND: dict[Kind, Weight] = {
    Kind.HTML_IMPORT: Weight.HTML_IMPORT,
    Kind.HTML_PRELOAD: Weight.PRELOAD,
    Kind.HTML_MODULEPRELOAD: Weight.PRELOAD,
    Kind.HTML_ICON: Weight.ICON,
    Kind.HTML_TRACK: Weight.TRACK,
    Kind.CSS_IMPORT: Weight.HEAD_STYLESHEET,
    Kind.CSS_URL: Weight.CSS_IMAGE,
    Kind.HTML_BACKGROUND: Weight.CSS_IMAGE,
    Kind.HTML_IFRAME: Weight.EMBEDDED,
    Kind.HTML_OBJECT: Weight.EMBEDDED,
    Kind.HTML_EMBED: Weight.EMBEDDED,
    Kind.CSS_IMAGE_SET: Weight.CSS_IMAGE,
    Kind.CSS_FONT_FACE: Weight.FONT,
    Kind.JS_IMPORT: Weight.DEFERRED_SCRIPT,
    Kind.JS_DYNAMIC_IMPORT: Weight.DEFERRED_SCRIPT,
    Kind.JS_WORKER: Weight.DEFERRED_SCRIPT,
    Kind.JS_URL: Weight.DEFERRED_SCRIPT,
}
_IMAGE_KINDS = frozenset(
    {Kind.HTML_IMG, Kind.HTML_INPUT_IMAGE, Kind.HTML_VIDEO_POSTER, Kind.HTML_SVG_IMAGE,
     Kind.HTML_SVG_USE}
)  # fmt: skip


def weigh(ref: Reference, fetch: Fetch, *, media_matches: bool = True) -> int:
    """The weight of ``ref`` on its own, before capping by the document it was found in."""
    if ref.kind is Kind.HTML_STYLESHEET:
        if not media_matches:
            return Weight.UNMATCHED_MEDIA
        return Weight.HEAD_STYLESHEET if ref.in_head else Weight.BODY_STYLESHEET
    if ref.kind is Kind.CSS_IMPORT and not media_matches:
        return Weight.UNMATCHED_MEDIA
    if ref.kind is Kind.HTML_SCRIPT:
        return _script_weight(ref, fetch)
    if ref.kind in _IMAGE_KINDS:
        return _image_weight(ref)
    if ref.kind is Kind.HTML_TRACK and not ref.has("default"):
        return Weight.ICON
    return _BY_KIND.get(
        ref.kind, Weight.IMAGE if fetch.type is Destination.IMAGE else Weight.PRELOAD
    )


def _script_weight(ref: Reference, fetch: Fetch) -> int:
    if fetch.nomodule:
        return Weight.NOMODULE
    if fetch.module or ref.has("async") or ref.has("defer"):
        return Weight.DEFERRED_SCRIPT
    return Weight.HEAD_SCRIPT if ref.in_head else Weight.BODY_SCRIPT


def _image_weight(ref: Reference) -> int:
    if (ref.attr("loading") or "").strip().lower() == "lazy" and ref.attr(
        "near-viewport"
    ) != "true":
        return Weight.LAZY_IMAGE
    priority = (ref.attr("fetchpriority") or "").strip().lower()
    if priority == "high":
        return Weight.HIGH_PRIORITY_IMAGE
    if priority == "low":
        return Weight.LOW_PRIORITY_IMAGE
    return Weight.IMAGE


def cap(weight: int, parent: int) -> int:
    """Deeper discovery never raises a weight: a reference weighs at most its document."""
    return min(weight, parent)
