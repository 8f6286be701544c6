"""Media queries evaluated for a fixed :class:`~push_manifest.model.Viewport`.

Implements the syntax of Media Queries Level 4 §3 (with the Level 5 features Chromium ships) and
the three-valued evaluation of §3.2 ("unknown" for ``<general-enclosed>``), in the environment
of a Chromium on the viewport's device: media type ``screen``, ``width``/``height`` from the
layout viewport (``device-*`` from the screen), ``resolution`` from its ``dpr``, ``pointer`` and
``hover`` (and their ``any-`` forms: one pointing device) from its pointer (a fine pointer that can
hover on desktop, a coarse one that cannot on a phone), an 8-bit sRGB colour display, scripting
enabled, no user preference set (``prefers-color-scheme: light``).

One deliberate departure from the specification, "never prune on doubt": a well-formed media
feature whose *name* is not known here (``(foo)``, ``(foo: 1)``, ``(foo > 2)``) may be true or
false, and a query matches when some truth value of its unknown features makes it match (so both
``(foo)`` and ``not (foo)`` match). Everything else follows Chromium: a query that does not parse
is ``not all``; ``<general-enclosed>``, a known feature with an invalid value, and features
known to belong to other engines (``-moz-``, ``-o-``, ``-ms-``) are "unknown", which makes a
query false unless ``and``/``or`` decide it regardless.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import tinycss2
from tinycss2 import ast

from push_manifest.model import Viewport
from push_manifest.syntax import significant, split_commas

__all__ = [
    "container_width_matches",
    "fixed_length_in_px",
    "length_in_px",
    "media_condition_matches",
    "media_matches",
]

Truth = bool | None
"""A Kleene truth value; ``None`` is the specification's "unknown"."""

Outcomes = frozenset[Truth]
"""The truth values a condition can take, given that unknown features may take any."""

_TRUE: Outcomes = frozenset({True})
_FALSE: Outcomes = frozenset({False})
_UNKNOWN: Outcomes = frozenset({None})
_DOUBT: Outcomes = frozenset({True, False})

# Font-relative lengths in media queries use the initial font; these are the values measured in
# headless Chromium with Debian's default fonts (`ex`, `cap`, `lh` depend on the font).
_FONT_UNITS: dict[str, float] = {
    "em": 16.0,
    "rem": 16.0,
    "ex": 7.34375,
    "rex": 7.34375,
    "ch": 8.0,
    "rch": 8.0,
    "ic": 16.0,
    "ric": 16.0,
    "cap": 10.4766,
    "rcap": 10.4766,
    "lh": 18.0,
    "rlh": 18.0,
}
_ABSOLUTE_UNITS: dict[str, float] = {
    "px": 1.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
    "in": 96.0,
    "pt": 96 / 72,
    "pc": 16.0,
}
_RESOLUTION_UNITS: dict[str, float] = {"dppx": 1.0, "x": 1.0, "dpi": 1 / 96, "dpcm": 2.54 / 96}
_MATH_FUNCTIONS = frozenset({"calc", "min", "max", "clamp"})
_VIEWPORT_UNITS = frozenset({"vw", "vi", "vh", "vb", "vmin", "vmax"})


def _viewport_unit(unit: str, viewport: Viewport) -> float | None:
    """CSS px per viewport-percentage unit (css-values-4 §6.1.2). The small, large and dynamic
    viewports coincide for a static page; container units fall back to the small viewport, as
    they do outside any container."""
    if unit.startswith("cq"):
        unit = "v" + unit[2:]
    elif unit[:1] in ("s", "l", "d"):
        unit = unit[1:]
    if unit not in _VIEWPORT_UNITS:
        return None
    width, height = viewport.width / 100, viewport.height / 100
    if unit in ("vw", "vi"):
        return width
    if unit in ("vh", "vb"):
        return height
    return min(width, height) if unit == "vmin" else max(width, height)


