"""The cascade at load: per element, the winning value of each property that can make a browser
fetch, and what that leaves rendered (CSS Cascade 5, CSS Display 3, CSS Variables 1).

:func:`render` takes a page's tree (:class:`~push_manifest.render.selectors.PageIndex`) and
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
  (:mod:`~push_manifest.render.containers`); where they may hold, its declarations are
  listed and override nothing.

What cannot be evaluated (a selector ``cssselect`` cannot translate, a page the parser had to
approximate) counts as applying: its images are fetched and its fonts may be needed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final, cast

import tinycss2
from lxml import etree

from push_manifest.media import media_matches
from push_manifest.model import StyleRule, Viewport
from push_manifest.render.containers import (
    Container,
    container_names,
    content_width,
    holds,
    size_container,
)
from push_manifest.render.fonts import TextRun
from push_manifest.render.selectors import (
    Hints,
    PageIndex,
    SelectorMatcher,
    Specificity,
    selector_hints,
)
from push_manifest.render.values import (
    SYSTEM,
    font_families,
    font_shorthand,
    font_style,
    font_weight,
    substitute,
    var_names,
)
from push_manifest.scanners.css import ANY_VIEWPORT, parse_declarations, value_urls
from push_manifest.scanners.reduce import FETCHING_PROPERTIES
from push_manifest.syntax import split_commas, text
from push_manifest.urls import resolve

__all__ = ["Rendered", "Sheet", "render"]

Node = Any

_MATCHER: Final = SelectorMatcher()
_INHERITED_SLOTS: Final = frozenset({"list-style-image", "cursor"})
_FONT_SLOTS: Final = ("font-family", "font-weight", "font-style")
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
_UA_HIDDEN: Final = frozenset(
    {
        "head",
        "script",
        "style",
        "template",
        "title",
        "meta",
        "link",
        "base",
        "noscript",
        "noembed",
        "noframes",
        "param",
        "rp",
        "area",
        "datalist",
        "dialog",
    }
)
"""Elements Chromium's UA style sheet gives ``display: none`` (WHATWG HTML §15.3.1, with
``<noscript>`` under scripting and ``dialog:not([open])``)."""
_UA_BOLDER: Final = frozenset({"b", "strong", "optgroup"})
_UA_BOLD: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "th"})
_UA_ITALIC: Final = frozenset({"i", "em", "cite", "var", "dfn", "address"})
_UA_MONOSPACE: Final = frozenset(
    {"code", "kbd", "pre", "samp", "tt", "listing", "xmp", "plaintext"}
)
_CONTROLS: Final = frozenset({"input", "button", "select", "textarea"})
"""Form controls: the UA style sheet gives them a system font (not inherited)."""
_UA_FONT_TAGS: Final = _UA_BOLDER | _UA_BOLD | _UA_ITALIC | _UA_MONOSPACE | _CONTROLS
_INF: Final = float("inf")


@dataclass(frozen=True, slots=True)
class Sheet:
    """A stylesheet as a page applies it: its rules, the URL its ``url()``s resolve against
    (``base``, in ``encoding``), the media it applies under (``<link media>``, ``@import``
    conditions) and the layer ``@import … layer()`` put it in (None: unlayered)."""

    rules: tuple[StyleRule, ...]
    base: str
    encoding: str = "utf-8"
    media: tuple[str, ...] = ()
    layer: tuple[str, ...] | None = None
    name: str = ""
    """How explanations name it (its root-relative path)."""


@dataclass(slots=True)
class Rendered:
    """What a page renders at load: CSS image URLs (absolute) with the reason each is fetched;
    text per font (:class:`~push_manifest.render.fonts.TextRun`); ``fonts_unknown`` when some
    element's fonts could not be known (every face counts)."""

    images: dict[str, str] = field(default_factory=dict)
    runs: tuple[TextRun, ...] = ()
    fonts_unknown: bool = False
    bases: dict[str, str] = field(default_factory=dict)
    """For each image URL, the base URL it was resolved against (a ``url()`` that came
    through ``var()`` resolves against the sheet using it, not the one declaring it)."""


@dataclass(frozen=True, slots=True)
class _Decl:
    slot: str
    """The longhand it sets (``background`` sets ``background-image``), or the custom
    property's name."""
    name: str
    tokens: tuple[Node, ...]
    important: bool
    fetches: bool
    """Holds a ``url()`` or ``image-set()``, or a ``var()`` that may bring one."""
    vars: frozenset[str]
    none: bool = False
    """The value is the keyword ``none``."""


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a declaration comes from: the sheet's base URL and encoding, and for
    explanations the selector and sheet."""

    base: str
    encoding: str
    selector: str | None = None
    sheet: str = ""

    @property
    def where(self) -> str:
        if self.selector is None:
            return self.sheet
        return f"{self.selector!r} in {self.sheet}"


_Key = tuple[Any, ...]
_Queried = tuple[str | None, tuple[str, ...], tuple[_Decl, ...], _Source]
"""An ``@container`` rule's declarations for an element: the pseudo-element (None: the
element), the container preludes, the declarations and their source."""
_Candidate = tuple[_Key, _Decl, _Source]


@lru_cache(maxsize=65536)
def _declarations(declarations: str) -> tuple[_Decl, ...]:
    """A rule's declarations (:attr:`StyleRule.declarations`), parsed once per process."""
    found: list[_Decl] = []
    for node in parse_declarations(declarations):
        name = node.name if node.name.startswith("--") else node.lower_name
        tokens = tuple(node.value)
        names = frozenset(var_names(tokens))
        if name.startswith("--"):
            found.append(_Decl(name, name, tokens, node.important, False, names))
        elif name == "font":
            for slot in _FONT_SLOTS:
                found.append(_Decl(slot, name, tokens, node.important, False, names))
        elif name == "container":
            # container: <name>+ [/ <type>]? (CSS Conditional 5 §9.3)
            slash = next((i for i, t in enumerate(tokens) if t.type == "literal"
                          and t.value == "/"), len(tokens))  # fmt: skip
            kind = tokens[slash + 1 :] or _NORMAL
            found.append(
                _Decl("container-name", name, tokens[:slash], node.important, False, names)
            )
            found.append(_Decl("container-type", name, kind, node.important, False, names))
        elif name in _SIZE_SLOTS or name in ("container-type", "container-name"):
            slot = _SIZE_SLOTS.get(name, name)
            found.append(_Decl(slot, name, tokens, node.important, False, names))
        elif name in ("font-family", "font-weight", "font-style", "display"):
            none = _keyword(tokens) == "none"
            found.append(_Decl(name, name, tokens, node.important, False, names, none))
        else:
            if name in _IMAGE_LONGHANDS and not names and not _valid_image_list(tokens):
                continue  # invalid: dropped at parse time, the cascade never sees it
            fetches = bool(names) or next(value_urls(tokens, ANY_VIEWPORT), None) is not None
            slot = FETCHING_PROPERTIES.get(name, name)
            found.append(_Decl(slot, name, tokens, node.important, fetches, names))
    return tuple(found)


