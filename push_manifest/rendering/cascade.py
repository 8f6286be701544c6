"""The cascade at load: per element, the winning value of each property that can make a browser
fetch, and what that leaves rendered (CSS Cascade 5, CSS Display 3, CSS Variables 1).

:func:`render` takes a page's tree (:class:`~push_manifest.rendering.selectors.PageIndex`) and
the style rules of the stylesheets it applies, in the order the page applies them
(:class:`Sheet`), and returns the CSS images the page fetches and the text each font renders:

- **Declarations compete per element** (§6: origin and importance, the ``style`` attribute,
  ``@layer`` order, specificity, order of appearance): only the winner's ``url()`` counts. Each
  fetching shorthand sets its longhand (``background`` sets ``background-image``, to none when
  it holds no image); the ``font`` shorthand sets ``font-family``, ``font-weight`` and
  ``font-style``.
- **Rendering**: an element whose ``display`` computes to ``none`` (by an author rule, or by the
  UA style sheet: ``<head>``, ``<template>``, ``[hidden]`` …) renders nothing below it: no CSS
  image, no text. ``visibility`` does not matter. Pseudo-elements render where Chromium
  styles them: ``::before``/``::after`` wherever some ``content`` applies (even ``none``),
  ``::marker`` on list items, ``::placeholder`` on a control with a placeholder,
  ``::file-selector-button`` on a file input, ``::first-letter``/``::first-line`` on an
  element with text; ``::selection``, ``::backdrop`` and highlights never at load; others
  through their element (doubt).
- **Inheritance**: ``list-style-image`` (fetched on list items only), ``cursor``, the font
  properties and custom properties inherit; ``inherit`` takes the parent's value for any
  property.
- **Custom properties**: ``var()`` is substituted with the element's computed custom
  properties, fallbacks included (CSS Variables 1 §3); an unresolvable ``var()`` makes the
  declaration compute to ``unset``. A ``url()`` that arrives through a custom property resolves
  against the stylesheet (or page) whose declaration uses the ``var()``, as Chromium does for
  unregistered properties.
- **Container queries**: an ``@container`` rule applies under a size container of the
  queried name only; its width queries are evaluated where CSS fixes the container's width
  (:mod:`~push_manifest.rendering.containers`); where they may hold, its declarations are
  listed and override nothing.

What cannot be evaluated (a selector ``cssselect`` cannot translate, a page the parser had to
approximate) counts as applying: its images are fetched and its fonts may be needed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from lxml import etree

from push_manifest.model import Viewport
from push_manifest.rendering.declarations import (
    Decl,
    Source,
    parsed_declarations,
)
from push_manifest.rendering.fonts import TextRun
from push_manifest.rendering.rules import (
    Applying,
    Layers,
    Prepared,
    Relevance,
    Sheet,
    collect,
    prepared_rules,
    source_of,
)
from push_manifest.rendering.selectors import (
    PageIndex,
    Specificity,
)
from push_manifest.rendering.walk import (
    Table,
    Walker,
)

__all__ = ["Rendered", "Sheet", "render"]

_NEVER_RENDERED_PSEUDO: Final = frozenset(
    {
        "selection",
        "backdrop",
        "highlight",
        "spelling-error",
        "grammar-error",
        "target-text",
        "search-text",
        "view-transition",
        "view-transition-group",
        "view-transition-image-pair",
        "view-transition-old",
        "view-transition-new",
        "cue",
        "cue-region",
        "details-content",
    }
)
"""Pseudo-elements that no page has at load (selection, top layer, highlights, transitions)."""


@dataclass(slots=True)
class Rendered:
    """What a page renders at load: CSS image URLs (absolute) with the reason each is fetched;
    text per font (:class:`~push_manifest.rendering.fonts.TextRun`); ``fonts_unknown`` when some
    element's fonts could not be known (every face counts)."""

    images: dict[str, str] = field(default_factory=dict)
    runs: tuple[TextRun, ...] = ()
    fonts_unknown: bool = False
    bases: dict[str, str] = field(default_factory=dict)
    """For each image URL, the base URL it was resolved against (a ``url()`` that came
    through ``var()`` resolves against the sheet using it, not the one declaring it)."""


def _registered(sheets: Sequence[Sheet]) -> dict[str, bool]:
    """The custom properties registered with a syntax other than ``*`` (a ``*`` one behaves as
    if unregistered), and whether that syntax takes URLs. Of several ``@property`` rules for
    one name, the last in document order counts (CSS Properties and Values API 1 §3)."""
    last = {rule.name: rule for sheet in sheets for rule in sheet.properties}
    return {name: rule.takes_urls for name, rule in last.items() if rule.syntax.strip() != "*"}


