"""Selector matching at load: which elements of a page a selector list matches, and with
what specificity (Selectors 4 §16), for the cascade (:mod:`push_manifest.rendering.cascade`).
Never narrows on doubt:

- :class:`SelectorMatcher` tests selector lists against a :class:`PageIndex` with ``cssselect``
  (Selectors 4 compiled to XPath 1.0, run by libxml2). Pseudo-elements match through their
  element; user-action and other dynamic pseudo-classes (``:hover``, ``:focus``, ``:visited``,
  ``:target`` …) never match at load, except focus ones on a page with ``autofocus``; whatever
  ``cssselect`` cannot evaluate counts as matching, and inside ``:not()`` drops the ``:not()``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
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
from push_manifest.scanners.html import CUT_ELEMENT, ParseLimits, parse_limits

__all__ = ["Hints", "PageIndex", "SelectorMatcher", "Specificity", "selector_hints"]

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

    __slots__ = ("_autofocus", "_below_cut", "_memo", "_names", "_size", "_tags", "by_class",
                 "by_id", "limits", "quirks", "tree")  # fmt: skip

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
        self._names: set[str] | None = None

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

    def names(self) -> set[str]:
        """The page's classes as ``.name`` and ids as ``#name`` (lowercase in quirks mode)."""
        if self._names is None:
            self._names = {f".{name}" for name in self.by_class}
            self._names.update(f"#{name}" for name in self.by_id)
        return self._names

    def may_match(self, hints: Hints | None) -> bool:
        """False when the page lacks a class or id that each complex selector of a list
        requires (:func:`selector_hints`): the list matches nothing here."""
        if hints is None:
            return True
        for classes, ids in hints:
            if self.quirks:
                classes = tuple(name.lower() for name in classes)
                ids = tuple(name.lower() for name in ids)
            if all(name in self.by_class for name in classes) and all(
                name in self.by_id for name in ids
            ):
                return True
        return False

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


Hints = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
"""Per complex selector of a list: the classes and the ids it requires, each without repeats
(tuples of interned names: a sheet's prepared rules hold one per selector)."""


@lru_cache(maxsize=8192)
def selector_hints(selector_list: str) -> Hints | None:
    """The classes and ids each complex selector of ``selector_list`` requires, read from the
    text alone, or None where the text is not that simple (functional pseudo-classes,
    attribute selectors, escapes, strings, a name that is not an identifier). Every compound
    of a complex selector must match some element (Selectors 4 §3.1), so a page without one of
    these names matches nothing: the test browsers make with their rule hashes, which spares
    compiling selectors no element of the page could match."""
    if _NOT_PLAIN.search(selector_list):
        return None
    hints = []
    for complex_ in selector_list.split(","):
        found = _CLASS_OR_ID.findall(complex_)
        if len(found) != complex_.count(".") + complex_.count("#"):
            return None
        classes = tuple(dict.fromkeys(sys.intern(name) for mark, name in found if mark == "."))
        ids = tuple(dict.fromkeys(sys.intern(name) for mark, name in found if mark == "#"))
        hints.append((classes, ids))
    return tuple(hints)


_NOT_PLAIN: Final = re.compile(r"""[(\[\\"'&]""")
_CLASS_OR_ID: Final = re.compile(
    r"([.#])((?:--|-?[A-Za-z_\u0080-\U0010ffff])[-\w\u0080-\U0010ffff]*)", re.ASCII
)
"""A class or id selector whose name is a CSS identifier (CSS Syntax 3 §4.2: name code
points are ASCII letters, digits, ``_``, ``-`` and every non-ASCII code point)."""


Specificity = tuple[int, int, int]
"""Ids, classes/attributes/pseudo-classes, types/pseudo-elements (Selectors 4 §16)."""
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
    specificity: Specificity = (0, 0, 0)

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
            specificity=selector.specificity(),
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
                specificity=_simple_specificity(compounds, pseudo),
            )
        )
    return tuple(compiled)


_COMBINATORS: Final = re.compile(_COMBINATOR)


def _simple_specificity(compounds: list[str], pseudo: str | None) -> Specificity:
    ids = classes = types = 0
    for compound in compounds:
        for suffix in _SIMPLE_SUFFIX.findall(compound):
            if suffix[0] == "#":
                ids += 1
            else:
                classes += 1
        types += compound[0] not in ".#:*"
    return ids, classes, types + (pseudo is not None)


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

    def matches(self, selector_list: str, page: PageIndex) -> list[tuple[Any, list[Any] | None]]:
        """Each complex selector of the list with the elements it matches on ``page`` (None:
        undecided, any element may match), those that match none left out. Each compiled
        selector has ``specificity`` and ``pseudo`` (the pseudo-element it styles)."""
        found = []
        for complex_ in self.compile(selector_list, quirks=page.quirks):
            elements = complex_.elements(page)
            if elements is None or elements:
                found.append((complex_, elements))
        return found

    def any_match(self, selector_list: str, page: PageIndex) -> bool:
        """True when some element of ``page`` (or its pseudo-element) matches at load."""
        known = page._memo.get(selector_list)
        if known is None:
            known = page._memo[selector_list] = any(
                complex_.matches(page)
                for complex_ in self.compile(selector_list, quirks=page.quirks)
            )
        return known