def _unit_px(unit: str, viewport: Viewport) -> float | None:
    """CSS px per ``unit`` (lower case), or None when ``unit`` is not a length unit."""
    if unit in _ABSOLUTE_UNITS:
        return _ABSOLUTE_UNITS[unit]
    if unit in _FONT_UNITS:
        return _FONT_UNITS[unit]
    return _viewport_unit(unit, viewport)


# --- Numeric values and math functions (css-values-4 §10) ----------------------------------

_Kind = str
"""The type of a numeric value: ``"number"``, ``"length"`` (in px) or ``"resolution"`` (dppx)."""


def _numeric(node: ast.Node, viewport: Viewport) -> tuple[float, _Kind] | None:
    """The value and type of one numeric component value (number, dimension or math function)."""
    if node.type == "number":
        return float(node.value), "number"
    if node.type == "dimension":
        unit = node.lower_unit
        px = _unit_px(unit, viewport)
        if px is not None:
            return node.value * px, "length"
        if unit in _RESOLUTION_UNITS:
            return node.value * _RESOLUTION_UNITS[unit], "resolution"
        return None
    if node.type == "() block":
        return _sum(significant(node.content), viewport)
    if node.type == "function" and node.lower_name in _MATH_FUNCTIONS:
        return _math_function(node, viewport)
    return None


def _math_function(node: ast.FunctionBlock, viewport: Viewport) -> tuple[float, _Kind] | None:
    args: list[list[ast.Node]] = [[]]
    for token in significant(node.arguments):
        if token.type == "literal" and token.value == ",":
            args.append([])
        else:
            args[-1].append(token)
    values = [_sum(arg, viewport) for arg in args]
    if any(v is None for v in values):
        return None
    checked = [v for v in values if v is not None]
    kinds = {kind for _, kind in checked}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    numbers = [value for value, _ in checked]
    name = node.lower_name
    if name == "calc":
        return (numbers[0], kind) if len(numbers) == 1 else None
    if name == "clamp":
        if len(numbers) != 3:
            return None
        low, mid, high = numbers
        return max(low, min(mid, high)), kind
    return (min(numbers) if name == "min" else max(numbers)), kind


def _sum(tokens: Sequence[ast.Node], viewport: Viewport) -> tuple[float, _Kind] | None:
    """A calc-sum over significant tokens: products joined by ``+``/``-``."""
    terms: list[list[ast.Node]] = [[]]
    signs = [1.0]
    for token in tokens:
        if token.type == "literal" and token.value in ("+", "-"):
            if not terms[-1]:
                return None
            terms.append([])
            signs.append(1.0 if token.value == "+" else -1.0)
        else:
            terms[-1].append(token)
    total: float = 0.0
    kind: _Kind | None = None
    for sign, term in zip(signs, terms, strict=True):
        product = _product(term, viewport)
        if product is None or (kind is not None and product[1] != kind):
            return None
        total += sign * product[0]
        kind = product[1]
    return (total, kind) if kind is not None else None


def _product(tokens: Sequence[ast.Node], viewport: Viewport) -> tuple[float, _Kind] | None:
    if not tokens or len(tokens) % 2 == 0:
        return None
    first = _numeric(tokens[0], viewport)
    if first is None:
        return None
    value, kind = first
    for i in range(1, len(tokens), 2):
        operator, operand = tokens[i], _numeric(tokens[i + 1], viewport)
        if operator.type != "literal" or operand is None:
            return None
        if operator.value == "*":
            if kind != "number" and operand[1] != "number":
                return None
            value *= operand[0]
            kind = kind if kind != "number" else operand[1]
        elif operator.value == "/":
            if operand[1] != "number" or operand[0] == 0:
                return None
            value /= operand[0]
        else:
            return None
    return value, kind


