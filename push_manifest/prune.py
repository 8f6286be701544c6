"""Render-aware pruning: which CSS images and fonts a page's elements make a browser fetch.

A browser fetches a stylesheet's ``url()`` image only for rules that apply to some element,
and a web font only when an element's computed ``font-family``, ``font-weight`` and
``font-style`` select that ``@font-face`` (checked in Chromium 156). This module answers both
questions on one page tree, never pruning on doubt:

- :class:`SelectorMatcher` tests selector lists against a :class:`PageIndex` with ``cssselect``
  (Selectors 4 compiled to XPath 1.0, run by libxml2). Pseudo-elements match through their
  element; user-action and other dynamic pseudo-classes (``:hover``, ``:focus``, ``:visited``,
  ``:target`` …) never match at load, except focus ones on a page with ``autofocus``; whatever
  ``cssselect`` cannot evaluate counts as matching, and inside ``:not()`` drops the ``:not()``.
- :meth:`SelectorMatcher.font_uses` approximates the cascade per element (union of the
  declarations that match, inheritance, the UA's bold and italic elements) and
  :func:`font_face_used` runs the CSS Fonts 4 §5.2 matching over the page's faces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Final, cast

import tinycss2
from cssselect import ExpressionError, HTMLTranslator, SelectorError, parse
from cssselect.parser import (
    Attrib,
    Class,
    CombinedSelector,
    Element,
    Function,
    Hash,
    Matching,
    Negation,
    Pseudo,
    Relation,
    Selector,
    SpecificityAdjustment,
)
from cssselect.xpath import XPathExpr
from lxml import etree

from push_manifest.memo import SecondUseMemo
from push_manifest.scanners.css import GENERIC_FAMILIES, FontUse
from push_manifest.scanners.html import CUT_ELEMENT, ParseLimits, parse_limits

__all__ = ["FontUse", "PageIndex", "SelectorMatcher", "font_face_used"]

_ASCII_WHITESPACE: Final = re.compile(r"[ \t\n\r\f]+")


class PageIndex:
    """A page tree prepared for fast matching: its elements by class and by id (built once),
    and by tag (on demand). A selector that requires a class, id or tag the page lacks cannot
    match and needs no XPath; one that does is tested only on the elements that carry its
    rightmost compound's rarest class, id or tag. Also whether the page is in quirks mode and
    whether an element has ``autofocus``, and a memo of answered selector lists.

    ``quirks``: None infers it from the tree's doctype; anything but ``<!DOCTYPE html>``
    counts as quirks, where classes and ids match ASCII case-insensitively (Selectors 4 §6.6,
    WHATWG HTML §4.16.2), so doubt widens matching, never narrows it.

    Where the parser had to approximate the page (:func:`parse_limits`: elements nested too
    deep for libxml2, read flattened below a cut; attributes dropped from elements with too
    many), a selector that could match there counts as matching. The index is built by a walk,
    not XPath, whose node-sets libxml2 limits to ten million nodes: where an XPath fails on a
    huge page, the page is walked instead or the selector counts as matching.
    """

    __slots__ = ("_autofocus", "_below_cut", "_memo", "_size", "_tags", "by_class", "by_id",
                 "limits", "quirks", "tree")  # fmt: skip

    def __init__(self, tree: etree._Element, *, quirks: bool | None = None) -> None:
        self.tree = tree
        if quirks is None:
            info: Any = tree.getroottree().docinfo
            quirks = not (info.doctype == "<!DOCTYPE html>" and not info.public_id)
        self.quirks: bool = quirks
        self.limits: ParseLimits = parse_limits(tree)
        self.by_class: dict[str, list[etree._Element]] = {}
        self.by_id: dict[str, list[etree._Element]] = {}
        # A walk, not XPath's //@class: as fast on a page of a few thousand elements, a quarter
        # of the memory on a huge one (no string object per value), and no node-set limit.
        size = 0
        for element in tree.getroottree().iter(etree.Element):
            size += 1
            value = element.get("class")
            if value is not None:
                for name in _ASCII_WHITESPACE.split(value.lower() if quirks else value):
                    if name:
                        self.by_class.setdefault(name, []).append(element)
            value = element.get("id")
            if value is not None:
                self.by_id.setdefault(value.lower() if quirks else value, []).append(element)
        self._tags: dict[str, list[etree._Element]] = {}
        self._autofocus: bool | None = None
        self._size = size
        self._below_cut: set[etree._Element] | None = None
        self._memo: dict[str, bool] = {}

    def by_tag(self, tag: str) -> list[etree._Element]:
        """The elements named ``tag`` (lowercase), in document order."""
        found = self._tags.get(tag)
        if found is None:
            try:
                found = list(self.tree.iter(tag))
            except ValueError:  # a name lxml refuses (control characters): no element has it
                found = []
            self._tags[tag] = found
        return found

    @property
    def size(self) -> int:
        """The number of elements."""
        return self._size

    @property
    def autofocus(self) -> bool:
        """True when an element has ``autofocus``: it has focus when the page has loaded."""
        if self._autofocus is None:
            try:
                # Not //*[@autofocus]: libxml2 takes seconds on it where an element matches.
                found = _xpath("boolean(descendant-or-self::*[@autofocus])")(self.tree)
                self._autofocus = bool(found)
            except etree.XPathError:
                self._autofocus = any(
                    e.get("autofocus") is not None for e in self.tree.iter(etree.Element)
                )
        return self._autofocus

    def below_cut(self, element: etree._Element) -> bool:
        """True when ``element`` lies where the tree was cut (:attr:`ParseLimits.cut`): its
        tag, place and ancestors may not be those a browser gives it."""
        if not self.limits.cut:
            return False
        if self._below_cut is None:
            self._below_cut = set()
            for wrapper in self.tree.iter(CUT_ELEMENT):
                self._below_cut.update(wrapper.iter())
        return element in self._below_cut


_Features = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""Tags, ids and classes, each sorted without repeats (tuples: a memo holds many)."""
_NONE: Final[_Features] = ((), (), ())