_NORMAL: Final = tuple(tinycss2.parse_component_value_list("normal"))
_SIZE_SLOTS: Final = {
    "width": "width",
    "inline-size": "width",
    "min-width": "min-width",
    "min-inline-size": "min-width",
    "max-width": "max-width",
    "max-inline-size": "max-width",
    "box-sizing": "box-sizing",
}
"""What sizes a query container, by longhand (logical ones as in a horizontal writing mode)."""
_CONTAINER_SLOTS: Final = frozenset({"container-type", "container-name", *_SIZE_SLOTS.values()})
_IMAGE_LONGHANDS: Final = frozenset(
    {"background-image", "mask-image", "-webkit-mask-image", "list-style-image",
     "border-image-source", "mask-border-source"}
)  # fmt: skip


def _valid_image_list(tokens: Sequence[Node]) -> bool:
    """``<image>#`` or a single keyword, roughly: each comma-separated item is one token
    (``url(a.png) bogus`` is invalid, and browsers drop the declaration)."""
    for item in split_commas(tokens):
        if len([t for t in item if t.type not in ("whitespace", "comment")]) != 1:
            return False
    return True


class _Layers:
    """Cascade layer order (CSS Cascade 5 §6.4.3): each name ranks among its siblings by first
    appearance; a key sorts declarations by layer, unlayered last (strongest) for normal ones
    and the order reversed for ``!important`` ones."""

    def __init__(self) -> None:
        self._ranks: dict[tuple[str, ...], int] = {}
        self._counts: dict[tuple[str, ...], int] = {}
        self._keys: dict[tuple[tuple[str, ...] | None, bool], tuple[float, ...]] = {}

    def register(self, path: tuple[str, ...]) -> None:
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in self._ranks:
                parent = prefix[:-1]
                self._ranks[prefix] = self._counts.get(parent, 0)
                self._counts[parent] = self._ranks[prefix] + 1

    def key(self, path: tuple[str, ...] | None, important: bool) -> tuple[float, ...]:
        found = self._keys.get((path, important))
        if found is None:
            if path is None:
                ranks: tuple[float, ...] = (_INF,)
            else:
                self.register(path)
                ranks = (*(self._ranks[path[:d]] for d in range(1, len(path) + 1)), _INF)
            found = tuple(-rank for rank in ranks) if important else ranks
            self._keys[(path, important)] = found
        return found


class _Table:
    """The declarations that apply, per element and pseudo-element, per longhand."""

    def __init__(self) -> None:
        self.by_target: dict[Any, dict[str | None, dict[str, list[_Candidate]]]] = {}
        self.doubtful: list[tuple[_Decl, _Source]] = []
        self.custom: dict[str, list[tuple[_Decl, _Source]]] = {}
        """Every custom property declaration, by name, for doubtful ``var()`` uses."""
        self.queried: dict[Any, list[_Queried]] = {}
        """Per element: the declarations of ``@container`` rules matching it or one of its
        pseudo-elements, with their container preludes."""

    def add(
        self, element: Any, pseudo: str | None, key: _Key, decl: _Decl, source: _Source
    ) -> None:
        slots = self.by_target.setdefault(element, {}).setdefault(pseudo, {})
        slots.setdefault(decl.slot, []).append((key, decl, source))
        if decl.name.startswith("--"):
            self.custom.setdefault(decl.name, []).append((decl, source))


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
    layers = _Layers()
    table = _Table()
    applying = _collect(page, sheets, viewport, layers)
    styled = [(element, decls) for element, style in _style_attributes(page)
              if (decls := _declarations(style))]  # fmt: skip
    relevant = _Relevance(page, [decls for _, decls, _, _ in applying]
                          + [decls for _, decls in styled], images=images, fonts=fonts)  # fmt: skip
    if any(prepared.marker for prepared, _, _, _ in applying):
        relevant.display_all = True  # display decides which elements have a ::marker
    queried = any(prepared.rule.containers for prepared, _, _, _ in applying)
    if queried:
        relevant.wanted |= _CONTAINER_SLOTS  # what makes and sizes query containers
        relevant.display_all = True  # and whether a box is one
    sized = queried and all(_prepared(sheet.rules).sizes for sheet in sheets)
    _place(table, page, applying, relevant, layers)
    source = _Source(page_base, "utf-8", None, "a style attribute")
    for element, decls in styled:
        for decl in relevant.kept(decls):
            key = (decl.important, 1, layers.key(None, decl.important), (0, 0, 0), 0)
            table.add(element, None, key, decl, source)
    active = relevant.active
    walker = _Walker(page, table, viewport, active, fonts, sized=sized)
    walker.run()
    walker.add_doubtful()
    return Rendered(walker.images, walker.text_runs(), walker.fonts_unknown, walker.written)