def length_in_px(node: ast.Node, viewport: Viewport) -> float | None:
    """The length ``node`` (one component value) denotes in CSS px, or None if it is not one.

    Accepts a dimension in a length unit (absolute, font-relative against the initial 16px
    font, viewport-percentage), a unitless ``0``, and ``calc()``/``min()``/``max()``/``clamp()``
    over those (css-values-4 §5 to §10). Percentages have no meaning here and are rejected.
    """
    if node.type == "number":
        return 0.0 if node.value == 0 else None
    result = _numeric(node, viewport)
    if result is None or result[1] != "length" or not math.isfinite(result[0]):
        return None
    return result[0]


def fixed_length_in_px(node: ast.Node, viewport: Viewport) -> float | None:
    """The length ``node`` denotes in CSS px where nothing but the viewport decides it: a
    dimension in an absolute or viewport-percentage unit, or a unitless ``0``; None for
    anything else (font-relative and container units, percentages, math functions)."""
    if node.type == "number":
        return 0.0 if node.value == 0 else None
    if node.type != "dimension":
        return None
    unit = node.lower_unit
    px = _ABSOLUTE_UNITS.get(unit)
    if px is None and not unit.startswith("cq"):
        px = _viewport_unit(unit, viewport)
    return None if px is None else float(node.value) * px


# --- Media features (mediaqueries-5 §4 to §12) ------------------------------------------------


_Actual = float | str | tuple[float, float] | None
"""A feature's value in the environment: a number (px, dppx, plain), a keyword, the viewport's
``(width, height)`` for ratios, or None where the feature does not apply (``scan``)."""


@dataclass(frozen=True, slots=True)
class _Feature:
    """A media feature Chromium evaluates, its value type and its value in our environment."""

    kind: str
    """``length``, ``ratio``, ``resolution``, ``integer``, ``number`` or ``keyword``."""
    value: Callable[[Viewport], _Actual]
    range: bool = True
    prefixes: bool = True
    """Whether ``min-``/``max-`` forms exist (range features only)."""
    keywords: frozenset[str] = frozenset()
    falsy: frozenset[str] = frozenset({"none", "no-preference"})
    """Keyword values that are false in a boolean context (mediaqueries-4 §2.4.3)."""


def _kw(value: str, *allowed: str, falsy: Sequence[str] = ("none", "no-preference")) -> _Feature:
    return _Feature(
        "keyword",
        lambda _: value,
        range=False,
        keywords=frozenset((value, *allowed)),
        falsy=frozenset(falsy),
    )


def _const(value: float, kind: str = "integer", *, range_: bool = True) -> _Feature:
    return _Feature(kind, lambda _: value, range=range_)


def _device_kw(value: Callable[[Viewport], str], *allowed: str) -> _Feature:
    """A keyword feature whose value is the device's (``pointer``, ``hover``)."""
    return _Feature(
        "keyword", value, range=False, keywords=frozenset(allowed), falsy=frozenset({"none"})
    )


def _screen(viewport: Viewport) -> tuple[float, float]:
    """The screen size in CSS px: the window, unless the page is laid out wider (a phone's
    980 px layout viewport for a page without ``<meta name=viewport>``)."""
    return (
        viewport.device_width if viewport.device_width is not None else viewport.width,
        viewport.device_height if viewport.device_height is not None else viewport.height,
    )


def _orientation(viewport: Viewport) -> str:
    return "portrait" if viewport.height >= viewport.width else "landscape"