@dataclass(frozen=True, slots=True)
class _Complex:
    """One complex selector, compiled for the pages of a mode (quirks or not)."""

    required: _Features = _NONE
    """Every tag, id and class the selector requires outside ``:not()``, ``:is()``, ``:has()``:
    all must be on the page."""
    rightmost: _Features = _NONE
    """Those of the rightmost compound: a matching element carries each of them."""
    path: str = "descendant-or-self::*"
    """XPath 1.0 for the matching elements, from the root."""
    condition: str | None = None
    """XPath 1.0 predicate true on a matching element (``cssselect``'s translation, with
    combinators as reverse axes); None when not expressible."""
    decided: bool = False
    """The prefilter alone decides (``div``, ``.a``, ``#a``)."""
    pseudo: str | None = None
    """The pseudo-element it styles (``before``), matched through its element."""
    never: bool = False
    """A dynamic pseudo-class that no element has at load is required."""
    focus: bool = False
    """Uses a focus pseudo-class: with ``autofocus`` on the page, doubt."""
    doubt: bool = False
    """Could not be evaluated: it counts as matching every element."""
    source: str | None = None
    """For a selector compiled from its text alone (:func:`_compile_simple`): the text, which
    ``cssselect`` translates to ``path`` and ``condition`` only when the prefilter cannot
    decide."""
    quirks: bool = False
    attributes: bool = False
    """Tests attributes (``[type=x]``), which an element with too many may have lost."""

    def _xpaths(self) -> tuple[str, str | None] | None:
        """``path`` and ``condition``, translated if need be; None when ``cssselect``
        cannot translate (doubt)."""
        if self.source is None:
            return self.path, self.condition
        return _translate(self.source, self.quirks)

    def undecided(self, page: PageIndex) -> bool:
        """True when nothing can be known: every element may match."""
        return self.doubt or (self.focus and page.autofocus)

    def _candidates(self, page: PageIndex) -> list[etree._Element] | None:
        """The elements carrying the rightmost compound's rarest feature; ``[]`` when the page
        lacks a required feature; None when the rightmost compound has none (``.a > *``)."""
        if self.never:
            return []
        tags, ids, classes = self.required
        for name in classes:
            if name not in page.by_class:
                return []
        for name in ids:
            if name not in page.by_id:
                return []
        for tag in tags:
            if not page.by_tag(tag):
                return []
        tags, ids, classes = self.rightmost
        lists = [
            *(page.by_id[name] for name in ids),
            *(page.by_class[name] for name in classes),
            *(page.by_tag(tag) for tag in tags),
        ]
        return min(lists, key=len) if lists else None

    def approximated(self, page: PageIndex) -> bool:
        """True when it may match an element the parser approximated (:class:`PageIndex`),
        whatever the tree says: a required class or id (never lost) is on the page, and the
        rightmost compound's elements may lie below the cut (or, for ``[attr]``, an element
        lost attributes)."""
        limits = page.limits
        if self.never or not (limits.cut or (limits.capped and self.attributes)):
            return False
        tags, ids, classes = self.required
        if any(name not in page.by_class for name in classes):
            return False
        if any(name not in page.by_id for name in ids):
            return False
        if limits.capped and self.attributes:
            return True
        if any(tag not in limits.lost_tags and not page.by_tag(tag) for tag in tags):
            return False
        tags, ids, classes = self.rightmost
        if ids or classes:
            lists = [page.by_id[name] for name in ids]
            lists += [page.by_class[name] for name in classes]
        elif tags and not limits.lost_tags.intersection(tags):
            lists = [page.by_tag(tag) for tag in tags]
        else:
            return True
        return any(page.below_cut(element) for element in min(lists, key=len))

    def matches(self, page: PageIndex) -> bool:
        return self._matches(page) or self.approximated(page)

    def _matches(self, page: PageIndex) -> bool:
        if self.undecided(page):
            return True
        candidates = self._candidates(page)
        if candidates is not None and (not candidates or self.decided):
            return bool(candidates)
        xpaths = self._xpaths()
        if xpaths is None:
            return True
        path, condition = xpaths
        try:
            if candidates is None or condition is None or len(candidates) > page.size // 10:
                return bool(_xpath(f"boolean({path})")(page.tree))
            test = _xpath(f"boolean($c[{condition}])")
            return bool(test(page.tree, c=cast(Any, candidates)))
        except (etree.XPathError, ValueError):
            # ValueError: lxml refuses control characters (a class name escaped as \\b).
            return True

    def elements(self, page: PageIndex) -> list[etree._Element] | None:
        """The elements it matches on ``page``, in document order; None when undecided (any
        element may match)."""
        if self.undecided(page) or self.approximated(page):
            return None
        candidates = self._candidates(page)
        if candidates is not None and (not candidates or self.decided):
            return candidates
        xpaths = self._xpaths()
        if xpaths is None:
            return None
        path, condition = xpaths
        try:
            if candidates is None or condition is None:
                found = _xpath(path)(page.tree)
            else:
                found = _xpath(f"$c[{condition}]")(page.tree, c=cast(Any, candidates))
        except (etree.XPathError, ValueError):
            return None
        return list(found)  # type: ignore[arg-type]