_Applying = tuple["_Prepared", tuple[_Decl, ...], Sheet, tuple[str, ...] | None]
"""A rule that may apply on the page: prepared, its declarations, its sheet, its layer path."""


def _collect(
    page: PageIndex, sheets: Sequence[Sheet], viewport: Viewport, layers: _Layers
) -> list[_Applying]:
    """The rules of ``sheets`` that may apply on ``page`` at ``viewport``, in cascade order
    (their ``@media`` holds, their selector needs no class or id the page lacks); every
    layer they name is registered in ``layers``, in order of appearance."""
    applying: list[_Applying] = []
    for number, sheet in enumerate(sheets):
        if sheet.media and not all(media_matches(query, viewport) for query in sheet.media):
            continue
        for prepared in _prepared(sheet.rules).candidates(page, sheet.layer is None):
            if prepared.media and not prepared.applies(viewport):
                continue
            path = None
            if sheet.layer is not None or prepared.rule.layer is not None:
                path = _layer_path(sheet.layer, prepared.rule.layer, number)
                layers.register(path)
            if prepared.rule.selector is not None and page.may_match(prepared.hints):
                decls = prepared.decls
                if decls:
                    applying.append((prepared, decls, sheet, path))
    return applying


def _place(
    table: _Table,
    page: PageIndex,
    applying: list[_Applying],
    relevant: _Relevance,
    layers: _Layers,
) -> None:
    """Put the relevant declarations of each rule on the elements it matches (``@container``
    rules aside, for the walk)."""
    for order, (prepared, decls, sheet, path) in enumerate(applying, 1):
        kept = relevant.kept(decls)
        if not kept and (relevant.display_all or not prepared.display):
            continue  # (what the UA hides, only a display declaration can show)
        complexes = prepared.complexes(page.quirks)
        if not relevant.display_all and _styles_ua_hidden(complexes):
            kept = decls if len(kept) < len(decls) else kept  # may show what the UA hides
        if not kept:
            continue
        if prepared.rule.containers:
            _apply_queried(table, page, complexes, kept, _source(sheet, prepared),
                           prepared.rule.containers)  # fmt: skip
        else:
            _apply(table, page, complexes, kept, (sheet, prepared), layers, path, order)


class _Prepared:
    """A style rule as the page loop uses it: its declarations parsed and its selector
    compiled (per quirks mode) on first use, and its ``@media`` answer per viewport. A rule
    whose selector needs a class or id the page lacks gets neither."""

    __slots__ = ("_applies", "_decls", "compiled", "hints", "media", "rule")

    def __init__(self, rule: StyleRule) -> None:
        self.rule = rule
        self.media = rule.media
        self.hints = None if rule.selector is None else selector_hints(rule.selector)
        self._decls: tuple[_Decl, ...] | None = None if rule.selector is not None else ()
        self.compiled: dict[bool, tuple[Any, ...]] = {}
        self._applies: dict[Viewport, bool] = {}

    @property
    def decls(self) -> tuple[_Decl, ...]:
        """The rule's declarations (none for a rule that only orders layers)."""
        if self._decls is None:
            self._decls = _declarations(self.rule.declarations)
        return self._decls

    @property
    def display(self) -> bool:
        return any(decl.slot == "display" for decl in self.decls)

    @property
    def marker(self) -> bool:
        return "marker" in (self.rule.selector or "")

    def complexes(self, quirks: bool) -> tuple[Any, ...]:
        found = self.compiled.get(quirks)
        if found is None:
            found = self.compiled[quirks] = _MATCHER.compile(
                cast(str, self.rule.selector), quirks=quirks
            )
        return found

    def applies(self, viewport: Viewport) -> bool:
        """Whether the rule's ``@media`` conditions hold at ``viewport``."""
        found = self._applies.get(viewport)
        if found is None:
            found = self._applies[viewport] = all(
                media_matches(query, viewport) for query in self.media
            )
        return found


def _source(sheet: Sheet, prepared: _Prepared) -> _Source:
    return _Source(sheet.base, sheet.encoding, prepared.rule.selector, sheet.name)


class _SheetRules:
    """A sheet's rules prepared (:class:`_Prepared`), indexed as browsers index them: each
    rule under a class or id that each of its complex selectors requires (one per complex
    selector), the rest apart. A page then looks only at the rules under its own classes
    and ids, not at every rule."""

    __slots__ = ("_index", "layered", "rules", "sizes")

    def __init__(self, rules: tuple[StyleRule, ...]) -> None:
        self.rules = [_Prepared(rule) for rule in rules]
        self.layered = any(rule.layer is not None for rule in rules)
        self.sizes = bool(rules) and all(rule.sizes for rule in rules)
        """The sheet's rules carry what sizes query containers (its text has ``@container``;
        an empty sheet may have left sizes out)."""
        self._index: dict[bool, tuple[list[int], dict[str, list[int]]]] = {}

    def candidates(self, page: PageIndex, unlayered: bool) -> Iterator[_Prepared]:
        """The rules that may match on ``page``, in order; every rule where layers are
        involved (``unlayered`` False, or a rule in a layer: their order is registered by
        every rule, matching or not)."""
        if self.layered or not unlayered:
            yield from self.rules
            return
        index = self._index.get(page.quirks)
        if index is None:
            index = self._index[page.quirks] = self._build(page.quirks)
        unindexed, by_name = index
        found = set(unindexed)
        for name in by_name.keys() & page.names():
            found.update(by_name[name])
        rules = self.rules
        for number in sorted(found):
            yield rules[number]

    def _build(self, quirks: bool) -> tuple[list[int], dict[str, list[int]]]:
        unindexed: list[int] = []
        by_name: dict[str, list[int]] = {}
        for number, prepared in enumerate(self.rules):
            keys = _index_keys(prepared.hints, quirks)
            if keys is None:
                unindexed.append(number)
            else:
                for key in keys:
                    by_name.setdefault(key, []).append(number)
        return unindexed, by_name


