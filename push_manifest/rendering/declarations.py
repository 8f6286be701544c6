"""Declarations as the cascade handles them: each parsed into the longhand it sets (its
*slot*), with what it fetches and the custom properties it reads, and which of several
declarations for one slot wins (CSS Cascade 5 §6). See :mod:`~push_manifest.rendering.cascade`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import tinycss2

from push_manifest.rendering.values import (
    var_names,
)
from push_manifest.scanners.css import ANY_VIEWPORT, parse_declarations, value_urls
from push_manifest.scanners.reduce import FETCHING_PROPERTIES
from push_manifest.syntax import split_commas

__all__ = [
    "CONTAINER_SLOTS",
    "FONT_SLOTS",
    "INHERITED_SLOTS",
    "Candidate",
    "Decl",
    "Key",
    "Node",
    "Source",
    "by_key",
    "keyword_of",
    "parsed_declarations",
    "winning",
]

Node = Any


INHERITED_SLOTS: Final = frozenset({"list-style-image", "cursor"})


FONT_SLOTS: Final = ("font-family", "font-weight", "font-style")


@dataclass(frozen=True, slots=True)
class Decl:
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
class Source:
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


Key = tuple[Any, ...]


Candidate = tuple[Key, Decl, Source]


@lru_cache(maxsize=65536)
def parsed_declarations(declarations: str) -> tuple[Decl, ...]:
    """A rule's declarations (:attr:`StyleRule.declarations`), parsed once per process."""
    found: list[Decl] = []
    for node in parse_declarations(declarations):
        name = node.name if node.name.startswith("--") else node.lower_name
        tokens = tuple(node.value)
        names = frozenset(var_names(tokens))
        if name.startswith("--"):
            found.append(Decl(name, name, tokens, node.important, False, names))
        elif name == "all":
            found.extend(_all(tokens, node.important, names))
        elif name == "font":
            for slot in FONT_SLOTS:
                found.append(Decl(slot, name, tokens, node.important, False, names))
        elif name == "container":
            # container: <name>+ [/ <type>]? (CSS Conditional 5 §9.3)
            slash = next((i for i, t in enumerate(tokens) if t.type == "literal"
                          and t.value == "/"), len(tokens))  # fmt: skip
            kind = tokens[slash + 1 :] or _NORMAL
            found.append(Decl("container-name", name, tokens[:slash], node.important, False, names))
            found.append(Decl("container-type", name, kind, node.important, False, names))
        elif name in _SIZE_SLOTS or name in ("container-type", "container-name"):
            slot = _SIZE_SLOTS.get(name, name)
            found.append(Decl(slot, name, tokens, node.important, False, names))
        elif name in ("font-family", "font-weight", "font-style", "display"):
            none = keyword_of(tokens) == "none"
            found.append(Decl(name, name, tokens, node.important, False, names, none))
        else:
            if name in _IMAGE_LONGHANDS and not names and not _valid_image_list(tokens):
                continue  # invalid: dropped at parse time, the cascade never sees it
            fetches = bool(names) or next(value_urls(tokens, ANY_VIEWPORT), None) is not None
            slot = FETCHING_PROPERTIES.get(name, name)
            found.append(Decl(slot, name, tokens, node.important, fetches, names))
    return tuple(found)


def _all(tokens: tuple[Node, ...], important: bool, names: frozenset[str]) -> list[Decl]:
    """``all: <css-wide keyword>`` sets every slot the model reads to that keyword (CSS
    Cascade 5 §3.2; custom properties aside). Any other value is invalid, and a ``var()``
    one is not followed (the declaration is left out: it can only reset)."""
    if names or keyword_of(tokens) not in _CSS_WIDE:
        return []
    return [Decl(slot, "all", tokens, important, False, names) for slot in _ALL_SLOTS]


_CSS_WIDE: Final = frozenset({"initial", "inherit", "unset", "revert", "revert-layer"})
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


CONTAINER_SLOTS: Final = frozenset({"container-type", "container-name", *_SIZE_SLOTS.values()})
_ALL_SLOTS: Final = (
    *sorted(set(FETCHING_PROPERTIES.values())),
    *FONT_SLOTS,
    "display",
    *sorted(CONTAINER_SLOTS),
)
"""The slots ``all`` resets."""


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


def by_key(candidate: Candidate) -> Key:
    return candidate[0]


def winning(candidates: dict[str, list[Candidate]] | None, slot: str) -> Candidate | None:
    """The declaration that wins the cascade for ``slot`` (CSS Cascade 5 §6); ``revert-layer``
    rolls back to the best declaration of a lower layer (§7.3.4)."""
    if not candidates:
        return None
    found = candidates.get(slot)
    if not found:
        return None
    # Candidates come in source order; of equal keys the last wins (a later declaration in
    # the same block, §6.5 order of appearance): max() keeps the first of equals it meets.
    best = found[0] if len(found) == 1 else max(reversed(found), key=by_key)
    if len(found) > 1 and keyword_of(best[1].tokens) == "revert-layer":
        layer = best[0][2]
        for candidate in sorted(found, key=by_key, reverse=True):
            if candidate[0][2] < layer and candidate[0][0] == best[0][0]:
                if keyword_of(candidate[1].tokens) != "revert-layer":
                    return candidate
                layer = candidate[0][2]
    return best


def keyword_of(tokens: Sequence[Node]) -> str | None:
    significant = [token for token in tokens if token.type not in ("whitespace", "comment")]
    if len(significant) == 1 and significant[0].type == "ident":
        return str(significant[0].lower_value)
    return None