_DOUBT: Final = _Complex(doubt=True)

_USER_ACTION: Final = frozenset(
    {
        "hover",
        "active",
        "visited",
        "target",
        "target-within",
        "user-invalid",
        "user-valid",
        "autofill",
        "-webkit-autofill",
        "fullscreen",
        "modal",
        "picture-in-picture",
        "popover-open",
        "drop",
        "drag-over",
    }
)
"""Pseudo-classes no element has when a page has just loaded, with no user input and no
fragment in its URL (Selectors 4 §9 and §7: user action, ``:visited`` (never, for privacy),
``:target``, element states entered by script or the user)."""
_FOCUS: Final = frozenset({"focus", "focus-visible", "focus-within"})
"""Focus pseudo-classes: true at load for an ``autofocus`` element and its ancestors."""
_ALWAYS_DOUBT: Final = frozenset({"scope"})
"""Known to ``cssselect`` but meaning something else here: ``:scope`` in ``@scope`` is the
scoping root, not the document root."""
_CASE_INSENSITIVE_VALUES: Final = frozenset((
    "accept", "accept-charset", "align", "alink", "axis", "bgcolor", "charset", "checked",
    "clear", "codetype", "color", "compact", "declare", "defer", "dir", "direction", "disabled",
    "enctype", "face", "frame", "hreflang", "http-equiv", "lang", "language", "link", "media",
    "method", "multiple", "nohref", "noresize", "noshade", "nowrap", "readonly", "rel", "rev",
    "rules", "scope", "scrolling", "selected", "shape", "target", "text", "type", "valign",
    "valuetype", "vlink",
))  # fmt: skip
"""Attributes whose values selectors match ASCII case-insensitively in HTML documents
(WHATWG HTML §4.16.2 "Case-sensitivity of selectors")."""


class _Doubt(Exception):
    """A part of a selector ``cssselect`` cannot evaluate, met inside ``:not()``."""


class _Translator(HTMLTranslator):
    """``cssselect``'s HTML translator with load-time semantics (module docstring).

    Something unknown in a positive position translates to no condition (it may match); inside
    ``:not()`` it raises :class:`_Doubt`, caught by the outermost ``:not()``, which then drops
    itself: a superset of the matches, at worst.
    """

    def __init__(self, quirks: bool) -> None:
        super().__init__()
        self.quirks = quirks
        self.negated = 0
        self.nested = 0
        self.never = False
        self.focus = False

    def _unknown(self, selector: Any) -> XPathExpr:
        if self.negated:
            raise _Doubt
        return self.xpath(selector)

    def xpath_pseudo(self, pseudo: Pseudo) -> XPathExpr:
        name = pseudo.ident.lower()
        if name in _USER_ACTION or name in _FOCUS:
            self.focus = self.focus or name in _FOCUS
            self.never = self.never or not self.nested
            return self.xpath(pseudo.selector).add_condition("0")
        if name in _ALWAYS_DOUBT:
            return self._unknown(pseudo.selector)
        try:
            return super().xpath_pseudo(Pseudo(pseudo.selector, name))
        except ExpressionError:
            return self._unknown(pseudo.selector)

    def xpath_function(self, function: Function) -> XPathExpr:
        try:
            return super().xpath_function(function)
        except ExpressionError:
            return self._unknown(function.selector)

    def xpath_negation(self, negation: Negation) -> XPathExpr:
        base = self.xpath(negation.selector)
        self.negated += 1
        self.nested += 1
        try:
            result: XPathExpr = super().xpath_negation(negation)
        except _Doubt:
            if self.negated > 1:
                raise
            return base
        finally:
            self.negated -= 1
            self.nested -= 1
        return result

    def _nested_call(self, method: Any, node: Any) -> XPathExpr:
        self.nested += 1
        try:
            result: XPathExpr = method(node)
        finally:
            self.nested -= 1
        return result

    def xpath_matching(self, matching: Matching) -> XPathExpr:
        return self._nested_call(super().xpath_matching, matching)

    def xpath_specificityadjustment(self, matching: SpecificityAdjustment) -> XPathExpr:
        return self._nested_call(super().xpath_specificityadjustment, matching)

    def xpath_relation(self, relation: Relation) -> XPathExpr:
        return self._nested_call(super().xpath_relation, relation)

    def xpath_checked_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        """WHATWG HTML §4.16.3 ``:checked``: checked checkboxes and radio buttons, and selected
        options; a select with no ``selected`` option selects one anyway, so any option may
        match."""
        kind = _lowered("@type")
        return xpath.add_condition(
            f"name(.) = 'option' or (name(.) = 'input' and @checked"
            f" and ({kind} = 'checkbox' or {kind} = 'radio'))"
        )

    def xpath_attrib(self, selector: Attrib) -> XPathExpr:
        if (
            selector.flag is None
            and selector.namespace is None
            and selector.value is not None
            and selector.attrib.lower() in _CASE_INSENSITIVE_VALUES
        ):
            selector = Attrib(
                selector.selector,
                None,
                selector.attrib,
                selector.operator,
                selector.value,
                "i",
            )
        return super().xpath_attrib(selector)

    def xpath_class(self, class_selector: Class) -> XPathExpr:
        if not self.quirks:
            return super().xpath_class(class_selector)
        return self.xpath_attrib_includes(
            self.xpath(class_selector.selector),
            _lowered("@class"),
            class_selector.class_name.lower(),
        )

    def xpath_hash(self, id_selector: Hash) -> XPathExpr:
        if not self.quirks:
            return super().xpath_hash(id_selector)
        return self.xpath_attrib_equals(
            self.xpath(id_selector.selector), _lowered("@id"), id_selector.id.lower()
        )

    def condition(self, tree: Any) -> str | None:
        """A predicate true on the elements ``tree`` matches, combinators turned into reverse
        axes (the form ``cssselect`` gives ``:not()``); None when a compound's translation is
        a path, which a predicate cannot hold."""
        try:
            return self._condition(tree) or "true()"
        except _NoCondition:
            return None

    def _condition(self, tree: Any) -> str:
        if isinstance(tree, CombinedSelector):
            axis = _REVERSE_AXES[tree.combinator]
            left = self._condition(tree.selector)
            step = f"{axis}[{left}]" if left else axis
            right = self._condition(tree.subselector)
            return f"({right}) and {step}" if right else step
        expression = self.xpath(tree)
        if expression.path:
            raise _NoCondition
        expression.add_name_test()
        return str(expression.condition)