def _index_keys(hints: Hints | None, quirks: bool) -> set[str] | None:
    """One name (``.class`` or ``#id``) per complex selector that it requires, or None when
    some complex selector requires none (or cannot be read)."""
    if hints is None:
        return None
    keys: set[str] = set()
    for classes, ids in hints:
        if ids:
            key = f"#{min(ids)}"
        elif classes:
            key = f".{min(classes)}"
        else:
            return None
        keys.add(key.lower() if quirks else key)
    return keys


_PREPARED: Final[dict[int, tuple[tuple[StyleRule, ...], _SheetRules]]] = {}
_MAX_PREPARED: Final = 4096


def _prepared(rules: tuple[StyleRule, ...]) -> _SheetRules:
    """A sheet's rules prepared and indexed (:class:`_SheetRules`), once per process while
    the sheet is in use (most pages share their stylesheets)."""
    known = _PREPARED.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    prepared = _SheetRules(rules)
    if len(_PREPARED) >= _MAX_PREPARED:
        del _PREPARED[next(iter(_PREPARED))]
    _PREPARED[id(rules)] = (rules, prepared)  # the tuple is held: its id is not reused
    return prepared


class _Relevance:
    """Which declarations of a page can change what it fetches, so that only their rules are
    matched: fetching longhands some declaration gives an image (others only reset them),
    the font properties when fonts are asked about, ``display: none`` (and other ``display``
    values where something may be hidden), ``content`` (which makes pseudo-elements), and
    the custom properties those read through ``var()``."""

    def __init__(
        self, page: PageIndex, groups: list[tuple[_Decl, ...]], *, images: bool, fonts: bool
    ) -> None:
        every = [decl for decls in groups for decl in decls]
        self.active: set[str] = {d.slot for d in every if d.fetches} if images else set()
        wanted = set(self.active) | {"content"}
        if fonts:
            wanted.update(_FONT_SLOTS)
        hiding = any(d.slot == "display" and d.none for d in every) or _has_hidden(page)
        self.display_all = hiding
        needed: set[str] = set()
        for decl in every:
            if decl.slot in wanted or (decl.slot == "display" and (decl.none or hiding)):
                needed.update(decl.vars)
        custom = [decl for decl in every if decl.slot.startswith("--")]
        grew = True
        while grew:
            grew = False
            for decl in custom:
                if decl.slot in needed and not decl.vars <= needed:
                    needed.update(decl.vars)
                    grew = True
        self.wanted = wanted | needed
        self._kept: dict[int, tuple[_Decl, ...]] = {}

    def kept(self, decls: tuple[_Decl, ...]) -> tuple[_Decl, ...]:
        found = self._kept.get(id(decls))
        if found is None:
            found = self._kept[id(decls)] = tuple(
                decl for decl in decls
                if decl.slot in self.wanted
                or (decl.slot == "display" and (decl.none or self.display_all))
            )  # fmt: skip
        return found


def _styles_ua_hidden(complexes: tuple[Any, ...]) -> bool:
    """Whether a selector names, as its subject, an element the UA style sheet hides
    (``head``, ``template`` …), whose ``display`` it may then show. (A class selector on such
    an element is not looked for; ``[hidden]`` and ``<dialog>`` pages keep every
    ``display``.)"""
    return any(
        complex_.doubt or _UA_HIDDEN.intersection(complex_.rightmost[0]) for complex_ in complexes
    )


def _has_hidden(page: PageIndex) -> bool:
    """Whether an element's UA ``display: none`` may be overridden by author CSS."""
    try:
        return bool(_HIDDEN(page.tree))
    except etree.XPathError:
        return True


_HIDDEN: Final = etree.XPath("boolean(descendant-or-self::*[@hidden or self::dialog])")


def _layer_path(
    outer: tuple[str, ...] | None, inner: tuple[str, ...] | None, sheet: int
) -> tuple[str, ...]:
    """The full layer path of a layered rule: the ``@import`` layer, then the sheet's own;
    anonymous layers (``\\0…``) made distinct per sheet."""
    path = (*(outer or ()), *(inner or ()))
    return tuple(f"{name}\0{sheet}" if name.startswith("\0") else name for name in path)


def _apply(
    table: _Table,
    page: PageIndex,
    complexes: tuple[Any, ...],
    decls: tuple[_Decl, ...],
    origin: tuple[Sheet, _Prepared],
    layers: _Layers,
    path: tuple[str, ...] | None,
    order: int,
) -> None:
    source: _Source | None = None  # made for the rules that match something
    for complex_ in complexes:
        elements = complex_.elements(page)
        if elements == []:
            continue
        pseudo = complex_.pseudo
        if pseudo in _NEVER_RENDERED_PSEUDO:
            continue
        if source is None:
            source = _source(*origin)
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
    table: _Table,
    page: PageIndex,
    complexes: tuple[Any, ...],
    decls: tuple[_Decl, ...],
    source: _Source,
    containers: tuple[str, ...],
) -> None:
    """An ``@container`` rule: its declarations wait for the walk, which knows each matching
    element's query containers (:mod:`~push_manifest.render.containers`)."""
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


