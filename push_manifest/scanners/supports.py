"""``@supports`` conditions and ``@import … supports()`` conditions, evaluated as Chromium 156
evaluates them (CSS Conditional 3 §2, CSS Conditional 4 §2 ``selector()``, CSS Conditional 5
``font-tech()``, ``font-format()``, ``at-rule()``, ``named-feature()``; CSS Cascade 5 §2 for the
import condition).

What Chromium supports comes from :mod:`push_manifest.scanners.css_support_data`, generated from
MDN's browser-compat-data and mdn-data by ``tools/generate_css_support.py``.

Values are not parsed against their grammar. A declaration is false when the property is
unknown to Chromium, when an identifier-only value uses a keyword outside the property's
keyword-only grammar, or when a top-level function is one Chromium lacks; otherwise true.
Where the answer is in doubt (a selector cssselect cannot parse, an unknown ``-webkit-``
keyword or pseudo-element) it is *unknown*, which stays unknown through ``not``, ``and`` and
``or`` (Kleene logic) and counts as true at the end: a rule is never dropped on doubt, even
under ``not``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

import cssselect
import tinycss2

from push_manifest.scanners.css_support_data import (
    AT_RULES,
    KEYWORDS,
    NAMED_FEATURES,
    PROPERTIES,
    PSEUDO_CLASSES,
    PSEUDO_ELEMENTS,
    UNSUPPORTED_FUNCTIONS,
)

__all__ = ["FONT_TECHS", "supports_condition", "supports_condition_text"]

Node = Any
"""A tinycss2 node (tinycss2 ships no type information)."""

Truth = bool | None
"""True, false, or None for unknown."""

CSS_WIDE_KEYWORDS: Final = frozenset({"initial", "inherit", "unset", "revert", "revert-layer"})
_SUBSTITUTIONS: Final = frozenset({"var", "env", "attr"})
_FONT_FORMATS: Final = frozenset({"collection", "opentype", "truetype", "woff", "woff2"})
"""``font-format()`` keywords Chromium loads (CSS Fonts 4 §4.3.1); ``embedded-opentype`` and
``svg`` parse but are unsupported."""
FONT_TECHS: Final = frozenset(
    {
        "features-opentype",
        "features-aat",
        "color-colrv0",
        "color-colrv1",
        "color-sbix",
        "color-cbdt",
        "variations",
        "palettes",
    }
)
"""``font-tech()`` keywords Chromium supports (CSS Fonts 4 §4.3.1); ``features-graphite``,
``color-svg`` and ``incremental`` are not."""
_SCROLLBAR_PSEUDO_CLASSES: Final = frozenset(
    {
        "horizontal",
        "vertical",
        "decrement",
        "increment",
        "start",
        "end",
        "double-button",
        "single-button",
        "no-button",
        "corner-present",
        "window-inactive",
    }
)
"""WebKit's scrollbar pseudo-classes, which Chromium has and browser-compat-data does not
list: unknown rather than false."""


class _Invalid(Exception):
    """The condition does not match the grammar: the whole rule is dropped."""


def supports_condition(tokens: Sequence[Node]) -> bool:
    """Whether Chromium 156 applies an ``@supports`` rule with this prelude (tinycss2 component
    values), or loads an ``@import`` whose ``supports()`` holds these arguments.

    ``<supports-condition>`` (CSS Conditional 3 §2.1), or a bare ``<declaration>`` as the
    import condition allows (CSS Cascade 5 §2; an ``@supports`` prelude written so is invalid
    in Chromium, and is taken as true here). A prelude that matches neither is false; an
    unknown answer is true.
    """
    items = _significant(tokens)
    try:
        result = _condition(items)
    except _Invalid:
        result = _declaration(items) if _is_declaration(items) else False
    return result is not False


def supports_condition_text(text: str) -> bool:
    """:func:`supports_condition` of CSS text (an ``@supports`` prelude or the arguments of an
    import's ``supports()``)."""
    return supports_condition(tinycss2.parse_component_value_list(text, skip_comments=True))


def _significant(tokens: Iterable[Node]) -> list[Node]:
    return [token for token in tokens if token.type not in ("whitespace", "comment")]


def _keyword(token: Node) -> str | None:
    return token.lower_value if token.type == "ident" else None


def _condition(items: list[Node]) -> Truth:
    """``<supports-condition> = not <supports-in-parens> | <supports-in-parens> [ and
    <supports-in-parens> ]* | <supports-in-parens> [ or <supports-in-parens> ]*``: ``and`` and
    ``or`` do not mix without parentheses."""
    if not items:
        raise _Invalid
    if _keyword(items[0]) == "not":
        if len(items) != 2:
            raise _Invalid
        return _not(_in_parens(items[1]))
    operands = [_in_parens(items[0])]
    operator = None
    for index in range(1, len(items), 2):
        word = _keyword(items[index])
        if word not in ("and", "or") or operator not in (None, word) or index + 1 >= len(items):
            raise _Invalid
        operator = word
        operands.append(_in_parens(items[index + 1]))
    return _or(operands) if operator == "or" else _and(operands)


def _not(value: Truth) -> Truth:
    return None if value is None else not value


def _and(values: Iterable[Truth]) -> Truth:
    values = list(values)
    return False if False in values else None if None in values else True


def _or(values: Iterable[Truth]) -> Truth:
    values = list(values)
    return True if True in values else None if None in values else False


def _in_parens(token: Node) -> Truth:
    """``<supports-in-parens> = ( <supports-condition> ) | <supports-feature> |
    <general-enclosed>``; general-enclosed is false (CSS Conditional 4 §2.1)."""
    if token.type == "() block":
        items = _significant(token.content)
        try:
            return _condition(items)
        except _Invalid:
            pass
        if _is_declaration(items):
            return _declaration(items)
        _any_value(token.content)
        return False
    if token.type == "function":
        feature = _FEATURES.get(token.lower_name)
        if feature is not None:
            return feature(token.arguments)
        _any_value(token.arguments)
        return False
    raise _Invalid


def _any_value(tokens: Iterable[Node]) -> None:
    """``<any-value>`` (CSS Syntax 3 §8.2): no bad strings, bad URLs or unmatched closers."""
    stack = [tokens]
    while stack:
        for token in stack.pop():
            if token.type == "error":
                raise _Invalid
            if token.type == "function":
                stack.append(token.arguments)
            elif token.type in ("() block", "[] block", "{} block"):
                stack.append(token.content)


def _is_declaration(items: list[Node]) -> bool:
    return (
        len(items) >= 2
        and items[0].type == "ident"
        and items[1].type == "literal"
        and items[1].value == ":"
    )


def _declaration(items: list[Node]) -> Truth:
    """``<supports-decl> = ( <declaration> )``: true when Chromium supports the property and
    the value parses for it (CSS Conditional 3 §2.3)."""
    declaration = tinycss2.parse_one_declaration(items, skip_comments=True)
    if declaration.type != "declaration":
        return False
    if declaration.name.startswith("--"):
        return True
    if declaration.lower_name not in PROPERTIES:
        return False
    return _value(declaration.lower_name, _significant(declaration.value))


def _value(name: str, tokens: list[Node]) -> Truth:
    if not tokens:
        return False
    nested: list[Sequence[Node]] = [tokens]
    while nested:
        for token in nested.pop():
            if token.type == "error" or (token.type == "literal" and token.value == ";"):
                return False
            if token.type == "function" and token.lower_name in _SUBSTITUTIONS:
                return True  # valid at parse time whatever it stands for
            if token.type == "function":
                nested.append(token.arguments)
    words = [_keyword(token) for token in tokens]
    if len(words) == 1 and words[0] in CSS_WIDE_KEYWORDS:
        return True
    if any(
        token.type == "function" and token.lower_name in UNSUPPORTED_FUNCTIONS for token in tokens
    ):
        return False
    keywords = KEYWORDS.get(name)
    if keywords is None or None in words:
        return True
    unknown = [word for word in words if word not in keywords]
    if any(not word.startswith("-webkit-") for word in unknown if word is not None):
        return False
    return None if unknown else True


def _selector(arguments: Sequence[Node]) -> Truth:
    """``selector(<complex-selector>)`` (CSS Conditional 4 §2.2): one complex selector, every
    pseudo-class and pseudo-element in it supported."""
    items = _significant(arguments)
    if not items or any(item.type == "literal" and item.value == "," for item in items):
        return False
    _any_value(arguments)
    known = _pseudos_known(arguments)
    if known is False:
        return False
    try:
        cssselect.parse(tinycss2.serialize(arguments))
    except cssselect.SelectorError:
        return None
    return known


def _pseudos_known(tokens: Sequence[Node]) -> Truth:
    """Whether Chromium knows every ``:name``, ``:name()``, ``::name`` and ``::name()`` in a
    selector, at any depth."""
    results: list[Truth] = []
    stack: list[Sequence[Node]] = [tokens]
    while stack:
        run = stack.pop()
        for index, token in enumerate(run):
            if token.type == "function":
                stack.append(token.arguments)
            elif token.type in ("() block", "[] block"):
                stack.append(token.content)
            if not (token.type == "literal" and token.value == ":") or index + 1 >= len(run):
                continue
            if index > 0 and run[index - 1].type == "literal" and run[index - 1].value == ":":
                continue  # the second colon of "::", handled with the first
            element = run[index + 1].type == "literal" and run[index + 1].value == ":"
            name_token = run[index + 2] if element and index + 2 < len(run) else run[index + 1]
            results.append(_pseudo_known(name_token, element))
    return _and(results)


def _pseudo_known(token: Node, element: bool) -> Truth:
    if token.type == "ident":
        name, other = token.lower_value, token.lower_value + "()"
    elif token.type == "function":
        name, other = token.lower_name + "()", token.lower_name
    else:
        return False
    names = PSEUDO_ELEMENTS if element else PSEUDO_CLASSES
    if name in names:
        return True
    # BCD names some functional pseudo-elements without "()" (::part, ::slotted); Chromium
    # has -webkit- pseudo-elements and scrollbar pseudo-classes BCD does not list.
    if other in names or name.startswith("-webkit-") or name in _SCROLLBAR_PSEUDO_CLASSES:
        return None
    return False


def _single_keyword(arguments: Sequence[Node]) -> str | None:
    items = _significant(arguments)
    return _keyword(items[0]) if len(items) == 1 else None


def _font_format(arguments: Sequence[Node]) -> Truth:
    """``font-format(<font-format>)`` (CSS Conditional 5 §2)."""
    return _single_keyword(arguments) in _FONT_FORMATS


def _font_tech(arguments: Sequence[Node]) -> Truth:
    """``font-tech(<font-tech>)`` (CSS Conditional 5 §2)."""
    return _single_keyword(arguments) in FONT_TECHS


def _at_rule(arguments: Sequence[Node]) -> Truth:
    """``at-rule(<at-keyword-token>)`` (CSS Conditional 5 §2)."""
    items = _significant(arguments)
    return len(items) == 1 and items[0].type == "at-keyword" and items[0].lower_value in AT_RULES


def _named_feature(arguments: Sequence[Node]) -> Truth:
    """``named-feature(<ident>)`` (CSS Conditional 5)."""
    return _single_keyword(arguments) in NAMED_FEATURES


_FEATURES: Final = {
    "selector": _selector,
    "font-format": _font_format,
    "font-tech": _font_tech,
    "at-rule": _at_rule,
    "named-feature": _named_feature,
}
"""The ``<supports-feature>`` functions Chromium 156 knows; any other is general-enclosed."""
