"""A page's style rules as the cascade takes them: each sheet's rules prepared once per process
(declarations parsed, selector compiled, indexed by the classes and ids they require), the
rules that may apply on a page collected in cascade order with their layers (CSS Cascade 5
§6.4), and which declarations can change what the page fetches (:class:`Relevance`)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, cast

from lxml import etree

from push_manifest.media import media_matches
from push_manifest.model import PropertyRule, StyleRule, Viewport
from push_manifest.rendering.declarations import (
    CONTAINER_SLOTS,
    FONT_SLOTS,
    Decl,
    Source,
    parsed_declarations,
)
from push_manifest.rendering.selectors import (
    Hints,
    PageIndex,
    SelectorMatcher,
    selector_hints,
)

__all__ = [
    "UA_HIDDEN",
    "Applying",
    "Layers",
    "Prepared",
    "Relevance",
    "Sheet",
    "collect",
    "prepared_rules",
    "source_of",
    "styles_ua_hidden",
]

_MATCHER: Final = SelectorMatcher()


UA_HIDDEN: Final = frozenset(
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
    properties: tuple[PropertyRule, ...] = ()
    """Its valid ``@property`` rules, in order."""
    owner: object = field(default=None, compare=False, repr=False)
    """What holds ``rules`` for as long as other pages may use them (the scanned document, in
    the crawl's memo): the rules stay prepared while it lives (:func:`prepared_rules`).
    ``None``: prepared afresh for each use."""


class Layers:
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


Applying = tuple["Prepared", tuple[Decl, ...], Sheet, tuple[str, ...] | None]
"""A rule that may apply on the page: prepared, its declarations, its sheet, its layer path."""


def collect(
    page: PageIndex, sheets: Sequence[Sheet], viewport: Viewport, layers: Layers
) -> list[Applying]:
    """The rules of ``sheets`` that may apply on ``page`` at ``viewport``, in cascade order
    (their ``@media`` holds, their selector needs no class or id the page lacks); every
    layer they name is registered in ``layers``, in order of appearance, whether its rules
    match or not."""
    applying: list[Applying] = []
    for number, sheet in enumerate(sheets):
        if sheet.media and not all(media_matches(query, viewport) for query in sheet.media):
            continue
        rules = prepared_rules(sheet)
        paths = _register_layers(rules, sheet, number, viewport, layers)
        for prepared in rules.candidates(page):
            if prepared.media and not prepared.applies(viewport):
                continue
            if prepared.rule.selector is not None and page.may_match(prepared.hints):
                decls = prepared.decls
                if decls:
                    path = paths.get(prepared.rule.layer) if paths else None
                    applying.append((prepared, decls, sheet, path))
    return applying


def _register_layers(
    rules: _SheetRules, sheet: Sheet, number: int, viewport: Viewport, layers: Layers
) -> dict[tuple[str, ...] | None, tuple[str, ...]]:
    """Register the layers of the ``number``-th sheet that appear in rules whose ``@media``
    holds, in order of appearance; their full paths by the rules' own layer."""
    paths: dict[tuple[str, ...] | None, tuple[str, ...]] = {}
    for prepared in rules.layer_uses:
        layer = prepared.rule.layer
        if (sheet.layer is None and layer is None) or layer in paths:
            continue
        if prepared.media and not prepared.applies(viewport):
            continue
        path = paths[layer] = _layer_path(sheet.layer, layer, number)
        layers.register(path)
    return paths


class Prepared:
    """A style rule as the page loop uses it: its declarations parsed and its selector
    compiled (per quirks mode) on first use, and its ``@media`` answer per viewport. A rule
    whose selector needs a class or id the page lacks gets neither."""

    __slots__ = ("_applies", "_decls", "compiled", "hints", "media", "rule")

    def __init__(self, rule: StyleRule) -> None:
        self.rule = rule
        self.media = rule.media
        self.hints = None if rule.selector is None else selector_hints(rule.selector)
        self._decls: tuple[Decl, ...] | None = None if rule.selector is not None else ()
        self.compiled: dict[bool, tuple[Any, ...]] | None = None
        self._applies: dict[Viewport, bool] | None = None
        # (Both made on first use: a sheet's rules are prepared whole, most never match.)

    @property
    def decls(self) -> tuple[Decl, ...]:
        """The rule's declarations (none for a rule that only orders layers)."""
        if self._decls is None:
            self._decls = parsed_declarations(self.rule.declarations)
        return self._decls

    @property
    def display(self) -> bool:
        return any(decl.slot == "display" for decl in self.decls)

    @property
    def marker(self) -> bool:
        return "marker" in (self.rule.selector or "")

    def complexes(self, quirks: bool) -> tuple[Any, ...]:
        if self.compiled is None:
            self.compiled = {}
        found = self.compiled.get(quirks)
        if found is None:
            found = self.compiled[quirks] = _MATCHER.compile(
                cast(str, self.rule.selector), quirks=quirks
            )
        return found

    def applies(self, viewport: Viewport) -> bool:
        """Whether the rule's ``@media`` conditions hold at ``viewport``."""
        if self._applies is None:
            self._applies = {}
        found = self._applies.get(viewport)
        if found is None:
            found = self._applies[viewport] = all(
                media_matches(query, viewport) for query in self.media
            )
        return found


def source_of(sheet: Sheet, prepared: Prepared) -> Source:
    return Source(sheet.base, sheet.encoding, prepared.rule.selector, sheet.name)


class _SheetRules:
    """A sheet's rules prepared (:class:`Prepared`), indexed as browsers index them: each
    rule under a class or id that each of its complex selectors requires (one per complex
    selector), the rest apart. A page then looks only at the rules under its own classes
    and ids, not at every rule."""

    __slots__ = ("_index", "layer_uses", "rules", "sizes")

    def __init__(self, rules: tuple[StyleRule, ...]) -> None:
        self.rules = [Prepared(rule) for rule in rules]
        uses: dict[tuple[Any, ...], Prepared] = {}
        for prepared in self.rules:
            uses.setdefault((prepared.rule.layer, prepared.media), prepared)
        self.layer_uses = list(uses.values())
        """The first rule of each (layer, ``@media``) pair, in order: the order in which
        layers appear, whatever matches (a later rule of the same pair adds nothing)."""
        self.sizes = bool(rules) and all(rule.sizes for rule in rules)
        """The sheet's rules carry what sizes query containers (its text has ``@container``;
        an empty sheet may have left sizes out)."""
        self._index: dict[bool, tuple[list[int], dict[str, list[int]]]] = {}

    def candidates(self, page: PageIndex) -> Iterator[Prepared]:
        """The rules that may match on ``page``, in order."""
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


_PREPARED: Final[dict[int, tuple[weakref.ref[object], _SheetRules]]] = {}
"""``id`` of a sheet's owner → a weak reference to that owner and its prepared rules."""


def prepared_rules(sheet: Sheet) -> _SheetRules:
    """A sheet's rules prepared and indexed (:class:`_SheetRules`), kept exactly as long as
    its :attr:`~Sheet.owner` lives: most pages share their stylesheets, and what the crawl's
    memo of documents lets go of (a page's own stylesheet, used once) is not kept here
    either."""
    owner = sheet.owner
    if owner is None:
        return _SheetRules(sheet.rules)
    key = id(owner)
    known = _PREPARED.get(key)
    if known is not None and known[0]() is owner:
        return known[1]
    prepared = _SheetRules(sheet.rules)

    def forget(ref: weakref.ref[object]) -> None:
        if _PREPARED.get(key, (None,))[0] is ref:
            del _PREPARED[key]

    _PREPARED[key] = (weakref.ref(owner, forget), prepared)
    return prepared


class Relevance:
    """Which declarations of a page can change what it fetches, so that only their rules are
    matched: fetching longhands some declaration gives an image (others only reset them),
    the font properties when fonts are asked about, ``content`` (which makes
    pseudo-elements), what makes and sizes query containers when ``@container`` rules may
    apply, the custom properties those read through ``var()``, and ``display`` where it
    decides something (:attr:`display_all`; otherwise ``display: none``, and any ``display``
    on an element the UA style sheet hides)."""

    def __init__(
        self,
        page: PageIndex,
        applying: list[Applying],
        styled: list[tuple[Decl, ...]],
        *,
        images: bool,
        fonts: bool,
    ) -> None:
        every = [decl for _, decls, _, _ in applying for decl in decls]
        every += [decl for decls in styled for decl in decls]
        self.active: set[str] = {d.slot for d in every if d.fetches} if images else set()
        self.queried = any(prepared.rule.containers for prepared, _, _, _ in applying)
        """``@container`` rules may apply."""
        wanted = set(self.active) | {"content"}
        if fonts:
            wanted.update(FONT_SLOTS)
        if self.queried:
            wanted.update(CONTAINER_SLOTS)
        self.display_all = (
            any(d.slot == "display" and d.none for d in every)  # something may be hidden
            or _has_hidden(page)  # the UA hides something an author may show
            or any(prepared.marker for prepared, _, _, _ in applying)  # list items
            or self.queried  # which boxes are query containers
        )
        """Every ``display`` declaration counts."""
        needed: set[str] = set()
        for decl in every:
            if decl.slot in wanted or (decl.slot == "display" and (decl.none or self.display_all)):
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
        self._kept: dict[int, tuple[Decl, ...]] = {}

    def kept(self, decls: tuple[Decl, ...]) -> tuple[Decl, ...]:
        """The relevant declarations of ``decls`` (a ``style`` attribute's or a rule's)."""
        found = self._kept.get(id(decls))
        if found is None:
            found = self._kept[id(decls)] = tuple(
                decl for decl in decls
                if decl.slot in self.wanted
                or (decl.slot == "display" and (decl.none or self.display_all))
            )  # fmt: skip
        return found

    def of_rule(self, prepared: Prepared, quirks: bool) -> tuple[Decl, ...]:
        """The relevant declarations of a rule: :meth:`kept`, or all of them where a
        ``display`` left out may show an element the UA style sheet hides (a selector whose
        subject is ``head``, ``template`` …; compiled only then)."""
        decls = prepared.decls
        kept = self.kept(decls)
        if self.display_all or len(kept) == len(decls) or not prepared.display:
            return kept
        return decls if styles_ua_hidden(prepared.complexes(quirks)) else kept


def styles_ua_hidden(complexes: tuple[Any, ...]) -> bool:
    """Whether a selector names, as its subject, an element the UA style sheet hides
    (``head``, ``template`` …), whose ``display`` it may then show. (A class selector on such
    an element is not looked for; ``[hidden]`` and ``<dialog>`` pages keep every
    ``display``.)"""
    return any(
        complex_.doubt or UA_HIDDEN.intersection(complex_.rightmost[0]) for complex_ in complexes
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