class _Computed:
    """An element's computed values that its children inherit, or that ``inherit`` reads."""

    __slots__ = ("containers", "custom", "families", "slots", "style", "weight")

    def __init__(
        self,
        custom: dict[str, tuple[tuple[Node, ...] | None, _Source]],
        families: tuple[str, ...] | None,
        weight: float,
        style: str,
        slots: dict[str, _Value | None],
        containers: tuple[Container, ...] = (),
    ) -> None:
        self.custom = custom
        self.families = families
        self.weight = weight
        self.style = style
        self.slots = slots
        self.containers = containers
        """The size containers among the element and its ancestors, nearest last."""


_ROOT: Final = _Computed({}, ("serif",), 400.0, "normal", {})


class _Walker:
    """One pass over the page tree in document order, computing what each rendered element
    and pseudo-element fetches and what text it renders in which font."""

    def __init__(
        self,
        page: PageIndex,
        table: _Table,
        viewport: Viewport,
        active: set[str],
        fonts: bool,
        *,
        sized: bool = False,
    ) -> None:
        self.page = page
        self.sized = sized
        """Every sheet of the page carries what sizes query containers."""
        self.table = table
        self.viewport = viewport
        self.active = active
        self.fonts = fonts
        self.images: dict[str, str] = {}
        self._done: dict[tuple[int, str], tuple[Node, ...]] = {}
        self.written: dict[str, str] = {}
        """For each image URL, the base it was resolved against."""
        self.runs: dict[tuple[tuple[str, ...], float, str], list[str]] = {}
        """The text each font renders, in pieces (ASCII whitespace removed)."""
        self.fonts_unknown = False
        self.page_text: list[str] = []
        self._lines: dict[Any, bool] = {}
        """Per parent element: whether it holds text of its own (:func:`_in_a_line`)."""

    # -- the walk --------------------------------------------------------------------------

    def run(self) -> None:
        if not self.active and not self.fonts:
            return
        root = self.page.tree
        if not isinstance(root.tag, str):
            return
        # Each element with its parent's computed values and whether it is content of a
        # closed <details> (WHATWG HTML §15.5.4; Chromium hides the content slot).
        stack: list[tuple[Any, _Computed, bool]] = [(root, _ROOT, False)]
        while stack:
            element, parent, slotted = stack.pop()
            computed = self._element(element, parent, slotted)
            if computed is None:
                continue
            tag = element.tag
            if tag == "select":
                continue  # its options render in a popup, not at load
            children = [child for child in element if isinstance(child.tag, str)]
            if tag == "details" and element.get("open") is None:
                summary = next((child for child in children if child.tag == "summary"), None)
                stack.extend(
                    (child, computed, child is not summary) for child in reversed(children)
                )
            else:
                stack.extend((child, computed, False) for child in reversed(children))

    def _element(self, element: Any, parent: _Computed, slotted: bool) -> _Computed | None:
        """Compute ``element``; None when it renders nothing (``display: none``)."""
        targets = self.table.by_target.get(element)
        own = targets.get(None) if targets else None
        tag = element.tag
        display = "none" if slotted else self._display(own, tag, element)
        if display == "none":
            return None
        if own is None and tag not in _UA_FONT_TAGS:
            computed = parent  # nothing of its own: what it inherits is already fetched
        else:
            computed = self._compute(own, parent, tag)
            if own is not None:
                self._fetch(element, own, computed, parent)
        if self.fonts:
            self._text(element, tag, computed)
        if targets:
            for pseudo, slots in targets.items():
                if pseudo is not None:
                    self._pseudo(element, tag, pseudo, slots, computed, display)
        queried = self.table.queried.get(element)
        if queried:
            self._queried(queried, parent, computed)
        return computed

    def _queried(
        self,
        queried: list[_Queried],
        parent: _Computed,
        computed: _Computed,
    ) -> None:
        """``@container`` rules matching the element: where every query may hold, what they
        declare is listed (and overrides nothing); where one cannot, they do not apply. An
        element's query containers are its ancestors; a pseudo-element's include its
        element."""
        for pseudo, preludes, decls, source in queried:
            containers = parent.containers if pseudo is None else computed.containers
            if all(holds(prelude, containers) for prelude in preludes):
                self.table.doubtful.extend((decl, source) for decl in decls)

    def _display(self, own: dict[str, list[_Candidate]] | None, tag: str, element: Any) -> str:
        winner = _winner(own, "display")
        if winner is None or _keyword(winner[1].tokens) in ("revert", "unset", "initial"):
            if tag in _UA_HIDDEN and not (tag == "dialog" and element.get("open") is not None):
                return "none"
            if element.get("hidden") is not None and element.get("hidden") != "until-found":
                return "none"
            if tag == "input" and (element.get("type") or "").lower() == "hidden":
                return "none"
            return "list-item" if tag in ("li", "summary") else "other"
        if winner[1].vars:
            return "other"  # unknown until substituted: rendered (doubt)
        value = text(winner[1].tokens).lower()
        if value == "none":
            return "none"
        return "list-item" if "list-item" in value else "other"

    def _compute(
        self, own: dict[str, list[_Candidate]] | None, parent: _Computed, tag: str
    ) -> _Computed:
        custom = parent.custom
        if own:
            changed = {
                slot: candidates for slot, candidates in own.items() if slot.startswith("--")
            }
            if changed:
                custom = _custom_properties(parent.custom, changed)
        families, weight, style = parent.families, parent.weight, parent.style
        if self.fonts:
            families, weight, style = self._font(own, parent, custom, tag)
        slots: dict[str, _Value | None] = {}
        for slot in _INHERITED_SLOTS & self.active:
            if slot in parent.slots:
                slots[slot] = parent.slots[slot]
        containers = parent.containers
        if own and "container-type" in own:
            container = self._container(own, tag)
            if container is not None:
                containers = (*containers, container)
        return _Computed(custom, families, weight, style, slots, containers)

    def _container(self, own: dict[str, list[_Candidate]], tag: str) -> Container | None:
        """The size container an element with these declarations is, if any, with its
        content-box width where CSS fixes it (every sheet read for it, a block-level box)."""
        kind = _winner(own, "container-type")
        if kind is None or kind[1].vars or not size_container(kind[1].tokens):
            return None
        names = _winner(own, "container-name")
        found = container_names(None if names is None else names[1].tokens)
        display = _winner(own, "display")
        block = (
            _keyword(display[1].tokens) in _BLOCK_LEVEL
            if display is not None
            else tag not in _INLINE
        )
        width = None
        if self.sized and block:
            values = [_winner(own, slot) for slot in ("width", "min-width", "max-width",
                                                      "box-sizing")]  # fmt: skip
            if not any(value is not None and value[1].vars for value in values):
                size, least, most, sizing = (None if v is None else v[1].tokens for v in values)
                width = content_width(size, least, most, sizing, self.viewport)
        return Container(found, width)

    def _font(
        self,
        own: dict[str, list[_Candidate]] | None,
        parent: _Computed,
        custom: dict[str, tuple[tuple[Node, ...] | None, _Source]],
        tag: str,
    ) -> tuple[tuple[str, ...] | None, float, str]:
        values = _ua_font(tag, parent)
        if own:
            for slot in _FONT_SLOTS:
                winner = _winner(own, slot)
                if winner is not None:
                    value = _font_winner(winner[1], slot, custom, parent)
                    if value is not _INVALID:
                        values[slot] = value
        return values["font-family"], values["font-weight"], values["font-style"]

    def _fetch(
        self,
        element: Any,
        own: dict[str, list[_Candidate]] | None,
        computed: _Computed,
        parent: _Computed,
    ) -> None:
        for slot in self.active:
            value = self._slot(own, slot, computed, parent)
            if slot in _INHERITED_SLOTS:
                computed.slots[slot] = value
                if value is parent.slots.get(slot):
                    continue  # inherited: fetched for an ancestor
            if value is not None:
                self._fetched(value, slot, element)

    def _slot(
        self,
        candidates: dict[str, list[_Candidate]] | None,
        slot: str,
        computed: _Computed,
        parent: _Computed,
    ) -> _Value | None:
        """The computed value of a fetching longhand, with where it was declared."""
        winner = _winner(candidates, slot)
        if winner is None:
            return parent.slots.get(slot) if slot in _INHERITED_SLOTS else None
        _, decl, source = winner
        keyword = _keyword(decl.tokens)
        if keyword == "inherit" or (keyword in ("unset", "revert") and slot in _INHERITED_SLOTS):
            return parent.slots.get(slot)
        if keyword in ("initial", "unset", "revert", "revert-layer"):
            return None
        if not decl.vars:
            return _Value(decl.tokens, source)
        substituted = substitute(decl.tokens, _lookup(computed.custom))
        if substituted is None:
            return parent.slots.get(slot) if slot in _INHERITED_SLOTS else None
        return _Value(tuple(substituted), source)

    def _fetched(self, value: _Value, slot: str, element: Any) -> None:
        done = (id(value.tokens), value.source.base)
        if done in self._done:
            return
        self._done[done] = value.tokens  # held: ids stay unique
        source = value.source
        for raw, _, _ in value_urls(value.tokens, self.viewport):
            url = resolve(raw, source.base, source.encoding)
            if url is not None and url not in self.images:
                self.images[url] = f"{slot} of {_describe(element)} from {source.where}"
                self.written[url] = source.base

    def _pseudo(
        self,
        element: Any,
        tag: str,
        pseudo: str,
        slots: dict[str, list[_Candidate]],
        computed: _Computed,
        display: str,
    ) -> None:
        if not _generates(pseudo, element, tag, slots, display):
            return
        inner = self._compute(slots, computed, "")
        if _winner(slots, "display") is not None and self._display(slots, "", element) == "none":
            return
        for slot in self.active:
            value = self._slot(slots, slot, inner, computed)
            if value is not None:
                self._fetched(value, slot, element)
        if self.fonts and pseudo in ("before", "after", "marker"):
            content = _winner(slots, "content")
            if content is not None:
                generated = _content_text(content[1].tokens, element)
                generated = generated.translate(_NO_ASCII_WHITESPACE)
                if generated:
                    self._add_text(inner, generated)

    # -- text and fonts --------------------------------------------------------------------

    def _text(self, element: Any, tag: str, computed: _Computed) -> None:
        """The text ``element`` renders in its own font: its text nodes (not its children's),
        a control's value or label, a ``<select>``'s first option; and a line's space for an
        empty or blank inline element in a line of text (its strut needs the primary font)."""
        characters = element.text or ""
        for child in element:
            tail = child.tail
            if tail:
                characters += tail
        if tag == "input":
            characters += _input_text(element)
        elif tag == "select":
            option = next(element.iter("option"), None)
            if option is not None:
                characters += "".join(option.itertext())
        if characters:
            characters = characters.translate(_NO_ASCII_WHITESPACE)
        if characters:
            self._add_text(computed, characters)
        elif tag in _INLINE and self._in_a_line(element):
            self._add_text(computed, " ")

    def _in_a_line(self, element: Any) -> bool:
        """An inline element next to text: it sits in a line box."""
        parent = element.getparent()
        if parent is None:
            return False
        found = self._lines.get(parent)
        if found is None:
            found = self._lines[parent] = _rendered_text(
                (parent.text or "") + "".join(c.tail or "" for c in parent)
            )
        return found

    def _add_text(self, computed: _Computed, characters: str) -> None:
        """Count ``characters`` (ASCII whitespace removed) as rendered in ``computed``'s font.
        A lone ``" "`` stands for an empty inline box in a line, which needs its primary
        font, the first that covers U+0020 (CSS Fonts 4 §5.3; Chromium loads it)."""
        self.page_text.append(characters)
        if computed.families is None:
            self.fonts_unknown = True
            return
        if computed.families == SYSTEM:
            return
        key = (computed.families, computed.weight, computed.style)
        self.runs.setdefault(key, []).append(characters)

    def text_runs(self) -> tuple[TextRun, ...]:
        return tuple(
            TextRun(families, weight, style, "".join(sorted(set("".join(pieces)))))
            for (families, weight, style), pieces in self.runs.items()
        )

    def add_doubtful(self) -> None:
        """Declarations of selectors that cannot be evaluated apply somewhere: their images
        are fetched (with those of every custom property a ``var()`` in them names), their
        families may render any of the page's text."""
        for decl, source in self.table.doubtful:
            if decl.slot in self.active and decl.fetches:
                self._fetched(_Value(decl.tokens, source), decl.slot, None)
                for name in decl.vars:
                    for custom, declared in self.table.custom.get(name, ()):
                        self._fetched(_Value(custom.tokens, declared), decl.slot, None)
            elif self.fonts and decl.slot == "font-family":
                families = _font_value("font-family", decl.name, decl.tokens, _ROOT)
                if decl.vars or not isinstance(families, tuple):
                    self.fonts_unknown = True
                    continue
                for weight in (400.0, 700.0):
                    for style in ("normal", "italic"):
                        self.runs.setdefault((families, weight, style), []).extend(self.page_text)