_FEATURES: dict[str, _Feature] = {
    "width": _Feature("length", lambda v: v.width),
    "height": _Feature("length", lambda v: v.height),
    "device-width": _Feature("length", lambda v: _screen(v)[0]),
    "device-height": _Feature("length", lambda v: _screen(v)[1]),
    "aspect-ratio": _Feature("ratio", lambda v: (v.width, v.height)),
    "device-aspect-ratio": _Feature("ratio", _screen),
    "orientation": _Feature(
        "keyword",
        _orientation,
        range=False,
        keywords=frozenset({"portrait", "landscape"}),
        falsy=frozenset(),
    ),
    "resolution": _Feature("resolution", lambda v: v.dpr),
    "-webkit-device-pixel-ratio": _Feature("number", lambda v: v.dpr),
    "color": _const(8),
    "color-index": _const(0),
    "monochrome": _const(0),
    "grid": _const(0, range_=False),
    "horizontal-viewport-segments": _Feature("integer", lambda _: 1, prefixes=False),
    "vertical-viewport-segments": _Feature("integer", lambda _: 1, prefixes=False),
    "-webkit-transform-3d": _const(1, range_=False),
    "scan": _Feature(
        "keyword",
        lambda _: None,
        range=False,
        keywords=frozenset({"interlace", "progressive"}),
        falsy=frozenset(),
    ),
    "update": _kw("fast", "slow", "none"),
    "overflow-block": _kw("scroll", "none", "paged"),
    "overflow-inline": _kw("scroll", "none"),
    "display-mode": _kw(
        "browser",
        "fullscreen",
        "standalone",
        "minimal-ui",
        "window-controls-overlay",
        "tabbed",
        "picture-in-picture",
        "borderless",
    ),
    "color-gamut": _kw("srgb", "p3", "rec2020"),
    "dynamic-range": _kw("standard", "high"),
    "pointer": _device_kw(lambda v: str(v.pointer), "fine", "coarse", "none"),
    "any-pointer": _device_kw(lambda v: str(v.pointer), "fine", "coarse", "none"),
    "hover": _device_kw(lambda v: "hover" if v.hover else "none", "hover", "none"),
    "any-hover": _device_kw(lambda v: "hover" if v.hover else "none", "hover", "none"),
    "scripting": _kw("enabled", "initial-only", "none"),
    "prefers-reduced-motion": _kw("no-preference", "reduce"),
    "prefers-reduced-transparency": _kw("no-preference", "reduce"),
    "prefers-contrast": _kw("no-preference", "more", "less", "custom"),
    "forced-colors": _kw("none", "active"),
    "prefers-color-scheme": _kw("light", "dark"),
    "device-posture": _kw("continuous", "folded"),
}

_FOREIGN_PREFIXES = ("-moz-", "min--moz-", "max--moz-", "-o-", "-ms-")
"""Vendor prefixes of other engines: Chromium never knows these features, so no doubt."""

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}

_Value = float | str | tuple[float, float]
"""A parsed feature value: number (px, dppx, plain), keyword, or ratio ``(a, b)``."""


@dataclass(frozen=True, slots=True)
class _Test:
    """``(feature op value)...``; a feature in a boolean context has no comparisons."""

    feature: str
    comparisons: tuple[tuple[str, tuple[ast.Node, ...]], ...]


@dataclass(frozen=True, slots=True)
class _Leaf:
    """A condition whose outcome does not depend on the viewport."""

    outcomes: Outcomes


@dataclass(frozen=True, slots=True)
class _Not:
    operand: _Node


@dataclass(frozen=True, slots=True)
class _Junction:
    conjunction: bool
    operands: tuple[_Node, ...]


_Node = _Test | _Leaf | _Not | _Junction


@dataclass(frozen=True, slots=True)
class _Query:
    """One ``<media-query>``; ``None`` condition means none was given."""

    negated: bool = False
    media_type: str = "all"
    condition: _Node | None = None
    valid: bool = True


_INVALID = _Query(valid=False)
_RESERVED_TYPES = frozenset({"only", "not", "and", "or", "layer"})
_MATCHING_TYPES = frozenset({"all", "screen"})