class _NoCondition(Exception):
    """A compound whose translation is not a predicate."""


_REVERSE_AXES: Final = {
    " ": "ancestor::*",
    ">": "parent::*",
    "+": "preceding-sibling::*[1]",
    "~": "preceding-sibling::*",
}


def _lowered(attribute: str) -> str:
    return f"translate({attribute}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


def _features(tree: Any, quirks: bool) -> _Features:
    """The tags, ids and classes an element matching ``tree`` and its combinator chain needs
    on the page: positive, conjunctive positions only."""
    tags: set[str] = set()
    ids: set[str] = set()
    classes: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CombinedSelector):
            stack.extend((node.selector, node.subselector))
        elif isinstance(node, Element):
            if node.element and node.element != "*" and node.namespace is None:
                tags.add(node.element.lower())
        elif isinstance(node, Class):
            classes.add(node.class_name.lower() if quirks else node.class_name)
            stack.append(node.selector)
        elif isinstance(node, Hash):
            ids.add(node.id.lower() if quirks else node.id)
            stack.append(node.selector)
        elif hasattr(node, "selector"):
            stack.append(node.selector)
    return tuple(sorted(tags)), tuple(sorted(ids)), tuple(sorted(classes))


def _decided_by_prefilter(tree: Any) -> bool:
    """True for ``div``, ``*``, ``.a`` and ``#a``: present on the page means matched."""
    if isinstance(tree, Class | Hash):
        tree = tree.selector
        return isinstance(tree, Element) and not tree.element and tree.namespace is None
    return isinstance(tree, Element) and tree.namespace is None


def _pseudo_element(selector: Selector) -> str | None:
    pseudo = selector.pseudo_element
    if pseudo is None:
        return None
    return str(getattr(pseudo, "name", pseudo)).lower()


def _compile_one(selector: Selector, quirks: bool) -> _Complex:
    tree = selector.parsed_tree
    translator = _Translator(quirks)
    try:
        path = translator.selector_to_xpath(selector)
        condition = translator.condition(tree)
        rightmost = tree.subselector if isinstance(tree, CombinedSelector) else tree
        # A namespace prefix or another libxml2 refusal shows when the XPath first runs, which
        # then answers "doubt" (most selectors never get that far: the prefilter decides).
        return _Complex(
            _features(tree, quirks),
            _features(rightmost, quirks),
            path,
            condition,
            _decided_by_prefilter(tree),
            _pseudo_element(selector),
            translator.never,
            translator.focus,
        )
    except (SelectorError, _Doubt, RecursionError, ValueError):
        return _DOUBT


@lru_cache(maxsize=4096)
def _xpath(expression: str) -> etree.XPath:
    """``expression`` compiled by libxml2 (raises :class:`etree.XPathError` if invalid)."""
    return etree.XPath(expression)


@lru_cache(maxsize=4096)
def _translate(source: str, quirks: bool) -> tuple[str, str | None] | None:
    """The XPath path and condition of one complex selector; None when untranslatable."""
    try:
        (selector,) = parse(source)
        translator = _Translator(quirks)
        return translator.selector_to_xpath(selector), translator.condition(selector.parsed_tree)
    except (SelectorError, _Doubt, RecursionError, ValueError):
        return None