@dataclass(frozen=True, slots=True)
class _Value:
    """A fetching property's computed value (``var()`` substituted) and where the declaration
    was written: a ``url()`` that came through a custom property resolves there, against the
    sheet that uses the ``var()`` (observed in Chromium 156; an ``@property``-registered
    ``<url>`` would resolve where declared, which is not modelled)."""

    tokens: tuple[Node, ...]
    source: _Source


_INHERIT: Final = object()
_INVALID: Final = object()


def _custom_properties(
    inherited: dict[str, tuple[tuple[Node, ...] | None, _Source]],
    declared: dict[str, list[_Candidate]],
) -> dict[str, tuple[tuple[Node, ...] | None, _Source]]:
    """An element's computed custom properties (CSS Variables 1 §2): the inherited ones, with
    the winners of its own declarations, ``var()`` in them substituted from the element's own
    values (cycles are invalid: cut by the substitution depth)."""
    custom = dict(inherited)
    pending = []
    for name, candidates in declared.items():
        _, decl, source = max(candidates, key=_by_key)
        keyword = _keyword(decl.tokens)
        if keyword in ("inherit", "unset", "revert", "revert-layer"):
            continue
        custom[name] = (None if keyword == "initial" else decl.tokens, source)
        if decl.vars and keyword != "initial":
            pending.append((name, decl, source))
    raw = dict(custom)
    for name, decl, source in pending:
        substituted = substitute(decl.tokens, _lookup(raw))
        custom[name] = (None if substituted is None else tuple(substituted), source)
    return custom