def _parse_value(
    feature: _Feature, tokens: Sequence[ast.Node], viewport: Viewport
) -> _Value | None:
    """The value of ``tokens`` (significant) for ``feature``, or None when invalid."""
    if feature.kind == "ratio":
        if len(tokens) == 3 and tokens[1].type == "literal" and tokens[1].value == "/":
            parts = [tokens[0], tokens[2]]
        elif len(tokens) == 1:
            parts = [tokens[0]]
        else:
            return None
        values = [_numeric(t, viewport) for t in parts]
        numbers = [v[0] for v in values if v is not None and v[1] == "number" and v[0] >= 0]
        if len(numbers) != len(parts):
            return None
        return (numbers[0], numbers[1] if len(numbers) == 2 else 1.0)
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if feature.kind == "keyword":
        if token.type == "ident" and token.lower_value in feature.keywords:
            return str(token.lower_value)
        return None
    if feature.kind == "length":
        return length_in_px(token, viewport)
    numeric = _numeric(token, viewport)
    if numeric is None or numeric[0] < 0:
        return None
    if feature.kind == "resolution":
        return numeric[0] if numeric[1] == "resolution" else None
    if numeric[1] != "number":
        return None
    if feature.kind == "integer" and token.type == "number" and not token.is_integer:
        return None
    return numeric[0]


_LAYOUT_EPSILON = 1 / 64
"""Chromium compares lengths and ratios with a LayoutUnit of slack, except for ``<``/``>``."""


def _compare(actual: float, op: str, expected: float, epsilon: float) -> bool:
    if op == "<":
        return actual < expected
    if op == ">":
        return actual > expected
    if op == "<=":
        return actual <= expected + epsilon
    if op == ">=":
        return actual >= expected - epsilon
    return abs(actual - expected) <= epsilon


def _satisfies(feature: _Feature, actual: _Actual, op: str, expected: _Value) -> bool:
    if isinstance(expected, str) or isinstance(actual, str):
        return actual == expected
    if isinstance(expected, tuple) or isinstance(actual, tuple):
        if not (isinstance(expected, tuple) and isinstance(actual, tuple)):
            return False
        numerator, denominator = expected
        if numerator == 0 and denominator == 0:
            return False
        width, height = actual
        return _compare(width * denominator, op, height * numerator, _LAYOUT_EPSILON)
    if actual is None:
        return False
    epsilon = _LAYOUT_EPSILON if feature.kind == "length" else 1e-9
    return _compare(actual, op, expected, epsilon)


def _evaluate_test(test: _Test, viewport: Viewport) -> Outcomes:
    feature = _FEATURES[test.feature]
    actual = feature.value(viewport)
    if not test.comparisons:
        if isinstance(actual, str):
            return _FALSE if actual in feature.falsy else _TRUE
        if isinstance(actual, tuple):
            return _TRUE if actual[0] != 0 else _FALSE
        return _TRUE if actual else _FALSE
    outcome = _TRUE
    for op, tokens in test.comparisons:
        expected = _parse_value(feature, tokens, viewport)
        if expected is None:
            return _UNKNOWN
        if not _satisfies(feature, actual, op, expected):
            outcome = _FALSE
    return outcome


# --- Parsing (mediaqueries-4 §3) ---------------------------------------------------------


def _split_range(tokens: Sequence[ast.Node]) -> tuple[list[list[ast.Node]], list[str]] | None:
    """Split the raw content of a parenthesised feature at ``<``, ``<=``, ``>``, ``>=``, ``=``.

    Returns the significant tokens between operators and the operators, or None when there is
    no operator (or a malformed one such as ``> =``).
    """
    chunks: list[list[ast.Node]] = [[]]
    ops: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "literal" and token.value in ("<", ">", "="):
            op = token.value
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            # `<=` and `>=` are two delimiters with nothing between them.
            if op != "=" and getattr(following, "value", None) == "=":
                op += "="
                i += 1
            ops.append(op)
            chunks.append([])
        elif token.type not in ("whitespace", "comment"):
            chunks[-1].append(token)
        i += 1
    return (chunks, ops) if ops else None