_IDENT: Final = r"-?[_a-zA-Z][_a-zA-Z0-9-]*"
_LEGACY_PSEUDO_ELEMENTS: Final = r"(?:before|after|first-line|first-letter)(?![-\w])"
_SUFFIX: Final = rf"(?:[.#]{_IDENT}|:(?!{_LEGACY_PSEUDO_ELEMENTS}){_IDENT}(?!\())"
_SIMPLE_COMPOUND: Final = rf"(?:[a-zA-Z][a-zA-Z0-9-]*{_SUFFIX}*|{_SUFFIX}+)"
_COMBINATOR: Final = r"[ \t\n\r\f]*[>+~][ \t\n\r\f]*|[ \t\n\r\f]+"
_SIMPLE_SELECTOR: Final = re.compile(
    rf"""[ \t\n\r\f]*
    ({_SIMPLE_COMPOUND}(?:(?:{_COMBINATOR}){_SIMPLE_COMPOUND})*)
    (?:::({_IDENT})|:({_LEGACY_PSEUDO_ELEMENTS}))?
    [ \t\n\r\f]*""",
    re.VERBOSE | re.IGNORECASE,
)
"""Compounds of a type selector, classes, ids and pseudo-classes without arguments, any
combinators, an optional pseudo-element: most selectors of real stylesheets, whose prefilter
features read straight off the text."""


def _compile_simple(selector_list: str, quirks: bool) -> tuple[_Complex, ...] | None:
    """What :func:`_compile` gives for a list of :data:`_SIMPLE_SELECTOR` selectors, without
    ``cssselect`` until an XPath is needed; None for any other list."""
    compiled: list[_Complex] = []
    for part in selector_list.split(","):
        match = _SIMPLE_SELECTOR.fullmatch(part)
        if match is None:
            return None
        compounds = _COMBINATORS.split(match.group(1).strip(" \t\n\r\f"))
        rightmost, decided, states = _compound_features(compounds[-1], quirks)
        required = rightmost
        for compound in compounds[:-1]:
            features, _, more = _compound_features(compound, quirks)
            required = _merged(required, features)
            states |= more
        pseudo = match.group(2) or match.group(3)
        compiled.append(
            _Complex(
                required,
                rightmost,
                decided=len(compounds) == 1 and decided,
                pseudo=pseudo.lower() if pseudo else None,
                never=bool(states),
                focus=bool(states & _FOCUS),
                source=part.strip(" \t\n\r\f"),
                quirks=quirks,
            )
        )
    return tuple(compiled)


_COMBINATORS: Final = re.compile(_COMBINATOR)
_SIMPLE_SUFFIX: Final = re.compile(rf"[.#:]{_IDENT}")


@lru_cache(maxsize=8192)
def _compound_features(compound: str, quirks: bool) -> tuple[_Features, bool, frozenset[str]]:
    """The tag, ids and classes of a compound such as ``div.a#b:hover``; whether the
    prefilter decides it (one type, class or id selector alone); the dynamic pseudo-classes
    it requires, which no element has at load (Selectors 4 §9)."""
    suffixes = _SIMPLE_SUFFIX.findall(compound)
    tag = compound[: len(compound) - sum(map(len, suffixes))] if compound[0] not in ".#:" else ""
    fold = str.lower if quirks else str
    ids = tuple(sorted({fold(name[1:]) for name in suffixes if name[0] == "#"}))
    classes = tuple(sorted({fold(name[1:]) for name in suffixes if name[0] == "."}))
    pseudo_classes = {name[1:].lower() for name in suffixes if name[0] == ":"}
    decided = len(suffixes) + bool(tag) == 1 and not pseudo_classes
    states = frozenset(pseudo_classes & (_USER_ACTION | _FOCUS))
    return ((tag.lower(),) if tag else (), ids, classes), decided, states


def _merged(features: _Features, more: _Features) -> _Features:
    (tags, ids, classes), (more_tags, more_ids, more_classes) = features, more
    return _both(tags, more_tags), _both(ids, more_ids), _both(classes, more_classes)