def _font_value(slot: str, name: str, tokens: Sequence[Node], parent: _Computed) -> Any:
    if name == "font":
        if _keyword(tokens) in ("inherit", "unset", "revert", "revert-layer"):
            return _INHERIT
        shorthand = font_shorthand(tokens)
        if shorthand is None:
            return _INVALID
        families, weight, style = shorthand
        if slot == "font-family":
            return families
        if slot == "font-weight":
            return _weight_value(weight, parent.weight)
        return style
    if slot == "font-family":
        names = font_families(tokens)
        if names is None:
            return _INHERIT if _keyword(tokens) else _INVALID
        return names or None  # (): env() or attr(), unknown
    if slot == "font-weight":
        written = font_weight(tokens)
        if written is None:
            return _INHERIT if _keyword(tokens) else _INVALID
        return _weight_value(written, parent.weight)
    slant = font_style(tokens)
    if slant is None:
        return _INHERIT if _keyword(tokens) else _INVALID
    return slant


def _ua_font(tag: str, parent: _Computed) -> dict[str, Any]:
    """The font properties an element gets from its parent and the UA style sheet (controls
    use a system font; ``<code>`` is monospace; ``<b>`` bolder, ``<h1>`` bold; ``<em>``
    italic)."""
    families, weight, style = parent.families, parent.weight, parent.style
    if tag in _CONTROLS:
        families, weight, style = ("system-ui",), 400.0, "normal"
    elif tag in _UA_MONOSPACE:
        families = ("monospace",)
    if tag in _UA_BOLDER:
        weight = _bolder(weight)
    elif tag in _UA_BOLD:
        weight = 700.0
    if tag in _UA_ITALIC:
        style = "italic"
    return {"font-family": families, "font-weight": weight, "font-style": style}