def render(
    page: PageIndex,
    sheets: Sequence[Sheet],
    viewport: Viewport,
    *,
    page_base: str,
    fonts: bool = True,
    images: bool = True,
) -> Rendered:
    """Run the cascade of ``sheets`` over ``page`` at ``viewport`` (see the module docstring).
    ``page_base``: the page's base URL, for ``style`` attributes (resolved as UTF-8, as
    Chromium does). ``fonts``/``images``: whether the caller needs the text runs / the image
    URLs."""
    layers = Layers()
    table = Table()
    applying = collect(page, sheets, viewport, layers)
    styled = [(element, decls) for element, style in _style_attributes(page)
              if (decls := parsed_declarations(style))]  # fmt: skip
    relevant = Relevance(page, applying, [decls for _, decls in styled], images=images,
                         fonts=fonts)  # fmt: skip
    sized = relevant.queried and all(prepared_rules(sheet).sizes for sheet in sheets)
    _place(table, page, applying, relevant, layers)
    source = Source(page_base, "utf-8", None, "a style attribute")
    for element, decls in styled:
        for decl in relevant.kept(decls):
            key = (decl.important, 1, layers.key(None, decl.important), (0, 0, 0), 0)
            table.add(element, None, key, decl, source)
    active = relevant.active
    walker = Walker(page, table, viewport, active, fonts, sized=sized,
                    registered=_registered(sheets))  # fmt: skip
    walker.run()
    walker.add_doubtful()
    return Rendered(walker.images, walker.text_runs(), walker.fonts_unknown, walker.written)


def _place(
    table: Table,
    page: PageIndex,
    applying: list[Applying],
    relevant: Relevance,
    layers: Layers,
) -> None:
    """Put the relevant declarations of each rule on the elements it matches (``@container``
    rules aside, for the walk)."""
    for order, (prepared, _, sheet, path) in enumerate(applying, 1):
        kept = relevant.of_rule(prepared, page.quirks)
        if not kept:
            continue
        complexes = prepared.complexes(page.quirks)
        if prepared.rule.containers:
            _apply_queried(table, page, complexes, kept, source_of(sheet, prepared),
                           prepared.rule.containers)  # fmt: skip
        else:
            _apply(table, page, complexes, kept, (sheet, prepared), layers, path, order)


def _apply(
    table: Table,
    page: PageIndex,
    complexes: tuple[Any, ...],
    decls: tuple[Decl, ...],
    origin: tuple[Sheet, Prepared],
    layers: Layers,
    path: tuple[str, ...] | None,
    order: int,
) -> None:
    source: Source | None = None  # made for the rules that match something
    for complex_ in complexes:
        elements = complex_.elements(page)
        if elements == []:
            continue
        pseudo = complex_.pseudo
        if pseudo in _NEVER_RENDERED_PSEUDO:
            continue
        if source is None:
            source = source_of(*origin)
        if elements is None:
            table.doubtful.extend((decl, source) for decl in decls)
            for decl in decls:
                if decl.name.startswith("--"):
                    table.custom.setdefault(decl.name, []).append((decl, source))
            continue
        specificity: Specificity = complex_.specificity
        for decl in decls:
            key = (decl.important, 0, layers.key(path, decl.important), specificity, order)
            for element in elements:
                table.add(element, pseudo, key, decl, source)


def _apply_queried(
    table: Table,
    page: PageIndex,
    complexes: tuple[Any, ...],
    decls: tuple[Decl, ...],
    source: Source,
    containers: tuple[str, ...],
) -> None:
    """An ``@container`` rule: its declarations wait for the walk, which knows each matching
    element's query containers (:mod:`~push_manifest.rendering.containers`)."""
    for complex_ in complexes:
        elements = complex_.elements(page)
        if elements is None:
            table.doubtful.extend((decl, source) for decl in decls)
        elif complex_.pseudo not in _NEVER_RENDERED_PSEUDO:
            for element in elements:
                entry = (complex_.pseudo, containers, decls, source)
                table.queried.setdefault(element, []).append(entry)


def _style_attributes(page: PageIndex) -> Iterator[tuple[Any, str]]:
    try:
        found: Any = _STYLED(page.tree)
    except etree.XPathError:
        found = [e for e in page.tree.iter(etree.Element) if e.get("style") is not None]
    for element in found:
        style = element.get("style")
        if style:
            yield element, style


_STYLED: Final = etree.XPath("descendant-or-self::*[@style]")