def _single_ident(tokens: Sequence[ast.Node]) -> str | None:
    if len(tokens) == 1 and tokens[0].type == "ident":
        return str(tokens[0].lower_value)
    return None


def _feature_name(name: str) -> tuple[str, str] | None:
    """``(canonical name, prefix)`` for a known feature, prefix ``""``, ``"min"`` or ``"max"``;
    prefix ``"invalid"`` when a known feature wears a prefix it does not take."""
    if name in _FEATURES:
        return name, ""
    for prefix in ("min", "max"):
        if name.startswith(f"-webkit-{prefix}-"):
            base = "-webkit-" + name.removeprefix(f"-webkit-{prefix}-")
        elif name.startswith(f"{prefix}-"):
            base = name.removeprefix(f"{prefix}-")
        else:
            continue
        if base not in _FEATURES:
            return None
        feature = _FEATURES[base]
        # `-webkit-device-pixel-ratio` takes `-webkit-min-`, never `min--webkit-`.
        same_vendor = name.startswith("-") == base.startswith("-")
        valid = feature.range and feature.prefixes and same_vendor
        return base, prefix if valid else "invalid"
    return None


def _unknown_name(name: str) -> Outcomes:
    return _UNKNOWN if name.startswith(_FOREIGN_PREFIXES) else _DOUBT


def _parse_feature(content: Sequence[ast.Node]) -> _Node | None:
    """A ``<media-feature>`` from the content of its parentheses, or None if not one."""
    tokens = significant(content)
    split = _split_range(content)
    if split is not None:
        return _parse_range(*split)
    if not tokens or tokens[0].type != "ident":
        return None
    name = str(tokens[0].lower_value)
    known = _feature_name(name)
    if len(tokens) == 1:
        if known is None:
            return _Leaf(_unknown_name(name))
        base, prefix = known
        return _Test(base, ()) if not prefix else _Leaf(_UNKNOWN)
    if tokens[1].type != "literal" or tokens[1].value != ":" or len(tokens) == 2:
        return None
    if known is None:
        return _Leaf(_unknown_name(name))
    base, prefix = known
    if prefix == "invalid":
        return _Leaf(_UNKNOWN)
    op = {"": "=", "min": ">=", "max": "<="}[prefix]
    return _Test(base, ((op, tuple(tokens[2:])),))


def _parse_range(chunks: list[list[ast.Node]], ops: list[str]) -> _Node | None:
    if any(not chunk for chunk in chunks) or len(ops) > 2:
        return None
    if len(ops) == 1:
        left, right = chunks
        if (name := _single_ident(left)) is not None:
            comparisons = [(ops[0], right)]
        elif (name := _single_ident(right)) is not None:
            comparisons = [(_FLIP[ops[0]], left)]
        else:
            return None
    else:
        name = _single_ident(chunks[1])
        if name is None or "=" in ops or ops[0][0] != ops[1][0]:
            return None
        comparisons = [(_FLIP[ops[0]], chunks[0]), (ops[1], chunks[2])]
    if name not in _FEATURES:
        # Prefixed names are not allowed in range syntax: unknown, as Chromium has it.
        return _Leaf(_UNKNOWN if _feature_name(name) else _unknown_name(name))
    if not _FEATURES[name].range:
        return _Leaf(_UNKNOWN)
    return _Test(name, tuple((op, tuple(value)) for op, value in comparisons))


def _parse_in_parens(token: ast.Node) -> _Node | None:
    """``<media-in-parens>``: a parenthesised condition, a feature, or general-enclosed."""
    if token.type == "function":
        return _Leaf(_UNKNOWN)
    if token.type != "() block":
        return None
    inner = significant(token.content)
    condition = _parse_condition(inner, allow_or=True)
    if condition is not None:
        return condition
    feature = _parse_feature(token.content)
    if feature is not None:
        return feature
    if any(t.type == "error" for t in token.content):
        return None
    return _Leaf(_UNKNOWN)


