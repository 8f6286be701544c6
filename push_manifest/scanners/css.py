"""The CSS scanner: ``@import``, ``url()``, ``image-set()`` and ``@font-face`` sources.

A stylesheet is parsed once with tinycss2 (:func:`parse_stylesheet_bytes`, :func:`parse_stylesheet`,
:func:`parse_style_attribute`) and :func:`scan_css` yields the raw references a browser would
fetch from it, in source order, URLs exactly as written (escapes decoded). What is found, and
where behaviour was checked against Chromium 156 (the browser the project is judged by):

- ``@import`` in every syntax (CSS Cascade 5 §2), before any other valid rule only;
- ``url()`` in the declarations of style rules at any depth: inside conditional group rules
  (``@media``, ``@supports``, ``@container``), ``@layer``, ``@scope`` (whose bare
  declarations style the scoping root), ``@starting-style``, CSS Nesting, and keyframe rules
  (fetched when the animation runs). ``@supports`` and ``@import … supports()`` are evaluated
  against what Chromium supports (:mod:`~push_manifest.scanners.supports`). Ignored as Chromium
  ignores them: ``@page`` (print only), ``@document`` and other unknown at-rules, declarations
  outside a style rule, ``@font-face`` and ``@keyframes`` nested in a style rule;
- ``image-set()``: the one candidate a browser picks (CSS Images 4 §2.2);
- ``@font-face``: the one source a browser fetches (CSS Fonts 4 §4.3).

:func:`scan_style_rules` yields, from the same walk, each style rule's declarations that the
render model reads (:class:`~push_manifest.model.StyleRule`: what fetches, what chooses fonts,
``display``, custom properties) with its ``@media`` and ``@layer`` scope, for
:mod:`push_manifest.rendering` to decide which of the URLs found here a page really fetches.

Custom properties (``--x: url(a.png)``) are scanned too: the browser fetches their URLs when a
``var()`` uses them, which the render model decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import tinycss2
import webencodings
from tinycss2.bytes import decode_stylesheet_bytes

from push_manifest.model import Attrs, Kind, PropertyRule, Reference, StyleRule, Viewport, attrs
from push_manifest.scanners.reduce import (
    PLAIN_RULE_MARKER,
    RENDER_PROPERTIES,
    SIZE_PROPERTIES,
    PlainRule,
    reduce_stylesheet,
    reduce_stylesheet_for_rules,
    uses_container_queries,
)
from push_manifest.scanners.srcset import SUPPORTED_IMAGE_TYPES, select_density
from push_manifest.scanners.supports import FONT_TECHS as _FONT_TECHS
from push_manifest.scanners.supports import supports_condition
from push_manifest.syntax import split_commas, text

__all__ = [
    "ANY_VIEWPORT",
    "CSS_WIDE_KEYWORDS",
    "ParsedCss",
    "might_have_references",
    "parse_style_attribute",
    "parse_stylesheet",
    "parse_stylesheet_bytes",
    "reduce_stylesheet",
    "scan_css",
    "scan_style_rules",
    "scan_stylesheet",
    "value_urls",
]

Node = Any
"""A tinycss2 node (tinycss2 ships no type information)."""


@dataclass(frozen=True, slots=True)
class ParsedCss:
    """A parsed stylesheet or ``style`` attribute, ready for :func:`scan_css`.

    ``errors`` holds the ``(line, message)`` of every tinycss2 ``ParseError`` among the top-level
    nodes and inside any token (bad URLs, unterminated strings, unmatched brackets). Invalid
    declarations inside blocks are dropped silently, as browsers drop them.
    """

    nodes: tuple[Any, ...]
    errors: tuple[tuple[int, str], ...]
    encoding: str = "utf-8"
    declarations_only: bool = False
    plain_rules: tuple[PlainRule, ...] = ()
    """Plain rules the fast path took out of ``nodes`` for :func:`scan_font_uses`."""
    sizes: bool = False
    """Style rules keep the declarations that size query containers (the sheet has
    ``@container`` rules; :data:`~push_manifest.scanners.reduce.SIZE_PROPERTIES`)."""


def parse_stylesheet_bytes(
    data: bytes, fallback_encoding: str = "utf-8", *, reduce: bool = True, keep_rules: bool = False
) -> ParsedCss:
    """Decode and parse a stylesheet file (CSS Syntax 3 §3.2 *determine the fallback encoding*).

    A BOM wins, then ``@charset``, then ``fallback_encoding`` (the referring document's
    encoding, an encoding label), then UTF-8; bad bytes become U+FFFD. Never raises.
    ``reduce`` and ``keep_rules`` as for :func:`parse_stylesheet`.
    """
    environment = webencodings.lookup(fallback_encoding)
    text, encoding = decode_stylesheet_bytes(data, environment_encoding=environment)
    parsed = parse_stylesheet(text, reduce=reduce, keep_rules=keep_rules)
    return replace(parsed, encoding=encoding.name)


def parse_stylesheet(text: str, *, reduce: bool = True, keep_rules: bool = False) -> ParsedCss:
    """Parse a stylesheet's text (CSS Syntax 3 §5.3.3 *parse a stylesheet*).

    With ``reduce``, top-level rules that provably hold no reference are blanked out first
    (:func:`reduce_stylesheet`), so tinycss2 tokenizes only the rules that matter; with
    ``keep_rules`` too, rules that declare fonts are kept (plain ones as ``plain_rules``, not
    tokenized: :func:`~push_manifest.scanners.reduce.reduce_stylesheet_for_rules`), so that
    :func:`scan_font_uses` finds what the full parse finds.
    """
    reduced: str | None = None
    plain_rules: list[PlainRule] = []
    if reduce and keep_rules:
        split = reduce_stylesheet_for_rules(text)
        if split is not None:
            reduced, plain_rules = split
    elif reduce:
        reduced = reduce_stylesheet(text)
    rules = tinycss2.parse_stylesheet(
        text if reduced is None else reduced, skip_comments=True, skip_whitespace=True
    )
    errors = _errors(rules)
    if reduced is None and _OPEN_COMMENT.search(text):
        # tinycss2 reports nothing for EOF inside a comment; CSS Syntax 3 §4.3.2 calls it a
        # parse error, and everything after the "/*" is lost.
        errors += ((text.count("\n", 0, text.rfind("/*")) + 1, "EOF in comment"),)
    sizes = keep_rules and uses_container_queries(text)
    return ParsedCss(tuple(rules), errors, plain_rules=tuple(plain_rules), sizes=sizes)


_OPEN_COMMENT: Final = re.compile(r"/\*(?:(?!\*/).)*\Z", re.DOTALL)


def parse_style_attribute(text: str) -> ParsedCss:
    """Parse a ``style=""`` attribute: a declaration list (CSS Style Attributes §2)."""
    nodes = tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True)
    return ParsedCss(tuple(nodes), _errors(nodes), declarations_only=True)


_MAYBE_REFERENCE: Final = re.compile(r"url\(|@import|image-set\(|src\(", re.IGNORECASE)
_ESCAPE: Final = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", re.DOTALL)


def might_have_references(text: str) -> bool:
    """False only when ``text`` provably holds no reference, so tokenizing it can be skipped.

    True when ``url(``, ``@import``, ``image-set(`` or ``src(`` occurs case-insensitively,
    also when spelled with CSS escapes (``\\75 rl(``); comments are not excluded.
    """
    if _MAYBE_REFERENCE.search(text):
        return True
    return "\\" in text and _MAYBE_REFERENCE.search(_ESCAPE.sub(_unescape, text)) is not None


def _unescape(match: re.Match[str]) -> str:
    if match.group(1) is None:
        return match.group(2)
    code = int(match.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


@dataclass(frozen=True, slots=True, eq=False)
class _Link:
    """A cell of an immutable list that shares its tail, so that nesting costs O(depth).
    Compared and hashed by identity."""

    value: Any
    parent: _Link | None = None


def _values(link: _Link | None) -> tuple[Any, ...]:
    """The values of a list, outermost first."""
    values = []
    while link is not None:
        values.append(link.value)
        link = link.parent
    return tuple(reversed(values))


@dataclass(frozen=True, slots=True)
class _Context:
    """Where a node sits: what the declarations and rules in a block mean there."""

    media: _Link | None = None
    """Media query lists in force, innermost last."""
    preludes: _Link | None = None
    """Preludes of the enclosing style rules: the selector, computed only when needed."""
    keyframes: str | None = None
    style_rule: bool = False
    """Inside a style rule, where ``@font-face`` and ``@keyframes`` are invalid."""
    declarations: bool = False
    """Declarations here style elements (inside a style rule, keyframe rule or attribute)."""
    rules: bool = True
    """Qualified rules here are style rules (or keyframe rules inside ``@keyframes``)."""
    layer: tuple[str, ...] | None = None
    """The cascade layer (CSS Cascade 5 §6.4) the rules here belong to, outermost name first;
    anonymous layers are named ``\0<line>:<column>``; None outside any layer."""
    containers: tuple[str, ...] = ()
    """The preludes of the enclosing ``@container`` rules, outermost first."""


_GROUP_RULES: Final = frozenset(
    {"media", "supports", "layer", "container", "scope", "starting-style"}
)
_KEYFRAMES: Final = frozenset({"keyframes", "-webkit-keyframes"})
_KNOWN_RULES: Final = frozenset(
    {
        *_GROUP_RULES,
        *_KEYFRAMES,
        "namespace",
        "font-face",
        "font-feature-values",
        "font-palette-values",
        "page",
        "property",
        "counter-style",
        "view-transition",
        "position-try",
        "function",
    }
)
"""At-rules Chromium keeps: one of them before an ``@import`` makes the import invalid."""


def scan_css(
    parsed: ParsedCss, viewport: Viewport, media: tuple[str, ...] = ()
) -> Iterator[Reference]:
    """Yield the references a browser fetches from ``parsed``, in source order, unresolved.

    ``media`` scopes the whole sheet (``<link media>``, the ``@import`` that loaded it); each
    reference's ``media`` is it plus the lists of the enclosing ``@media`` rules. Kinds and attrs:

    - ``CSS_IMPORT``: ``layer`` (``""`` for an anonymous layer), ``supports``; the import's media
      query list is appended to ``media``. An ``@import`` after any other valid rule (except
      ``@charset``, ``@layer`` statements and other imports) is ignored (CSS Cascade 5 §2.1).
      A qualified rule with an empty prelude does not count; other invalid selectors do.
    - ``CSS_URL``: ``property`` (lowercased; custom properties as written), ``selector``
      (nesting resolved: ``&`` replaced by the parent, or the parent prepended), or
      ``keyframes`` (the ``@keyframes`` name) in keyframe rules; no selector for attributes.
    - ``CSS_IMAGE_SET``: the same attrs, for the candidate chosen by
      :func:`~push_manifest.scanners.srcset.select_density`.
    - ``CSS_FONT_FACE``: ``family``, ``weight``, ``style``, ``format``, ``unicode-range``.

    Empty URLs are skipped; nothing else is filtered. Never raises.
    """
    for item in _walk(parsed, viewport, media, rules=False):
        if isinstance(item, Reference):
            yield item


def scan_stylesheet(
    parsed: ParsedCss, viewport: Viewport, media: tuple[str, ...] = ()
) -> tuple[tuple[Reference, ...], tuple[StyleRule, ...], tuple[PropertyRule, ...]]:
    """What :func:`scan_css` and :func:`scan_style_rules` give, and the valid ``@property``
    rules, from one walk."""
    references: list[Reference] = []
    rules: list[StyleRule] = []
    properties: list[PropertyRule] = []
    for item in _walk(parsed, viewport, media, rules=True):
        if isinstance(item, Reference):
            references.append(item)
        elif isinstance(item, StyleRule):
            rules.append(item)
        else:
            properties.append(item)
    return tuple(references), tuple(rules), tuple(properties)


def _chain(values: Iterable[Any]) -> _Link | None:
    link = None
    for value in values:
        link = _Link(value, link)
    return link


def _walk(
    parsed: ParsedCss, viewport: Viewport, media: tuple[str, ...], *, rules: bool
) -> Iterator[Reference | StyleRule | PropertyRule]:
    """The one walk over a stylesheet's rules and declarations, depth-first with a stack, not
    recursion, so depth is unbounded: the references in source order, and with ``rules`` the
    :class:`StyleRule` records too, in source order."""
    if parsed.declarations_only:
        context = _Context(_chain(media), declarations=True, rules=False)
        nodes: Iterable[Node] = (node for node in parsed.nodes if node.type == "declaration")
        stylesheet = False
    else:
        context, nodes, stylesheet = _Context(_chain(media)), parsed.nodes, True
    walk = _Walk(parsed, rules, imports_allowed=stylesheet)
    stack = walk.stack
    stack.append((iter(nodes), context))
    while stack:
        iterator, context = stack[-1]
        node = next(iterator, None)
        if node is None:
            stack.pop()
            continue
        top = stylesheet and len(stack) == 1
        if node.type == "declaration":
            if context.declarations:
                yield from _declaration(node, context, viewport, walk.selectors)
        elif node.type == "qualified-rule":
            yield from walk.qualified_rule(node, context, top)
        elif node.type == "at-rule":
            yield from walk.at_rule(node, context, top)


class _Walk:
    """The state of one :func:`_walk`: the stack of blocks being walked, whether an
    ``@import`` may still come (CSS Cascade 5 §6.4.1: only ``@charset`` and ``@layer``
    statements before it), and the selectors serialized so far."""

    __slots__ = ("imports_allowed", "parsed", "rules", "selectors", "stack")

    def __init__(self, parsed: ParsedCss, rules: bool, *, imports_allowed: bool) -> None:
        self.parsed = parsed
        self.rules = rules
        self.imports_allowed = imports_allowed
        self.selectors: dict[_Link, str] = {}
        self.stack: list[tuple[Iterator[Node], _Context]] = []

    def qualified_rule(
        self, node: Node, context: _Context, top: bool
    ) -> Iterator[Reference | StyleRule | PropertyRule]:
        if top and any(token.type != "whitespace" for token in node.prelude):
            self.imports_allowed = False
        inner = _rule_context(node, context)
        if inner is None:
            return
        if self.rules and inner.keyframes is None:
            block = _block(node.content)
            yield from _style_rule(block, inner, self.selectors, self.parsed.sizes)
            self.stack.append((iter(block), inner))
        elif _may_reference(node.content):
            self.stack.append((iter(_block(node.content)), inner))

    def at_rule(
        self, node: Node, context: _Context, top: bool
    ) -> Iterator[Reference | StyleRule | PropertyRule]:
        name = node.lower_at_keyword
        if name == PLAIN_RULE_MARKER and self.rules and context.rules and not context.style_rule:
            yield from _plain_rules(self.parsed, node, context)
            return
        if top and name == "import":
            if self.imports_allowed:
                yield from _import(node, context)
            return
        if top and name in _KNOWN_RULES and (name != "layer" or node.content is not None):
            self.imports_allowed = False
        if context.keyframes is not None or not context.rules:
            return
        if node.content is None:
            if self.rules and name == "layer":
                for path in layer_names(node.prelude):
                    layer = (*(context.layer or ()), *path)
                    yield StyleRule(None, "", _values(context.media), layer)
        elif name in _GROUP_RULES:
            yield from self._group_rule(node, context)
        elif not context.style_rule:
            if name == "font-face":
                yield from _font_face(node, context)
            elif name == "property" and self.rules:
                registered = _property_rule(node)
                if registered is not None:
                    yield registered
            elif name in _KEYFRAMES:
                inner = replace(context, keyframes=text(node.prelude))
                self.stack.append((iter(_block(node.content)), inner))

    def _group_rule(self, node: Node, context: _Context) -> Iterator[StyleRule]:
        """``@media``, ``@supports``, ``@layer`` … with a block: walked where it applies."""
        if not _applies(node):
            return
        inner = _group_context(node, context)
        block = _block(node.content)
        if self.rules and node.lower_at_keyword == "layer":
            yield StyleRule(None, "", _values(inner.media), inner.layer)
        if self.rules and inner.declarations:  # @scope, or a group rule nested in a rule
            yield from _style_rule(block, inner, self.selectors, self.parsed.sizes)
        self.stack.append((iter(block), inner))


def _style_rule(
    block: list[Node], context: _Context, selectors: dict[_Link, str], sizes: bool
) -> Iterator[StyleRule]:
    """The :class:`StyleRule` of a style rule's block (or ``@scope``'s bare declarations),
    when it declares something the render model reads."""
    declarations = _render_declarations(block, sizes)
    if declarations:
        selector = _selector(context.preludes, selectors) if context.preludes else None
        yield StyleRule(
            selector, declarations, _values(context.media), context.layer, context.containers,
            sizes,
        )  # fmt: skip


def _rule_context(rule: Node, context: _Context) -> _Context | None:
    """The context inside a qualified rule, or None where qualified rules mean nothing."""
    if not context.rules:
        return None
    if context.keyframes is not None:
        return replace(context, declarations=True, rules=False)
    # Hot (every style rule): built directly, dataclasses.replace costs twice as much.
    return _Context(
        context.media,
        _Link(rule.prelude, context.preludes),
        None,
        True,
        True,
        context.rules,
        context.layer,
        context.containers,
    )


def _applies(rule: Node) -> bool:
    """False for an ``@supports`` rule whose condition Chromium finds false: its rules never
    apply (CSS Conditional 3 §2.2)."""
    return rule.lower_at_keyword != "supports" or supports_condition(rule.prelude)


def _group_context(rule: Node, context: _Context) -> _Context:
    """The context inside a conditional group rule, ``@layer``, ``@scope`` or
    ``@starting-style``."""
    if rule.lower_at_keyword == "media":
        query = text(rule.prelude)
        return replace(context, media=_Link(query, context.media)) if query else context
    if rule.lower_at_keyword == "scope":
        # CSS Cascade 6 §2.5: declarations directly inside style the scoping root, and style
        # rules inside match within it, which reads like nesting under the root's selector.
        root = next((token for token in rule.prelude if token.type != "whitespace"), None)
        prelude = root.content if root is not None and root.type == "() block" else _SCOPE
        return replace(context, preludes=_Link(prelude, context.preludes), declarations=True)
    if rule.lower_at_keyword == "container":
        return replace(context, containers=(*context.containers, text(rule.prelude).strip()))
    if rule.lower_at_keyword == "layer":
        names = layer_names(rule.prelude)
        name = names[0] if names else (f"\0{rule.source_line}:{rule.source_column}",)
        return replace(context, layer=(*(context.layer or ()), *name))
    return context


def layer_names(prelude: Sequence[Node]) -> list[tuple[str, ...]]:
    """The layer names of an ``@layer`` prelude (CSS Cascade 5 §6.4.2), each split at its dots:
    ``a.b, c`` gives ``[("a", "b"), ("c",)]``; ``[]`` for an anonymous layer."""
    names = []
    for item in split_commas(prelude):
        words = "".join(token.serialize() for token in item if token.type != "whitespace")
        if words:
            names.append(tuple(words.split(".")))
    return names


_SCOPE: Final = tinycss2.parse_component_value_list(":scope")


def _block(content: Sequence[Node]) -> list[Node]:
    """The declarations and rules of a block (CSS Syntax 3 §5.4.4 *consume a block's
    contents*, which CSS Nesting needs)."""
    nodes: list[Node] = tinycss2.parse_blocks_contents(
        content, skip_comments=True, skip_whitespace=True
    )
    return nodes


def _may_reference(tokens: list[Node]) -> bool:
    """False when a rule's body provably holds nothing to scan: most bodies are never parsed.

    Hot (every style rule): a flat stack of lists, no generator, order irrelevant.
    """
    stack = [tokens]
    while stack:
        for token in stack.pop():
            kind = token.type
            if kind in _MAY_REFERENCE:
                return True
            if kind == "function":
                if token.lower_name in _REFERENCE_FUNCTIONS:
                    return True
                stack.append(token.arguments)
            elif kind == "() block" or kind == "[] block":
                stack.append(token.content)
    return False


_MAY_REFERENCE: Final = frozenset({"url", "{} block", "at-keyword"})
"""URL tokens, and the nested rules (``{}`` blocks, at-rules) of CSS Nesting."""


def _import(rule: Node, context: _Context) -> Iterator[Reference]:
    """``@import [<url> | <string>] [layer | layer(<name>)]? [supports(...)]? <media-query-list>?``
    (CSS Cascade 5 §2)."""
    if rule.content is not None:
        return
    tokens = list(rule.prelude)
    _skip_whitespace(tokens)
    if not tokens:
        return
    first = tokens.pop(0)
    url = first.value if first.type == "string" else _url_of(first)
    if url is None or _is_blank(url):
        return
    _skip_whitespace(tokens)
    layer = None
    if tokens and tokens[0].type == "ident" and tokens[0].lower_value == "layer":
        layer = ""
    elif tokens and tokens[0].type == "function" and tokens[0].lower_name == "layer":
        layer = text(tokens[0].arguments)
    if layer is not None:
        tokens.pop(0)
        _skip_whitespace(tokens)
    supports = None
    if tokens and tokens[0].type == "function" and tokens[0].lower_name == "supports":
        condition = tokens.pop(0).arguments
        if not supports_condition(condition):
            return  # the browser does not load it (CSS Cascade 5 §2.1)
        supports = text(condition)
    query = text(tokens)
    yield Reference(
        url,
        Kind.CSS_IMPORT,
        line=rule.source_line,
        attrs=attrs({"layer": layer, "supports": supports}),
        media=_values(_Link(query, context.media) if query else context.media),
    )


def _skip_whitespace(tokens: list[Node]) -> None:
    while tokens and tokens[0].type == "whitespace":
        tokens.pop(0)


_URL_FUNCTIONS: Final = frozenset({"url", "src"})
_IMAGE_SET_FUNCTIONS: Final = frozenset({"image-set", "-webkit-image-set"})
_REFERENCE_FUNCTIONS: Final = _URL_FUNCTIONS | _IMAGE_SET_FUNCTIONS


def _url_of(token: Node) -> str | None:
    """The URL of a ``url()`` or ``src()`` (CSS Values 4 §4.5), or None for any other token.

    Hides the tinycss2 quirk: ``url(a)`` is a URL token, ``url("a")`` a function holding a string
    (possibly followed by URL modifiers). The result may be empty.
    """
    if token.type == "url":
        return token.value  # type: ignore[no-any-return]
    if token.type == "function" and token.lower_name in _URL_FUNCTIONS:
        for argument in token.arguments:
            if argument.type == "string":
                return argument.value  # type: ignore[no-any-return]
            if argument.type != "whitespace":
                return None
    return None


def _is_blank(url: str) -> bool:
    """An empty or all-whitespace URL resolves to the stylesheet itself: browsers fetch
    nothing."""
    return not url.strip(" \t\n\r\f")


def _declaration(
    declaration: Node, context: _Context, viewport: Viewport, selectors: dict[_Link, str]
) -> Iterator[Reference]:
    name = declaration.name if declaration.name.startswith("--") else declaration.lower_name
    found: tuple[Attrs, tuple[str, ...]] | None = None
    for url, line, kind in value_urls(declaration.value, viewport):
        if found is None:
            selector = _selector(context.preludes, selectors) if context.preludes else None
            found = (
                attrs({"property": name, "selector": selector, "keyframes": context.keyframes}),
                _values(context.media),
            )
        yield Reference(url, kind, line=line, attrs=found[0], media=found[1])


def value_urls(tokens: Iterable[Node], viewport: Viewport) -> Iterator[tuple[str, int, Kind]]:
    """The URLs a browser fetches for a property value, as written, with their line and kind:
    each ``url()`` and ``src()``, and the candidate of each ``image-set()`` that the browser
    picks at ``viewport`` (CSS Images 4 §2.2); empty URLs left out."""
    for token in _references_in(tokens):
        kind = Kind.CSS_URL
        if token.type == "function" and token.lower_name in _IMAGE_SET_FUNCTIONS:
            kind = Kind.CSS_IMAGE_SET
            chosen = _image_set(token, viewport)
        elif (url := _url_of(token)) is not None:
            chosen = (url, token.source_line)
        else:
            chosen = None
        if chosen is not None and not _is_blank(chosen[0]):
            yield chosen[0], chosen[1], kind


def _references_in(tokens: Iterable[Node]) -> Iterator[Node]:
    """The ``url()``, ``src()`` and ``image-set()`` tokens in a value, at any function depth."""
    stack = [iter(tokens)]
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
        elif token.type == "url":
            yield token
        elif token.type == "function":
            if token.lower_name in _REFERENCE_FUNCTIONS:
                yield token
            else:
                stack.append(iter(token.arguments))
        elif token.type in ("() block", "[] block", "{} block"):
            stack.append(iter(token.content))


_RESOLUTION_UNITS: Final = {"x": 1.0, "dppx": 1.0, "dpi": 1 / 96, "dpcm": 2.54 / 96}
"""Resolution units in dppx (CSS Values 4 §7.4)."""

_IMAGE_SET_TYPES: Final = SUPPORTED_IMAGE_TYPES - {"image/svg+xml"}
"""``type()`` values Chromium accepts in ``image-set()``, compared whole (probed in Chromium 156:
unlike ``<source type>``, no SVG and no MIME parameters)."""


def _image_set(function: Node, viewport: Viewport) -> tuple[str, int] | None:
    """The URL and line of the ``image-set()`` candidate the browser picks (CSS Images 4 §2.2).

    Each option is ``[<image> | <string>] [<resolution> || type(<string>)]?``, resolution 1x by
    default; one invalid option invalidates the whole function. Options whose ``type()``
    Chromium cannot decode are dropped, then :func:`select_density` chooses. A chosen gradient
    or other generated image fetches nothing.
    """
    options: list[tuple[str | None, float, int]] = []
    for option in split_commas(function.arguments):
        tokens = [token for token in option if token.type != "whitespace"]
        if not tokens:
            return None
        first = tokens[0]
        url = first.value if first.type == "string" else _url_of(first)
        if url is None and (first.type != "function" or first.lower_name in _IMAGE_SET_FUNCTIONS):
            return None
        density: float | None = None
        mime: str | None = None
        for token in tokens[1:]:
            unit = getattr(token, "lower_unit", None)
            if token.type == "dimension" and unit in _RESOLUTION_UNITS and density is None:
                if token.value < 0:
                    return None
                density = token.value * _RESOLUTION_UNITS[unit]
            elif token.type == "function" and token.lower_name == "type" and mime is None:
                arguments = [arg for arg in token.arguments if arg.type != "whitespace"]
                if len(arguments) != 1 or arguments[0].type != "string":
                    return None
                mime = arguments[0].value.lower()
            else:
                return None
        if mime is None or mime in _IMAGE_SET_TYPES:
            options.append((url, 1.0 if density is None else density, first.source_line))
    if not options:
        return None
    # Keys stand for the options so that duplicates and generated images survive the choice.
    key = select_density([(str(i), density) for i, (_, density, _) in enumerate(options)], viewport)
    if key is None:
        return None
    url, _, line = options[int(key)]
    return None if url is None else (url, line)


@dataclass(frozen=True, slots=True)
class _FontSource:
    url: str | None
    """None for ``local()``: a valid entry that cannot be pushed."""
    format: str | None = None
    line: int = 0
    local: str | None = None
    """For ``local()``: the family name."""


_FONT_FORMATS: Final = frozenset(
    {
        "woff2",
        "woff",
        "truetype",
        "opentype",
        "collection",
        "woff2-variations",
        "woff-variations",
        "truetype-variations",
        "opentype-variations",
    }
)
"""``format()`` strings Chromium loads (probed: not ``ttf``/``otf``, ``embedded-opentype``,
``svg``)."""
_FONT_FORMAT_KEYWORDS: Final = frozenset(
    {"collection", "embedded-opentype", "opentype", "svg", "truetype", "woff", "woff2"}
)
_CSS_WIDE_KEYWORDS: Final = frozenset(
    {"inherit", "initial", "unset", "default", "revert", "revert-layer"}
)


def _property_rule(rule: Node) -> PropertyRule | None:
    """The ``@property`` rule's registration, or None when it is invalid (CSS Properties and
    Values API 1 §3): the prelude one custom property name; ``syntax`` a string and
    ``inherits`` ``true`` or ``false``, both required; ``initial-value`` required unless the
    syntax is ``*``. The last of a repeated descriptor counts."""
    prelude = [token for token in rule.prelude if token.type not in ("whitespace", "comment")]
    if len(prelude) != 1 or prelude[0].type != "ident" or not prelude[0].value.startswith("--"):
        return None
    found: dict[str, list[Node]] = {}
    for declaration in _block(rule.content):
        if declaration.type == "declaration":
            value = [t for t in declaration.value if t.type not in ("whitespace", "comment")]
            found[declaration.lower_name] = value
    syntax, inherits = found.get("syntax"), found.get("inherits")
    if not syntax or len(syntax) != 1 or syntax[0].type != "string":
        return None
    if not inherits or len(inherits) != 1 or inherits[0].type != "ident":
        return None
    if inherits[0].lower_value not in ("true", "false"):
        return None
    if syntax[0].value.strip() != "*" and not found.get("initial-value"):
        return None
    return PropertyRule(prelude[0].value, syntax[0].value)


def _font_face(rule: Node, context: _Context) -> Iterator[Reference]:
    """The source Chromium fetches for an ``@font-face`` (CSS Fonts 4 §4.3), if any.

    The last ``src`` descriptor with at least one supported entry wins (§4.3.1: an entry with a
    syntax error or an unsupported ``format()``/``tech()`` is dropped, a list left empty is
    invalid). Of its entries the first ``url()`` is taken: browsers try sources in list order
    and stop at the first that loads, so ``url(a.ttf) format("truetype"), url(a.woff2)
    format("woff2")`` fetches the TrueType file even though the spec's advice would prefer
    WOFF2. ``local()`` entries are skipped (assumed not installed); a ``url()`` without
    ``format()`` whose URL ends in ``.eot`` is skipped as Chromium does (the IE hack
    ``a.eot?#iefix`` with no format is fetched). Without ``font-family`` the rule is unused.
    The ``local()`` names before that source go in the ``local`` attr, newline-separated: the
    render model skips the download when one is installed.
    """
    found: dict[str, str | None] = {}
    sources: list[_FontSource] | None = None
    for declaration in _block(rule.content):
        if declaration.type != "declaration":
            continue
        name = declaration.lower_name
        if name == "src":
            sources = _font_sources(declaration.value) or sources
        elif name == "font-family":
            found["family"] = _family(declaration.value)
        elif name in ("font-weight", "font-style", "unicode-range"):
            found[name.removeprefix("font-")] = text(declaration.value) or None
    if not found.get("family") or sources is None:
        return
    local: list[str] = []
    for source in sources:
        if source.local is not None:
            local.append(source.local)
        if source.url is None or _is_blank(source.url):
            continue
        lowered = source.url.lower()
        if source.format is None and lowered.endswith(".eot") and not lowered.startswith("data:"):
            continue
        found["format"] = source.format
        found["local"] = "\n".join(local) or None
        yield Reference(
            source.url,
            Kind.CSS_FONT_FACE,
            line=source.line,
            attrs=attrs(found),
            media=_values(context.media),
        )
        return


def _font_sources(value: Sequence[Node]) -> list[_FontSource]:
    """The supported entries of a ``src`` list (CSS Fonts 4 §4.3.1), in list order."""
    sources = []
    for entry in split_commas(value):
        source = _font_source([token for token in entry if token.type != "whitespace"])
        if source is not None:
            sources.append(source)
    return sources


def _font_source(tokens: list[Node]) -> _FontSource | None:
    """``<url> [format(<font-format>)]? [tech(<font-tech>#)]? | local(<family-name>)``, or
    None when the entry is invalid or unsupported."""
    if not tokens:
        return None
    first, rest = tokens[0], tokens[1:]
    if first.type == "function" and first.lower_name == "local":
        if rest or not _is_family_name(first.arguments):
            return None
        return _FontSource(None, local=_family(first.arguments))
    url = _url_of(first)
    if url is None or (first.type == "function" and _has_modifiers(first)):
        return None
    font_format = None
    if rest and rest[0].type == "function" and rest[0].lower_name == "format":
        arguments = [token for token in rest.pop(0).arguments if token.type != "whitespace"]
        if len(arguments) != 1:
            return None
        if arguments[0].type == "string":
            font_format = arguments[0].value.lower()
        elif arguments[0].type == "ident" and arguments[0].lower_value in _FONT_FORMAT_KEYWORDS:
            font_format = arguments[0].lower_value
        if font_format not in _FONT_FORMATS:
            return None
    if rest and rest[0].type == "function" and rest[0].lower_name == "tech":
        techs = [
            [token for token in tech if token.type != "whitespace"]
            for tech in split_commas(rest.pop(0).arguments)
        ]
        for tech in techs:
            if len(tech) != 1 or tech[0].type != "ident" or tech[0].lower_value not in _FONT_TECHS:
                return None
    if rest:
        return None
    return _FontSource(url, font_format, first.source_line)


def _has_modifiers(function: Node) -> bool:
    """``url("a" modifier())``: Chromium takes URL modifiers in properties, not in ``src``."""
    significant = [token for token in function.arguments if token.type != "whitespace"]
    return len(significant) > 1


def _is_family_name(tokens: Sequence[Node]) -> bool:
    """``<family-name>``: one string, or identifiers that are not a lone CSS-wide keyword."""
    significant = [token for token in tokens if token.type != "whitespace"]
    if len(significant) == 1 and significant[0].type == "string":
        return bool(significant[0].value)
    if not significant or any(token.type != "ident" for token in significant):
        return False
    return len(significant) > 1 or significant[0].lower_value not in _CSS_WIDE_KEYWORDS


def _family(value: Sequence[Node]) -> str:
    """A ``font-family`` descriptor unquoted: ``"Open Sans"`` and ``Open Sans`` both give
    ``Open Sans``."""
    significant = [token for token in value if token.type != "whitespace"]
    if len(significant) == 1 and significant[0].type == "string":
        return significant[0].value  # type: ignore[no-any-return]
    if significant and all(token.type == "ident" for token in significant):
        return " ".join(token.value for token in significant)
    return text(value)


def scan_style_rules(parsed: ParsedCss, media: tuple[str, ...] = ()) -> Iterator[StyleRule]:
    """Yield the style rules of ``parsed`` that declare what the render model reads, in source
    order (the cascade's order of appearance), as :class:`~push_manifest.model.StyleRule`:

    - each style rule (at any depth: group rules, ``@layer``, ``@scope``, CSS Nesting resolved
      as :func:`scan_css` resolves it; keyframe rules excepted) with its
      :data:`~push_manifest.scanners.reduce.RENDER_PROPERTIES` declarations, its custom
      property declarations and any declaration holding a ``url()`` or ``image-set()``;
    - a rule with no selector and no declarations for every ``@layer`` block and each name of
      an ``@layer`` statement, where it appears: layers are ordered by first appearance
      (CSS Cascade 5 §6.4.3), empty ones included.

    ``media`` scopes the whole sheet; each rule's ``media`` adds its ``@media`` lists. Never
    raises. ``parsed`` must come from ``parse_stylesheet(…, keep_rules=True)`` (or
    ``reduce=False``): the default reduction blanks the rules without references.
    """
    for item in _walk(parsed, ANY_VIEWPORT, media, rules=True):
        if isinstance(item, StyleRule):
            yield item


ANY_VIEWPORT: Final = Viewport()
"""A viewport for questions whose answer does not depend on it (does a value hold a URL)."""


def _plain_rules(parsed: ParsedCss, marker: Node, context: _Context) -> Iterator[StyleRule]:
    """The style rules a :data:`~push_manifest.scanners.reduce.PLAIN_RULE_MARKER` stands for,
    under the conditions and in the layer where it stands."""
    first, stop = (int(token.value) for token in marker.prelude if token.type == "number")
    media = _values(context.media)
    layer, containers, sizes = context.layer, context.containers, parsed.sizes
    for selector, declarations in parsed.plain_rules[first:stop]:
        yield StyleRule(selector, declarations, media, layer, containers, sizes)


def _render_declarations(nodes: Iterable[Node], sizes: bool) -> str:
    """The declarations of a block that the render model reads, ``;``-separated as written;
    with ``sizes``, those that size a query container too."""
    found = []
    for node in nodes:
        if node.type != "declaration":
            continue
        name = node.name if node.name.startswith("--") else node.lower_name
        if (
            name.startswith("--")
            or name in RENDER_PROPERTIES
            or (sizes and name in SIZE_PROPERTIES)
            or _has_reference(node.value)
        ):
            important = " !important" if node.important else ""
            found.append(f"{name}:{text(node.value)}{important}")
    return ";".join(found)


def _has_reference(tokens: Iterable[Node]) -> bool:
    return next(_references_in(tokens), None) is not None


def parse_declarations(text: str) -> list[Node]:
    """The declarations of a ``;``-separated declaration list (a :class:`StyleRule`'s, or a
    ``style`` attribute's), as tinycss2 parses them; invalid ones dropped."""
    nodes = tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True)
    return [node for node in nodes if node.type == "declaration"]


CSS_WIDE_KEYWORDS: Final = _CSS_WIDE_KEYWORDS


def _selector(link: _Link, cache: dict[_Link, str]) -> str:
    """The selector of the innermost style rule of ``link`` (a list of preludes), CSS Nesting
    §3 resolved textually: ``&`` is replaced by the parent (``:is(parent)`` when it is a list),
    a selector without ``&`` gets the parent prepended as a descendant. ``cache`` keeps each
    level's selector, so deep nesting costs once per level, not once per reference."""
    pending: list[_Link] = []
    ancestor: _Link | None = link
    while ancestor is not None and ancestor not in cache:
        pending.append(ancestor)
        ancestor = ancestor.parent
    selector = None if ancestor is None else cache[ancestor]
    for level in reversed(pending):
        selector = _nest(level.value, selector)
        cache[level] = selector
    return cache[link]


def _nest(prelude: Sequence[Node], parent: str | None) -> str:
    if parent is None:
        return text(prelude)
    if "," in parent:
        parent = f":is({parent})"
    return ", ".join(
        text(item, ampersand=parent)
        if any(_is_ampersand(token) for token in _preorder(item))
        else f"{parent} {text(item)}"
        for item in split_commas(prelude)
    )


def _is_ampersand(token: Node) -> bool:
    return token.type == "literal" and token.value == "&"  # type: ignore[no-any-return]


_CONTENTS: Final = {
    "declaration": "value",
    "function": "arguments",
    "() block": "content",
    "[] block": "content",
    "{} block": "content",
}
"""Where each kind of node keeps its children (rules have two lists: prelude and content)."""


def _children(node: Node) -> Iterable[Node]:
    if node.type in ("qualified-rule", "at-rule"):
        return [*node.prelude, *(node.content or ())]
    attribute = _CONTENTS.get(node.type)
    return () if attribute is None else getattr(node, attribute)


def _preorder(nodes: Iterable[Node]) -> Iterator[Node]:
    """Every node and nested token in document order, without recursion."""
    stack = [iter(nodes)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        else:
            yield node
            stack.append(iter(_children(node)))


def _errors(nodes: Sequence[Node]) -> tuple[tuple[int, str], ...]:
    """Every ``ParseError`` among ``nodes`` and in their tokens, by position. Runs on every
    parse, so a flat stack of lists, sorted afterwards."""
    found = []
    stack = [nodes]
    while stack:
        for node in stack.pop():
            kind = node.type
            if kind == "error":
                found.append(node)
            elif kind in ("qualified-rule", "at-rule"):
                stack.append(node.prelude)
                if node.content:
                    stack.append(node.content)
            elif (attribute := _CONTENTS.get(kind)) is not None:
                stack.append(getattr(node, attribute))
    found.sort(key=lambda error: (error.source_line, error.source_column))
    return tuple((error.source_line, error.message) for error in found)
