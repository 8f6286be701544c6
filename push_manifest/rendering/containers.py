"""Container size queries at load: whether an ``@container`` rule can apply to an element.

A size query (CSS Conditional 5 §9, CSS Containment 3) asks about the element's nearest
ancestor that is a size container (``container-type: size`` or ``inline-size``), with the
query's name among its ``container-name`` values when the query names one. With no such
ancestor the query is false (its size features are unknown), so the rule fetches nothing
there. With one, the query is evaluated when CSS fixes the container's content-box width
(:func:`content_width`); otherwise it may hold, and what it fetches is listed.

Queries about anything but width (``style()``, ``scroll-state()``, height, orientation) may
always hold: every element is a style container, and heights come from layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import tinycss2

from push_manifest.media import container_width_matches, fixed_length_in_px
from push_manifest.model import Viewport
from push_manifest.syntax import significant

__all__ = [
    "Container",
    "ContainerQuery",
    "container_names",
    "content_width",
    "holds",
    "query",
    "size_container",
]

Node = Any
"""A tinycss2 node."""


@dataclass(frozen=True, slots=True)
class Container:
    """A size container: its ``container-name`` values and its content-box width in CSS px
    (None: not fixed by CSS)."""

    names: frozenset[str]
    width: float | None


@dataclass(frozen=True, slots=True)
class ContainerQuery:
    """An ``@container`` prelude: the container name it asks for (None: any), its condition,
    and whether it is a size query (``False``: a style or scroll-state query, or not read)."""

    name: str | None
    condition: str
    size: bool


@lru_cache(maxsize=1024)
def query(prelude: str) -> ContainerQuery:
    """The :class:`ContainerQuery` of an ``@container`` prelude (``card (min-width: 400px)``).
    A list of queries, or anything not read, is not a size query."""
    tokens = [t for t in tinycss2.parse_component_value_list(prelude) if t.type != "comment"]
    significant = [t for t in tokens if t.type != "whitespace"]
    if not significant or any(t.type == "literal" and t.value == "," for t in significant):
        return ContainerQuery(None, prelude, False)
    name = None
    first = significant[0]
    if first.type == "ident" and first.lower_value not in ("not", "and", "or", "none"):
        name = first.value
        tokens = tokens[tokens.index(first) + 1 :]
    condition = tinycss2.serialize(tokens).strip()
    size = not any(t.type == "function" for t in _flatten(tokens))
    return ContainerQuery(name, condition, size)


def _flatten(tokens: Sequence[Node]) -> list[Node]:
    found = []
    for token in tokens:
        found.append(token)
        if token.type == "() block":
            found.extend(_flatten(token.content))
    return found


def holds(prelude: str, containers: Sequence[Container]) -> bool:
    """Whether the query ``prelude`` may hold for an element whose size-container ancestors
    are ``containers`` (nearest last)."""
    asked = query(prelude)
    if not asked.size:
        return True
    for container in reversed(containers):
        if asked.name is None or asked.name in container.names:
            if container.width is None or not asked.condition:
                return True
            return container_width_matches(asked.condition, container.width)
    return False


def size_container(type_tokens: Sequence[Node]) -> bool:
    """Whether a computed ``container-type`` makes a size container (CSS Conditional 5
    §9.1: ``size``, ``inline-size``, with or without ``scroll-state``)."""
    words = {t.lower_value for t in type_tokens if t.type == "ident"}
    return bool(words & {"size", "inline-size"})


def container_names(name_tokens: Sequence[Node] | None) -> frozenset[str]:
    """A computed ``container-name``'s names (``none``: none)."""
    if not name_tokens:
        return frozenset()
    names = {t.value for t in name_tokens if t.type == "ident"}
    return frozenset(names - {"none"})


def content_width(
    width: Sequence[Node] | None,
    min_width: Sequence[Node] | None,
    max_width: Sequence[Node] | None,
    box_sizing: Sequence[Node] | None,
    viewport: Viewport,
) -> float | None:
    """The content-box width CSS fixes for a block-level box, from the computed ``width``,
    ``min-width``, ``max-width`` and ``box-sizing`` (CSS Sizing 3 §5.2: max, then min), or
    None when it depends on layout: ``auto``, percentages, font-relative units, a
    ``border-box`` (whose padding and borders are not read)."""
    if box_sizing is not None and _keyword(box_sizing) != "content-box":
        return None
    value = _length(width, viewport)
    if value is None:
        return None
    for bound, pick in ((max_width, min), (min_width, max)):
        if bound is None or _keyword(bound) in ("none", "auto"):
            continue
        limit = _length(bound, viewport)
        if limit is None:
            return None
        value = pick(value, limit)
    return value


def _keyword(tokens: Sequence[Node]) -> str | None:
    found = significant(tokens)
    return str(found[0].lower_value) if len(found) == 1 and found[0].type == "ident" else None


def _length(tokens: Sequence[Node] | None, viewport: Viewport) -> float | None:
    """A length in absolute or viewport units, in CSS px; None for anything else."""
    if tokens is None:
        return None
    found = significant(tokens)
    return fixed_length_in_px(found[0], viewport) if len(found) == 1 else None