def _font_winner(
    decl: _Decl,
    slot: str,
    custom: dict[str, tuple[tuple[Node, ...] | None, _Source]],
    parent: _Computed,
) -> Any:
    """The computed value of the font longhand ``slot`` its winning declaration gives, or
    ``_INVALID`` (the declaration is ignored). A ``var()`` that does not resolve makes it
    ``unset``, which inherits (CSS Variables 1 §3.1)."""
    tokens: Sequence[Node] = decl.tokens
    if decl.vars:
        substituted = substitute(decl.tokens, _lookup(custom))
        if substituted is None:
            return _inherited_font(slot, parent)
        tokens = substituted
    value = _font_value(slot, decl.name, tokens, parent)
    return _inherited_font(slot, parent) if value is _INHERIT else value


def _inherited_font(slot: str, parent: _Computed) -> Any:
    if slot == "font-family":
        return parent.families
    return parent.weight if slot == "font-weight" else parent.style


def _weight_value(weight: str, parent: float) -> float:
    if weight == "normal":
        return 400.0
    if weight == "bold":
        return 700.0
    if weight == "bolder":
        return _bolder(parent)
    if weight == "lighter":
        return _lighter(parent)
    try:
        return float(weight)
    except ValueError:
        return 400.0


def _bolder(parent: float) -> float:
    """CSS Fonts 4 §2.2.1, the table of relative weights."""
    if parent < 350:
        return 400.0
    if parent < 550:
        return 700.0
    return max(parent, 900.0)


def _lighter(parent: float) -> float:
    if parent < 550:
        return min(parent, 100.0)
    if parent < 750:
        return 400.0
    return 700.0


def _by_key(candidate: _Candidate) -> _Key:
    return candidate[0]


def _winner(candidates: dict[str, list[_Candidate]] | None, slot: str) -> _Candidate | None:
    """The declaration that wins the cascade for ``slot`` (CSS Cascade 5 §6); ``revert-layer``
    rolls back to the best declaration of a lower layer (§7.3.4)."""
    if not candidates:
        return None
    found = candidates.get(slot)
    if not found:
        return None
    best = found[0] if len(found) == 1 else max(found, key=_by_key)
    if len(found) > 1 and _keyword(best[1].tokens) == "revert-layer":
        layer = best[0][2]
        for candidate in sorted(found, key=_by_key, reverse=True):
            if candidate[0][2] < layer and candidate[0][0] == best[0][0]:
                if _keyword(candidate[1].tokens) != "revert-layer":
                    return candidate
                layer = candidate[0][2]
    return best


def _keyword(tokens: Sequence[Node]) -> str | None:
    significant = [token for token in tokens if token.type not in ("whitespace", "comment")]
    if len(significant) == 1 and significant[0].type == "ident":
        return str(significant[0].lower_value)
    return None


def _lookup(custom: dict[str, tuple[tuple[Node, ...] | None, _Source]]) -> Any:
    """A ``var()`` lookup in computed custom properties."""

    def lookup(name: str) -> Sequence[Node] | None:
        found = custom.get(name)
        return None if found is None else found[0]

    return lookup


_NO_ASCII_WHITESPACE: Final = str.maketrans("", "", " \t\n\r\f")
_BLOCK_LEVEL: Final = frozenset(
    {
        "block",
        "flex",
        "grid",
        "flow-root",
        "list-item",
        "table",
        "inline-block",
        "inline-flex",
        "inline-grid",
        "inline-table",
    }
)
"""``display`` values whose box takes a ``width`` (atomic inlines included)."""
_INLINE: Final = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "label",
     "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
)  # fmt: skip
"""Elements the UA style sheet leaves ``display: inline``."""


def _rendered_text(characters: str) -> bool:
    """Text that renders: anything but ASCII whitespace, which collapses (a no-break space
    renders)."""
    return bool(characters.translate(_NO_ASCII_WHITESPACE))


def _generates(
    pseudo: str, element: Any, tag: str, slots: dict[str, list[_Candidate]], display: str
) -> bool:
    """Whether ``element`` has the pseudo-element ``pseudo`` at load (see the module
    docstring)."""
    if pseudo in ("before", "after"):
        # Chromium 156 styles (and so fetches for) the pseudo-element wherever some
        # ``content`` applies to it, even ``none`` or ``normal``; with none, not at all.
        return "content" in slots
    if pseudo == "marker":
        return display == "list-item"
    if pseudo == "placeholder":
        return tag in ("input", "textarea") and bool(element.get("placeholder"))
    if pseudo == "file-selector-button":
        return tag == "input" and (element.get("type") or "").lower() == "file"
    if pseudo in ("first-letter", "first-line"):
        return bool("".join(element.itertext()).strip())
    return True


def _content_text(tokens: Sequence[Node], element: Any) -> str:
    parts = []
    for token in tokens:
        if token.type == "string":
            parts.append(token.value)
        elif token.type == "function" and token.lower_name == "attr":
            name = next((t for t in token.arguments if t.type == "ident"), None)
            if name is not None:
                parts.append(element.get(name.value) or "")
        elif token.type == "function" and token.lower_name in ("counter", "counters"):
            parts.append("0123456789")
    return "".join(parts)


_BUTTON_LABELS: Final = {"submit": "Submit", "reset": "Reset"}


def _input_text(element: Any) -> str:
    kind = (element.get("type") or "text").lower()
    if kind in ("checkbox", "radio", "hidden", "file", "image", "range", "color"):
        return ""
    value = element.get("value")
    if value:
        return str(value)
    if kind in _BUTTON_LABELS:
        return _BUTTON_LABELS[kind]
    return str(element.get("placeholder") or "")


def _describe(element: Any) -> str:
    if element is None:
        return "an element"
    names = [element.tag]
    if element.get("id"):
        names.append(f"#{element.get('id')}")
    classes = (element.get("class") or "").split()
    if classes:
        names.append("." + ".".join(classes[:2]))
    return "<" + "".join(names) + ">"
