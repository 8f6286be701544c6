"""Small helpers over tinycss2 component values, shared by the CSS scanner, media queries
and the render model: serializing as written, splitting at commas, leaving out whitespace."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

from tinycss2.serializer import serialize_identifier

__all__ = ["significant", "split_commas", "text"]

Node = Any
"""A tinycss2 node (tinycss2 ships no type information)."""


def significant(tokens: Iterable[Node]) -> list[Node]:
    """The tokens that are neither whitespace nor comments."""
    return [token for token in tokens if token.type not in ("whitespace", "comment")]


def split_commas(tokens: Iterable[Node]) -> list[list[Node]]:
    """Split component values at top-level commas (``<x>#`` lists)."""
    items: list[list[Node]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            items.append([])
        else:
            items[-1].append(token)
    return items


_BRACKETS: Final = {"() block": ("(", ")"), "[] block": ("[", "]"), "{} block": ("{", "}")}


def text(tokens: Iterable[Node], ampersand: str | None = None) -> str:
    """Serialize component values as written, each whitespace run as one space, stripped.

    Iterative (tinycss2's serializer recurses, and input nesting depth is unbounded); parse
    errors are left out; ``&`` becomes ``ampersand`` when given.
    """
    parts: list[str] = []
    stack: list[tuple[Iterator[Node], str]] = [(iter(tokens), "")]
    while stack:
        token = next(stack[-1][0], None)
        if token is None:
            parts.append(stack.pop()[1])
        elif token.type == "whitespace":
            parts.append(" ")
        elif token.type == "function":
            parts.append(serialize_identifier(token.name) + "(")
            stack.append((iter(token.arguments), ")"))
        elif token.type in _BRACKETS:
            opening, closing = _BRACKETS[token.type]
            parts.append(opening)
            stack.append((iter(token.content), closing))
        elif ampersand is not None and token.type == "literal" and token.value == "&":
            parts.append(ampersand)
        elif token.type not in ("error", "comment"):
            parts.append(token.serialize())
    return "".join(parts).strip()
