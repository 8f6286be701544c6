"""Computed values of the properties the render model reads: ``font`` and its longhands,
and ``var()`` substitution (CSS Variables 1 §3), over tinycss2 component values."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

__all__ = [
    "GENERIC_FAMILIES",
    "SYSTEM",
    "absolute_urls",
    "font_families",
    "font_shorthand",
    "font_style",
    "font_weight",
    "substitute",
    "var_names",
]

from tinycss2.ast import FunctionBlock, StringToken, URLToken
from tinycss2.serializer import serialize_string_value, serialize_url

from push_manifest.scanners.css import CSS_WIDE_KEYWORDS as _CSS_WIDE_KEYWORDS
from push_manifest.syntax import significant as _significant
from push_manifest.syntax import split_commas as _split_commas
from push_manifest.syntax import text as _text

Node = Any
"""A tinycss2 node."""

_BRACKETS: Final = frozenset({"() block", "[] block", "{} block"})
SYSTEM: Final = ("<system>",)
"""``font: menu``: a system font, never a web font."""
MAX_SUBSTITUTION_DEPTH: Final = 32


def substitute(
    tokens: Sequence[Node], lookup: Callable[[str], Sequence[Node] | None], depth: int = 0
) -> list[Node] | None:
    """``tokens`` with every ``var()`` replaced (CSS Variables 1 §3.1): by the custom
    property's value (``lookup(name)``; None when it is not set or invalid), else by the
    fallback; None when neither exists, which makes the declaration invalid at computed-value
    time (the property computes to ``unset``). Cycles and runaway nesting are cut at
    :data:`MAX_SUBSTITUTION_DEPTH` (invalid, as browsers treat cycles)."""
    if depth > MAX_SUBSTITUTION_DEPTH:
        return None
    out: list[Node] = []
    for token in tokens:
        kind = token.type
        if kind == "function" and token.lower_name == "var":
            head, _, fallback = _partition_comma(token.arguments)
            names = [t for t in head if t.type != "whitespace"]
            if len(names) != 1 or names[0].type != "ident":
                return None
            value = lookup(names[0].value)
            replacement = value if value is not None else fallback
            if replacement is None:
                return None
            replaced = substitute(replacement, lookup, depth + 1)
            if replaced is None:
                return None
            out.extend(replaced)
        elif kind == "function" and _substituted(token.arguments):
            arguments = substitute(token.arguments, lookup, depth)
            if arguments is None:
                return None
            out.append(FunctionBlock(token.source_line, token.source_column, token.name, arguments))
        else:
            out.append(token)
    return out


def absolute_urls(
    tokens: Sequence[Node], resolve: Callable[[str], str | None], depth: int = 0
) -> list[Node]:
    """``tokens`` with the URL of each ``url()``, ``src()`` and ``image-set()`` candidate
    replaced by ``resolve(url)`` (kept as written where that is None): the computed value of
    a custom property registered with a ``<url>`` or ``<image>`` syntax, whose relative URLs
    resolve where it is declared (CSS Properties and Values API 1 §2.4)."""
    out: list[Node] = []
    for token in tokens:
        if token.type == "url":
            url = resolve(token.value)
            if url is not None:
                token = URLToken(token.source_line, token.source_column, url,
                                 f"url({serialize_url(url)})")  # fmt: skip
        elif token.type == "function" and depth < MAX_SUBSTITUTION_DEPTH:
            name = token.lower_name
            if name in _URL_STRING_FUNCTIONS:
                arguments = [_absolute_string(arg, resolve) for arg in token.arguments]
            else:
                arguments = absolute_urls(token.arguments, resolve, depth + 1)
            token = FunctionBlock(token.source_line, token.source_column, token.name, arguments)
        out.append(token)
    return out


_URL_STRING_FUNCTIONS: Final = frozenset({"url", "src", "image-set", "-webkit-image-set"})
"""Functions whose string arguments are URLs."""


def _absolute_string(token: Node, resolve: Callable[[str], str | None]) -> Node:
    if token.type == "string":
        url = resolve(token.value)
        if url is not None:
            return StringToken(token.source_line, token.source_column, url,
                               f'"{serialize_string_value(url)}"')  # fmt: skip
        return token
    if token.type == "url" or token.type == "function":
        return absolute_urls([token], resolve, MAX_SUBSTITUTION_DEPTH - 1)[0]
    return token


def var_names(tokens: Iterable[Node]) -> set[str]:
    """The custom properties the ``var()`` functions of ``tokens`` name, nested ones and those
    in fallbacks included."""
    names: set[str] = set()
    stack = [iter(tokens)]
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
            continue
        if token.type == "function":
            if token.lower_name == "var":
                name = next((t for t in token.arguments if t.type != "whitespace"), None)
                if name is not None and name.type == "ident":
                    names.add(name.value)
            stack.append(iter(token.arguments))
        elif token.type in _BRACKETS:
            stack.append(iter(token.content))
    return names


def _partition_comma(tokens: Sequence[Node]) -> tuple[list[Node], bool, list[Node] | None]:
    """Split at the first top-level comma; the part after it without surrounding whitespace."""
    for index, token in enumerate(tokens):
        if token.type == "literal" and token.value == ",":
            after = list(tokens[index + 1 :])
            while after and after[0].type == "whitespace":
                after.pop(0)
            while after and after[-1].type == "whitespace":
                after.pop()
            return list(tokens[:index]), True, after
    return list(tokens), False, None


GENERIC_FAMILIES: Final = frozenset(  # CSS Fonts 4 §2.1.1 generic families, and WebKit's
    {
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "ui-serif",
        "ui-sans-serif",
        "ui-monospace",
        "ui-rounded",
        "math",
        "emoji",
        "fangsong",
        "-webkit-body",
        "-webkit-pictograph",
    }
)
"""``<generic-family>`` keywords (CSS Fonts 4 §2.1.1), and the ones Chromium adds."""
_SYSTEM_FONTS: Final = frozenset(
    {"caption", "icon", "menu", "message-box", "small-caption", "status-bar"}
)
_SUBSTITUTIONS: Final = frozenset({"var", "env", "attr"})
_MATH_FUNCTIONS: Final = frozenset(
    {"calc", "min", "max", "clamp", "round", "mod", "rem", "abs", "sign", "-webkit-calc"}
)


def _substituted(tokens: Iterable[Node]) -> bool:
    """True when ``var()``, ``env()`` or ``attr()`` occurs: the value is known at computed
    time only."""
    stack = [tokens]
    while stack:
        for token in stack.pop():
            kind = token.type
            if kind == "function":
                if token.lower_name in _SUBSTITUTIONS:
                    return True
                stack.append(token.arguments)
            elif kind in _BRACKETS:
                stack.append(token.content)
    return False


def font_families(value: Sequence[Node]) -> tuple[str, ...] | None:
    """A ``font-family`` value (CSS Fonts 4 §2.1): the family names lowercased, ``()`` when
    unknown until computed time, None when invalid."""
    if _substituted(value):
        return ()
    items = [_significant(item) for item in _split_commas(value)]
    if len(items) == 1 and _is_wide_keyword(items[0]):
        # font-family inherits: inherit/unset/revert take the parent's value, as if the rule
        # did not set it; initial is the UA's default, a generic family.
        return ("serif",) if items[0][0].lower_value == "initial" else None
    families = []
    for item in items:
        if len(item) == 1 and item[0].type == "string":
            name = item[0].value.lower()
            families.append(f'"{name}"' if name in GENERIC_FAMILIES else name)
        elif item and all(token.type == "ident" for token in item):
            if len(item) == 1 and item[0].lower_value in _CSS_WIDE_KEYWORDS:
                return None
            families.append(" ".join(token.value.lower() for token in item))
        else:
            return None
    return tuple(families)


_WEIGHT_KEYWORDS: Final = frozenset({"normal", "bold", "bolder", "lighter"})


def font_weight(value: Sequence[Node]) -> str | None:
    """A ``font-weight`` value (CSS Fonts 4 §2.2) as written, None when invalid."""
    tokens = _significant(value)
    if _substituted(tokens):
        return _text(value)
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if token.type == "ident" and token.lower_value in _CSS_WIDE_KEYWORDS:
        return "normal" if token.lower_value == "initial" else None  # inherited: as unset
    if token.type == "ident" and token.lower_value in _WEIGHT_KEYWORDS:
        return token.lower_value  # type: ignore[no-any-return]
    if token.type == "number" and 1 <= token.value <= 1000:
        return _number(token.value)
    if token.type == "function" and token.lower_name in _MATH_FUNCTIONS:
        return _text(value).lower()
    return None


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def font_style(value: Sequence[Node]) -> str | None:
    """A ``font-style`` value (CSS Fonts 4 §2.4) as written, None when invalid."""
    tokens = _significant(value)
    if _substituted(tokens):
        return _text(value)
    if not tokens or tokens[0].type != "ident":
        return None
    keyword: str = tokens[0].lower_value
    if len(tokens) == 1 and keyword in _CSS_WIDE_KEYWORDS:
        return "normal" if keyword == "initial" else None  # inherited: as unset
    if len(tokens) == 1 and keyword in _STYLE_VALUES:
        return keyword
    if keyword == "oblique" and len(tokens) == 2 and _is_angle(tokens[1]):
        return f"oblique {tokens[1].serialize()}"
    return None


_STYLE_KEYWORDS: Final = frozenset({"italic", "oblique"})
_STYLE_VALUES: Final = _STYLE_KEYWORDS | {"normal"}
_WIDTH_KEYWORDS: Final = frozenset(
    {
        "ultra-condensed",
        "extra-condensed",
        "condensed",
        "semi-condensed",
        "semi-expanded",
        "expanded",
        "extra-expanded",
        "ultra-expanded",
    }
)
_SIZE_KEYWORDS: Final = frozenset(
    {
        "xx-small",
        "x-small",
        "small",
        "medium",
        "large",
        "x-large",
        "xx-large",
        "xxx-large",
        "larger",
        "smaller",
    }
)


def font_shorthand(value: Sequence[Node]) -> tuple[tuple[str, ...], str, str] | None:
    """The family, weight and style a ``font`` shorthand sets (CSS Fonts 4 §2.8), or None
    when it is invalid:

    ``[ [ <font-style> || <font-variant-css2> || <font-weight> || <font-width-css3> ]?
    <font-size> [ / <line-height> ]? <font-family># ] | <system-family-name>``

    Omitted style and weight reset to ``normal``. With ``var()`` or a CSS-wide keyword all
    three are unknown: the families are ``()``, weight and style the value as written.
    """
    tokens = _significant(value)
    if not tokens:
        return None
    if _substituted(tokens) or _is_wide_keyword(tokens):
        written = _text(value).lower()
        return (), written, written
    if len(tokens) == 1 and tokens[0].type == "ident" and tokens[0].lower_value in _SYSTEM_FONTS:
        return SYSTEM, "normal", "normal"
    weight = style = None
    seen = 0
    index = 0
    # At most one value of each of the four properties, ``normal`` standing for any of them.
    while index < len(tokens) and seen < 4:
        token = tokens[index]
        keyword = token.lower_value if token.type == "ident" else None
        if keyword == "normal":
            pass
        elif keyword in _STYLE_KEYWORDS and style is None:
            style = keyword
            following: Node = tokens[index + 1] if index + 1 < len(tokens) else None
            if keyword == "oblique" and _is_angle(following):
                style = f"oblique {following.serialize()}"
                index += 1
        elif keyword in _WEIGHT_KEYWORDS and weight is None:
            weight = keyword
        elif token.type == "number" and 1 <= token.value <= 1000 and weight is None:
            weight = _number(token.value)
        elif keyword == "small-caps" or keyword in _WIDTH_KEYWORDS:
            pass
        else:
            break
        seen += 1
        index += 1
    if index >= len(tokens) or not _is_font_size(tokens[index]):
        return None
    index += 1
    if index < len(tokens) and tokens[index].type == "literal" and tokens[index].value == "/":
        if index + 1 >= len(tokens):
            return None
        index += 2
    families = font_families(tokens[index:])
    if not families:
        return None
    return families, weight or "normal", style or "normal"


def _is_wide_keyword(tokens: Sequence[Node]) -> bool:
    return (
        len(tokens) == 1
        and tokens[0].type == "ident"
        and tokens[0].lower_value in _CSS_WIDE_KEYWORDS
    )


def _is_angle(token: Node) -> bool:
    return (
        token is not None
        and token.type == "dimension"
        and token.lower_unit in ("deg", "grad", "rad", "turn")
    )


def _is_font_size(token: Node) -> bool:
    """``<font-size>``: a length or percentage (CSS Fonts 4 §2.5), a size keyword, or math."""
    if token.type in ("dimension", "percentage"):
        return True
    if token.type == "number":
        return bool(token.value == 0)
    if token.type == "ident":
        return token.lower_value in _SIZE_KEYWORDS
    return token.type == "function" and token.lower_name in _MATH_FUNCTIONS