def _keyword(token: ast.Node) -> str | None:
    return str(token.lower_value) if token.type == "ident" else None


def _parse_condition(tokens: Sequence[ast.Node], *, allow_or: bool) -> _Node | None:
    """``<media-condition>`` (or ``-without-or``) over significant tokens; None if invalid."""
    if not tokens:
        return None
    if _keyword(tokens[0]) == "not":
        if len(tokens) != 2:
            return None
        operand = _parse_in_parens(tokens[1])
        return _Not(operand) if operand is not None else None
    if len(tokens) % 2 == 0:
        return None
    operands: list[_Node] = []
    joiner: str | None = None
    for i, token in enumerate(tokens):
        if i % 2:
            word = _keyword(token)
            if word not in ("and", "or") or (joiner is not None and word != joiner):
                return None
            if word == "or" and not allow_or:
                return None
            joiner = word
        else:
            node = _parse_in_parens(token)
            if node is None:
                return None
            operands.append(node)
    if len(operands) == 1:
        return operands[0]
    return _Junction(joiner == "and", tuple(operands))


def _parse_query(tokens: Sequence[ast.Node]) -> _Query:
    """One ``<media-query>`` over significant tokens; invalid ones become ``not all``."""
    if not tokens or any(t.type == "error" for t in tokens):
        return _INVALID
    first = _keyword(tokens[0])
    if first is None or (first == "not" and len(tokens) > 1 and tokens[1].type != "ident"):
        condition = _parse_condition(tokens, allow_or=True)
        return _Query(condition=condition) if condition is not None else _INVALID
    negated = first == "not"
    rest = list(tokens[1:]) if first in ("not", "only") else list(tokens)
    if not rest or (media_type := _keyword(rest[0])) is None or media_type in _RESERVED_TYPES:
        return _INVALID
    if len(rest) == 1:
        return _Query(negated, media_type)
    if _keyword(rest[1]) != "and":
        return _INVALID
    condition = _parse_condition(rest[2:], allow_or=False)
    if condition is None:
        return _INVALID
    return _Query(negated, media_type, condition)


@lru_cache(maxsize=4096)
def _parse_query_list(text: str) -> tuple[_Query, ...]:
    tokens = tinycss2.parse_component_value_list(text, skip_comments=True)
    if not significant(tokens):
        return ()
    return tuple(_parse_query(significant(part)) for part in split_commas(tokens))


@lru_cache(maxsize=4096)
def _parse_media_condition(text: str) -> _Node | None:
    tokens = significant(tinycss2.parse_component_value_list(text, skip_comments=True))
    if not tokens:
        return _Leaf(_TRUE)
    if any(t.type == "error" for t in tokens):
        return None
    return _parse_condition(tokens, allow_or=True)


# --- Evaluation (mediaqueries-4 §3.2, Kleene logic) --------------------------------------


def _not(value: Truth) -> Truth:
    return None if value is None else not value


def _and(a: Truth, b: Truth) -> Truth:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _or(a: Truth, b: Truth) -> Truth:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


def _evaluate(node: _Node, viewport: Viewport, doubt: bool) -> Outcomes:
    if isinstance(node, _Leaf):
        return node.outcomes if doubt or node.outcomes != _DOUBT else _UNKNOWN
    if isinstance(node, _Test):
        return _evaluate_test(node, viewport)
    if isinstance(node, _Not):
        return frozenset(_not(v) for v in _evaluate(node.operand, viewport, doubt))
    combine = _and if node.conjunction else _or
    result = _evaluate(node.operands[0], viewport, doubt)
    for operand in node.operands[1:]:
        other = _evaluate(operand, viewport, doubt)
        result = frozenset(combine(a, b) for a in result for b in other)
    return result


