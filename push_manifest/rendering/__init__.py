"""The render model: which CSS images and web fonts a page makes a browser fetch at load.

A browser fetches a stylesheet's ``url()`` only where the declaration holding it wins the
cascade on an element it renders, and a web font only for characters that rendered text
needs from it. Layers, from the page's parsed tree and its stylesheets' rules up:

- :mod:`~push_manifest.rendering.selectors`: which elements a selector matches at load, with
  what specificity;
- :mod:`~push_manifest.scanners.supports`: ``@supports`` against what Chromium supports;
- :mod:`~push_manifest.rendering.values`: computed values of the font properties, ``var()``;
- :mod:`~push_manifest.rendering.declarations`: declarations parsed into the longhands they
  set, and which one wins;
- :mod:`~push_manifest.rendering.rules`: each sheet's rules prepared and indexed once, those that
  may apply on a page collected in cascade order, with their layers;
- :mod:`~push_manifest.rendering.containers`: ``@container`` size queries;
- :mod:`~push_manifest.rendering.walk`: the walk over the page tree: computed values per
  element (inheritance, custom properties, rendering state), the images fetched, the text
  each font renders;
- :mod:`~push_manifest.rendering.cascade`: :func:`~push_manifest.rendering.cascade.render`, which
  puts the rules on the elements they match and runs the walk;
- :mod:`~push_manifest.rendering.fonts`: font matching, ``unicode-range`` and fallback lists:
  the ``@font-face`` sources downloaded.

:func:`render_page` runs them once over a page. Where the model cannot know, it lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from push_manifest.model import Reference, Viewport
from push_manifest.rendering.cascade import Sheet, render
from push_manifest.rendering.fonts import (
    DEFAULT_INSTALLED,
    FaceUse,
    FontFace,
    faces_fetched,
)
from push_manifest.rendering.selectors import PageIndex

__all__ = ["RenderedPage", "Sheet", "render_page"]


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """What a page fetches of what its CSS names: image URLs (absolute) with the reason each
    is fetched, and for each face asked about, whether it is downloaded and why."""

    images: dict[str, str]
    faces: tuple[FaceUse, ...]
    bases: dict[str, str]
    """Each image URL's base: where it was resolved, which need not be where it is written."""


def render_page(
    page: PageIndex,
    sheets: Sequence[Sheet],
    viewport: Viewport,
    *,
    page_base: str,
    faces: Sequence[Reference] = (),
    images: bool = True,
    installed: frozenset[str] = DEFAULT_INSTALLED,
) -> RenderedPage:
    """Run the render model over ``page`` with its ``sheets`` in cascade order, at
    ``viewport``. ``faces``: the page's ``@font-face`` references (``CSS_FONT_FACE``), one
    answer each; ``installed``: the families counted as installed system fonts."""
    rendered = render(page, sheets, viewport, page_base=page_base, fonts=bool(faces),
                      images=images)  # fmt: skip
    font_faces = [_face(ref) for ref in faces]
    if rendered.fonts_unknown:
        uses = tuple(
            FaceUse(True, "an element's font-family cannot be known; listed") for _ in faces
        )
    else:
        uses = faces_fetched(font_faces, rendered.runs, installed)
    return RenderedPage(rendered.images, uses, rendered.bases)


def _face(ref: Reference) -> FontFace:
    local = ref.attr("local")
    return FontFace(
        ref.attr("family") or "",
        ref.attr("weight"),
        ref.attr("style"),
        ref.attr("unicode-range"),
        tuple(local.split("\n")) if local else (),
    )