def _both(names: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    """The names of either, sorted, without repeats."""
    return tuple(sorted({*names, *more}))


def _split(selector_list: str) -> list[str]:
    """The complex selectors of a list, split at top-level commas."""
    parts: list[list[Any]] = [[]]
    for token in tinycss2.parse_component_value_list(selector_list):
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return [tinycss2.serialize(part).strip() for part in parts]


def _compile(selector_list: str, quirks: bool) -> tuple[_Complex, ...]:
    simple = _compile_simple(selector_list, quirks)
    if simple is not None:
        return simple
    compiled = _compile_complex(selector_list, quirks)
    if "[" in selector_list:  # an attribute selector, or so it may seem (doubt widens)
        compiled = tuple(replace(complex_, attributes=True) for complex_ in compiled)
    return compiled


def _compile_complex(selector_list: str, quirks: bool) -> tuple[_Complex, ...]:
    try:
        return tuple(_compile_one(selector, quirks) for selector in parse(selector_list))
    except (SelectorError, RecursionError):
        pass
    compiled: list[_Complex] = []
    try:
        parts = _split(selector_list)
    except RecursionError:
        return (_DOUBT,)
    for part in parts:
        try:
            compiled.extend(_compile_one(selector, quirks) for selector in parse(part))
        except (SelectorError, RecursionError):
            compiled.append(_after_pseudo_element(part, quirks))
    return tuple(compiled)


_STATE_AFTER_PSEUDO: Final = re.compile(r"(.*::[-\w]+(?:\([^)]*\))?)((?::[-\w]+)+)\s*", re.DOTALL)


def _after_pseudo_element(part: str, quirks: bool) -> _Complex:
    """``a::before:hover``, which ``cssselect`` rejects: Selectors 4 §3.6.3 allows user-action
    pseudo-classes after a pseudo-element, and they never match at load. Anything else: doubt."""
    found = _STATE_AFTER_PSEUDO.fullmatch(part)
    if found is None:
        return _DOUBT
    states = {name.lower() for name in found.group(2)[1:].split(":")}
    if not states <= _USER_ACTION | _FOCUS:
        return _DOUBT
    try:
        (selector,) = parse(found.group(1))
    except (SelectorError, RecursionError, ValueError):
        return _DOUBT
    compiled = _compile_one(selector, quirks)
    if compiled.doubt:
        return compiled
    return replace(compiled, never=True, focus=compiled.focus or bool(states & _FOCUS))


_COMPILED: Final = {quirks: SecondUseMemo[str, tuple[_Complex, ...]](65536, ghosts=16384)
                    for quirks in (False, True)}  # fmt: skip
"""Compiled selector lists by mode: those of shared stylesheets stay, a page's own pass
through. An entry takes about 500 bytes (its text is shared with the stylesheet's scan while
that is remembered): 65,536 of them cover the thousand component stylesheets of a 10,000-page
site, where 8,192 made every page recompile about 170 lists."""


class SelectorMatcher:
    """Compiles each selector list once per process (cache), matches it against page trees.

    A list matches when any of its complex selectors matches an element (Selectors 4 §4.1);
    see the module docstring for what counts at load and what counts as doubt.
    """

    def compile(self, selector_list: str, *, quirks: bool = False) -> tuple[Any, ...]:
        """The compiled complex selectors of ``selector_list`` (the same objects every call)."""
        memo = _COMPILED[quirks]
        compiled = memo.get(selector_list)
        if compiled is None:
            compiled = _compile(selector_list, quirks)
            memo.put(selector_list, compiled)
        return compiled

    def any_match(self, selector_list: str, page: PageIndex) -> bool:
        """True when some element of ``page`` (or its pseudo-element) matches at load."""
        known = page._memo.get(selector_list)
        if known is None:
            known = page._memo[selector_list] = any(
                complex_.matches(page)
                for complex_ in self.compile(selector_list, quirks=page.quirks)
            )
        return known

    def font_uses(self, uses: Iterable[FontUse], page: PageIndex) -> tuple[FontUse, ...]:
        """The font-family, weight and style combinations the elements of ``page`` compute
        from ``uses`` (the page's font declarations, already filtered by media), as uses with
        no selector, to give :func:`font_face_used`.

        An approximate cascade (CSS Cascade 4 §6, CSS Fonts 4 §2), erring toward more
        combinations: every declaration whose selector matches an element counts (no
        specificity or order), values inherit from the parent element (a pseudo-element from
        its element), ``bolder``/``lighter`` resolve against the parent (CSS Fonts 4 §2.2.1),
        and the UA's ``b``, ``strong``, ``h1`` to ``h6``, ``th`` (bold) and ``i``, ``em``,
        ``cite``, ``var``, ``dfn``, ``address`` (italic) count where no author rule sets the
        property. ``var()`` takes each value that a custom property declaration matching some
        element gives it, and its fallback (:meth:`FontUse.substitute`). Uses without a
        selector (``style`` attributes), or with one that cannot be evaluated, apply to an
        unknown element: their families count with any weight and style, and their weights
        and styles join every combination.
        """
        return _Cascade(self, page).run(uses)


# -- the approximate cascade for fonts -------------------------------------------------------

_Target = tuple[etree._Element, str | None]
_UA_WEIGHT: Final = {
    "b": "bolder",
    "strong": "bolder",
    "optgroup": "bolder",
    **{tag: "bold" for tag in ("h1", "h2", "h3", "h4", "h5", "h6", "th")},
}
"""Chromium's UA stylesheet (``html.css``), which the HTML rendering section mirrors (§15.3)."""
_UA_STYLE: Final = {tag: "italic" for tag in ("i", "em", "cite", "var", "dfn", "address")}

_Values = frozenset[Any] | None
"""Possible computed values; None when unknown (any)."""


@dataclass(slots=True)
class _Declared:
    families: list[tuple[str, ...]] = field(default_factory=list)
    weights: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)