def _query_matches(query: _Query, viewport: Viewport, doubt: bool) -> bool:
    if not query.valid:
        return False
    outcomes = _TRUE if query.condition is None else _evaluate(query.condition, viewport, doubt)
    type_matches = query.media_type in _MATCHING_TYPES
    outcomes = frozenset(_and(type_matches, v) for v in outcomes)
    if query.negated:
        outcomes = frozenset(_not(v) for v in outcomes)
    return True in outcomes


@lru_cache(maxsize=8192)
def _matches_cached(query_list: str, viewport: Viewport, doubt: bool) -> bool:
    queries = _parse_query_list(query_list)
    return not queries or any(_query_matches(query, viewport, doubt) for query in queries)


def media_matches(
    query_list: str, viewport: Viewport, *, unknown_features_match: bool = True
) -> bool:
    """True when the media query list ``query_list`` matches in ``viewport``.

    An empty list matches (mediaqueries-4 §2.1); a list matches when any of its queries does;
    a query that does not parse is ``not all``. Media types ``all`` and ``screen`` match, every
    other type (``print``, ``speech``, ``tv``, unknown ones) does not. Unknown feature names
    follow the module's "never prune on doubt" rule; with ``unknown_features_match=False`` they
    are "unknown" as in Chromium, which suits an exclusive choice (``<source media>``) where
    guessing wrong picks the wrong image rather than one more.
    """
    return _matches_cached(query_list, viewport, unknown_features_match)


@lru_cache(maxsize=8192)
def _condition_cached(condition: str, viewport: Viewport, doubt: bool) -> bool:
    parsed = _parse_media_condition(condition)
    return parsed is not None and True in _evaluate(parsed, viewport, doubt)


def media_condition_matches(
    condition: str, viewport: Viewport, *, unknown_features_match: bool = True
) -> bool:
    """True when ``condition``, a ``<media-condition>`` (no media type, as in ``sizes``),
    matches in ``viewport``. An empty condition matches; one that does not parse does not.
    ``unknown_features_match`` is as for :func:`media_matches`."""
    return _condition_cached(condition, viewport, unknown_features_match)


# --- Container size queries (CSS Conditional 5 §9.2) -----------------------------------------

_WIDTH_FEATURES: Final = frozenset(
    {"width", "min-width", "max-width", "inline-size", "min-inline-size", "max-inline-size"}
)
_INLINE_SIZE: Final = re.compile(r"(?<![-\w])((?:min-|max-)?)inline-size(?![-\w])")


@lru_cache(maxsize=1024)
def container_width_matches(condition: str, width: float) -> bool:
    """Whether the ``<container-condition>`` ``condition`` may hold for a query container
    whose content box is ``width`` CSS px wide, in a horizontal writing mode (where
    ``inline-size`` is ``width``). Only width features in absolute units are evaluated, with
    ``not``, ``and``, ``or`` and the range syntax: anything else (height, aspect-ratio,
    orientation, ``style()`` and ``scroll-state()`` queries, font-relative and container
    units) counts as possibly true, so what depends on it is listed."""
    lowered = condition.lower()
    tokens = tinycss2.parse_component_value_list(lowered, skip_comments=True)
    if not tokens or not _width_only(tokens):
        return True
    node = _parse_media_condition(_INLINE_SIZE.sub(r"\1width", lowered))
    if node is None:
        return True
    return True in _evaluate(node, Viewport(width=width), True)


def _width_only(tokens: Sequence[ast.Node]) -> bool:
    """Whether a condition's tokens name only width features, in absolute units."""
    for token in tokens:
        if token.type == "() block":
            if not _width_only(token.content):
                return False
        elif token.type == "ident":
            if token.value not in _WIDTH_FEATURES and token.value not in ("not", "and", "or"):
                return False
        elif token.type == "dimension":
            if token.lower_unit not in _ABSOLUTE_UNITS:
                return False
        elif token.type not in ("whitespace", "number", "literal"):
            return False
    return True