class _Cascade:
    def __init__(self, matcher: SelectorMatcher, page: PageIndex) -> None:
        self.matcher = matcher
        self.page = page
        self.declared: dict[_Target, _Declared] = {}
        self.unknown = _Declared()
        self.memo: dict[tuple[str, _Target], _Values] = {}
        self.targets: dict[str, list[_Target] | None] = {}

    def run(self, uses: Iterable[FontUse]) -> tuple[FontUse, ...]:
        uses = list(uses)
        custom: dict[str, set[str]] = {}
        for use in uses:
            if use.custom and (
                use.selector is None or self.matcher.any_match(use.selector, self.page)
            ):
                for name, value in use.custom:
                    custom.setdefault(name, set()).add(value)
        for use in uses:
            for concrete in use.substitute(custom) if use.pending else (use,):
                if concrete.family_declared or concrete.weight or concrete.style:
                    self._place(concrete)
        targets: list[_Target] = list(self.declared)
        for element in self.page.tree.iter(*_UA_WEIGHT, *_UA_STYLE):
            targets.append((element, None))
        extra_weights = _weights(self.unknown.weights, frozenset({400}))
        extra_styles = _styles(self.unknown.styles, frozenset({"normal"}))
        if self.page.limits.cut:
            # Below the cut, elements lost their tags (the UA's bold and italic ones) and
            # their ancestors (what they inherit): any weight and style may be computed.
            extra_weights = extra_styles = None
        found: set[FontUse] = set()
        for families in self.unknown.families:
            found.add(FontUse(families, "", ""))
        for target in targets:
            family_lists = self._computed("family", target)
            if family_lists is not None and not family_lists:
                continue
            weights = _union(self._computed("weight", target), extra_weights)
            styles = _union(self._computed("style", target), extra_styles)
            for families in family_lists if family_lists is not None else [()]:
                for weight in weights if weights is not None else [""]:
                    for style in styles if styles is not None else [""]:
                        found.add(FontUse(families, _number(weight), style))
        return tuple(sorted(found, key=lambda use: (use.families, use.weight, use.style)))

    def _place(self, use: FontUse) -> None:
        targets = None if use.selector is None else self._targets(use.selector)
        if targets is None:
            _add(self.unknown, use)
        for target in targets or ():
            _add(self.declared.setdefault(target, _Declared()), use)

    def _targets(self, selector: str) -> list[_Target] | None:
        """What ``selector`` styles on the page; None when that cannot be known."""
        known = self.targets.get(selector, _MISSING)
        if known is not _MISSING:
            return known  # type: ignore[return-value]
        found: list[_Target] = []
        targets: list[_Target] | None = found
        for complex_ in self.matcher.compile(selector, quirks=self.page.quirks):
            elements = complex_.elements(self.page)
            if elements is None:
                targets = None
                break
            pseudo = complex_.pseudo
            found.extend((element, pseudo) for element in elements)
        self.targets[selector] = targets
        return targets

    def _computed(self, prop: str, target: _Target) -> _Values:
        """The possible computed values of ``prop`` on ``target``: walks up to the nearest
        ancestor known, then computes down, so deep trees cost no recursion."""
        chain: list[_Target] = []
        current: _Target | None = target
        inherited: _Values = _ROOT[prop]
        while current is not None:
            known = self.memo.get((prop, current), _MISSING)
            if known is not _MISSING:
                inherited = known  # type: ignore[assignment]
                break
            chain.append(current)
            current = _parent(current)
        for link in reversed(chain):
            inherited = self._own(prop, link, inherited)
            self.memo[(prop, link)] = inherited
        return inherited

    def _own(self, prop: str, target: _Target, parent: _Values) -> _Values:
        declared = self.declared.get(target)
        element, pseudo = target
        if prop == "family":
            lists = declared.families if declared else []
            if not lists:
                return parent
            return None if () in lists else frozenset(lists)
        values = (declared.weights if prop == "weight" else declared.styles) if declared else []
        if not values and pseudo is None:
            ua = (_UA_WEIGHT if prop == "weight" else _UA_STYLE).get(str(element.tag))
            values = [ua] if ua else []
        if not values:
            return parent
        return _weights(values, parent) if prop == "weight" else _styles(values, parent)


_MISSING: Final = object()
_ROOT: Final[dict[str, _Values]] = {
    "family": frozenset(),
    "weight": frozenset({400}),
    "style": frozenset({"normal"}),
}


def _parent(target: _Target) -> _Target | None:
    element, pseudo = target
    if pseudo is not None:
        return (element, None)
    parent = element.getparent()
    return None if parent is None else (parent, None)


def _add(declared: _Declared, use: FontUse) -> None:
    if use.family_declared:
        declared.families.append(use.families)
    if use.weight:
        declared.weights.append(use.weight)
    if use.style:
        declared.styles.append(use.style)


def _union(values: _Values, extra: _Values) -> _Values:
    if values is None or extra is None:
        return None
    return values | extra


def _number(weight: Any) -> str:
    if weight == "":
        return ""
    value = float(weight)
    return str(int(value)) if value == int(value) else str(value)


def _weights(values: Iterable[str], parent: _Values) -> _Values:
    """Computed ``font-weight`` values for declared ``values`` (CSS Fonts 4 §2.2)."""
    found: set[float] = set()
    for value in values:
        absolute = _absolute_weight(value)
        if absolute is not None:
            found.add(absolute)
        elif value in ("inherit", "unset") and parent is not None:
            found |= parent
        elif value in ("bolder", "lighter") and parent is not None:
            found |= {_relative(value, weight) for weight in parent}
        else:
            return None
    return frozenset(found)


def _absolute_weight(value: str) -> float | None:
    if value in ("normal", "initial"):
        return 400
    if value == "bold":
        return 700
    try:
        number = float(value)
    except ValueError:
        return None
    return number if 1 <= number <= 1000 else None


def _relative(keyword: str, parent: float) -> float:
    """``bolder``/``lighter`` from the parent's weight (CSS Fonts 4 §2.2.1, the table)."""
    if keyword == "bolder":
        return 400 if parent < 350 else 700 if parent < 550 else 900 if parent < 900 else parent
    return parent if parent < 100 else 100 if parent < 550 else 400 if parent < 750 else 700


def _styles(values: Iterable[str], parent: _Values) -> _Values:
    """Computed ``font-style`` categories (CSS Fonts 4 §2.4): normal, italic, oblique."""
    found: set[str] = set()
    for value in values:
        category = _style_category(value)
        if category is not None:
            found.add(category)
        elif value in ("inherit", "unset") and parent is not None:
            found |= parent
        else:
            return None
    return frozenset(found)


def _style_category(value: str) -> str | None:
    """normal, italic or oblique for a style as written; None when unknown."""
    if value in ("normal", "initial"):
        return "normal"
    if value == "italic":
        return "italic"
    return "oblique" if value.startswith("oblique") else None


# -- font matching ----------------------------------------------------------------------------

_GENERIC: Final = GENERIC_FAMILIES

_Face = tuple[tuple[float, float], str]
"""A face's weight range and style category."""


def font_face_used(
    family: str,
    weight: str | None,
    style: str | None,
    uses: Iterable[FontUse],
    faces: Iterable[tuple[str, str | None, str | None]],
) -> bool:
    """True when some use selects the ``@font-face`` with descriptors ``family``, ``weight``,
    ``style`` among ``faces`` (all the page's ``@font-face`` descriptors, this one included).

    ``uses`` are those that apply to the page: :meth:`SelectorMatcher.font_uses` gives them
    per element; raw uses work too, with their undeclared weight or style read as unknown.

    A use names the family when its ``font-family`` list reaches it before a generic family
    (always available, so nothing after it is used). An earlier web or local family does not
    stop the walk: a browser falls back per character (CSS Fonts 4 §5.3), and which glyphs a
    font lacks is not known here. ``families=()`` names every family. Then CSS Fonts 4 §5.2
    step 4 picks the face: ``font-style`` first (italic → oblique → normal; oblique → italic →
    normal; normal → oblique → italic), then ``font-weight`` (400 to 500: up to 500, then down,
    then up; below 400: down, then up; above 500: up, then down; ranges by nearest end). An
    unknown weight or style (``""``, ``var()``, ``bolder`` unresolved) may pick any face.
    ``font-stretch`` and ``unicode-range`` are ignored: faces that differ only there all count.
    """
    wanted = family.lower()
    mine = _face(weight, style)
    all_faces = [(name.lower(), _face(w, s)) for name, w, s in faces]
    candidates = {face for name, face in all_faces if name == wanted} | {mine}
    for use in uses:
        if not use.family_declared or not _names(use.families, wanted):
            continue
        if mine in _select(candidates, _absolute_weight(use.weight), _style_category(use.style)):
            return True
    return False


def _names(families: tuple[str, ...], wanted: str) -> bool:
    if not families:
        return True
    for name in families:
        if name == wanted:
            return True
        if name in _GENERIC:
            return False
    return False


def _face(weight: str | None, style: str | None) -> _Face:
    """A face's ``font-weight`` and ``font-style`` descriptors (CSS Fonts 4 §4.5, §4.6);
    a missing or invalid one is ``normal``; ``auto`` is any weight."""
    low = high = 400.0
    words = (weight or "normal").lower().split()
    if words == ["auto"]:
        low, high = 1.0, 1000.0
    elif len(words) in (1, 2):
        bounds = [_absolute_weight(word) for word in words]
        if all(bound is not None for bound in bounds):
            numbers = [float(bound) for bound in bounds if bound is not None]
            low, high = min(numbers), max(numbers)
    return (low, high), _style_category((style or "normal").lower()) or "normal"


_STYLE_ORDER: Final = {
    "italic": ("italic", "oblique", "normal"),
    "oblique": ("oblique", "italic", "normal"),
    "normal": ("normal", "oblique", "italic"),
}


def _select(faces: set[_Face], weight: float | None, style: str | None) -> set[_Face]:
    """The faces CSS Fonts 4 §5.2 can pick for ``weight`` and ``style`` (None: unknown)."""
    chosen: set[_Face] = set()
    for wanted in _STYLE_ORDER if style is None else (style,):
        group = next(
            (
                [face for face in faces if face[1] == category]
                for category in _STYLE_ORDER[wanted]
                if any(face[1] == category for face in faces)
            ),
            [],
        )
        if weight is None:
            chosen.update(group)
        else:
            best = _closest_weight([face[0] for face in group], weight)
            chosen.update(face for face in group if face[0] in best)
    return chosen


def _closest_weight(ranges: list[tuple[float, float]], weight: float) -> set[tuple[float, float]]:
    """The weight ranges CSS Fonts 4 §5.2 step 4 ``font-weight`` picks for ``weight``."""
    inside = {bounds for bounds in ranges if bounds[0] <= weight <= bounds[1]}
    if inside:
        return inside

    def above(limit: float = 1001) -> Iterator[set[tuple[float, float]]]:
        lows = [low for low, _ in ranges if weight < low <= limit]
        if lows:
            yield {bounds for bounds in ranges if bounds[0] == min(lows)}

    def below() -> Iterator[set[tuple[float, float]]]:
        highs = [high for _, high in ranges if high < weight]
        if highs:
            yield {bounds for bounds in ranges if bounds[1] == max(highs)}

    if 400 <= weight <= 500:
        order = [above(500), below(), above()]
    elif weight < 400:
        order = [below(), above()]
    else:
        order = [above(), below()]
    for step in order:
        for found in step:
            return found
    return set()
