"""The JavaScript scanner: module specifiers and asset URLs in a script, found by a real parser.

The source is parsed with tree-sitter (``tree-sitter-javascript``), so comments, strings, regular
expression literals and template literals that merely contain ``import "x"`` are never mistaken
for code. One tree-sitter query finds the candidate constructs in C; Python only inspects the
few matches.

What is found (ECMA-262 *Modules* and *Import Calls*; WHATWG HTML *Web workers*):

- ``import … from "x"``, ``import "x"``, ``export … from "x"``, ``export * [as ns] from "x"``:
  ``JS_IMPORT`` with ``type``;
- ``import("x")``, ``import(`x`)``: ``JS_DYNAMIC_IMPORT`` with ``type``, ``eager``;
- ``new Worker(new URL("x", import.meta.url), options)``: ``JS_WORKER`` with ``worker-type``,
  ``eager``; ``new Worker("x", options)``: the same and ``base=document``;
- ``new URL("x", import.meta.url)``: ``JS_URL`` with ``eager``.

``type`` is the import attribute ``with { type: "…" }`` (or the legacy ``assert { … }``, and the
``with``/``assert`` key of a dynamic import's options), as written: ``json`` and ``css`` are the
module types HTML knows (:data:`MODULE_TYPE_DESTINATIONS`). ``worker-type`` is ``module`` or
``classic`` when the options say so or are absent, and missing when they cannot be read
statically. ``SharedWorker`` counts as ``Worker``. ``base=document`` marks a worker URL given as a
plain string: the ``Worker`` constructor resolves it against the document's base URL, not the
module's. ``eager=true`` marks a lazy construct that is evaluated unconditionally when the module
body runs (not inside a function, class, conditional branch, loop body, short-circuit operand or
``catch``), so that the crawl may treat it as loaded with the module.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

import tree_sitter
import tree_sitter_javascript

from push_manifest.model import MODULE_TYPE_DESTINATIONS, Kind, Reference, attrs

__all__ = ["MODULE_TYPE_DESTINATIONS", "js_syntax_errors", "scan_js"]

_QUERY: Final = """
(import_statement source: (string) @static)
(export_statement source: (string) @static)
(call_expression function: (import) arguments: (arguments) @dynamic)
(new_expression constructor: (_) @new arguments: (arguments))
(ERROR (string) @recover)
"""

_WORKERS: Final = frozenset({"Worker", "SharedWorker"})
_GLOBALS: Final = frozenset({"globalThis", "window", "self"})
_ATOMIC: Final = frozenset({"string", "template_string", "regex"})
_COMMENTS: Final = frozenset({"comment", "html_comment"})
_FUNCTIONS: Final = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "generator_function",
        "generator_function_declaration",
        "arrow_function",
        "method_definition",
        "class_body",
    }
)
# The fields through which a child may run zero times, by parent type.
_CONDITIONAL_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "if_statement": ("consequence", "alternative"),
    "ternary_expression": ("consequence", "alternative"),
    "binary_expression": ("right",),
    "augmented_assignment_expression": ("right",),
    "for_statement": ("body", "increment"),
    "for_in_statement": ("body",),
    "while_statement": ("body",),
}
_SHORT_CIRCUIT: Final = frozenset({"&&", "||", "??", "&&=", "||=", "??="})
_CONDITIONAL_TYPES: Final = frozenset({"switch_case", "switch_default", "catch_clause"})
_SIMPLE_ESCAPES: Final = {
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "0": "\0",
    "\n": "",
    "\r": "",
    "\r\n": "",
    "\u2028": "",
    "\u2029": "",
}
_IMPORT_CLAUSE_TOKENS: Final = frozenset({",", "{", "}", "*", "as", "default", "string"})
_MAX_RECOVERY_TOKENS: Final = 256


@functools.cache
def _language() -> tree_sitter.Language:
    return tree_sitter.Language(tree_sitter_javascript.language())


@functools.cache
def _query() -> tree_sitter.Query:
    return tree_sitter.Query(_language(), _QUERY)


@functools.lru_cache(maxsize=8)
def _parse(data: bytes) -> tree_sitter.Tree:
    # Cached so that scan_js and js_syntax_errors on the same text parse it once; a Parser
    # is cheap to make and not shareable between threads.
    return tree_sitter.Parser(_language()).parse(data)


def _as_bytes(source: str | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    return source.encode("utf-8", "replace")


def scan_js(source: str | bytes) -> Iterator[Reference]:
    """The module and asset references of a JavaScript source, in source order.

    ``source`` is script text (``bytes`` are read as UTF-8). ``url`` is the specifier's string
    value (escapes decoded), unresolved. Template literals count only without substitutions.
    Nothing inside a tree-sitter ``ERROR`` node is yielded, except a re-export or import with
    attributes that tree-sitter-javascript 0.25 cannot parse (``export … from "x" with {…}``,
    ``assert {…}``), which is recognised on its tokens. Never raises on malformed input.
    """
    data = _as_bytes(source)
    tree = _parse(data)
    found: list[tuple[int, Reference]] = []
    for _, captures in tree_sitter.QueryCursor(_query()).matches(tree.root_node):
        for name, nodes in captures.items():
            for node in nodes:
                ref = _HANDLERS[name](node, data)
                if ref is not None:
                    found.append(ref)
    found.sort(key=lambda item: item[0])
    return iter([ref for _, ref in found])


def js_syntax_errors(source: str | bytes) -> tuple[int, ...]:
    """The 1-based lines where the source has syntax errors (tree-sitter ``ERROR`` or missing
    nodes), each line once, in order; empty for a well-formed script."""
    root = _parse(_as_bytes(source)).root_node
    if not root.has_error:
        return ()
    lines: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            lines.add(node.start_point.row + 1)
            continue
        stack.extend(child for child in node.children if child.has_error or child.is_missing)
    return tuple(sorted(lines))


# --- handlers: one per query capture; each returns (sort position, reference) or None ---

_Found = tuple[int, Reference] | None


def _static(string: tree_sitter.Node, data: bytes) -> _Found:
    statement = string.parent
    if statement is None or _inside_error(statement):
        return None
    value = _string_value(string, data)
    if value is None:
        return None
    type_ = None
    for child in statement.children:
        if child.type == "import_attribute":
            type_ = _object_string(child.named_children[-1], "type", data)
        elif child.is_error and _token_text(_first_token(child), data) == "assert":
            type_ = _attribute_type(_next_token(_first_token(child)), data)
    return _ref(string, value, Kind.JS_IMPORT, {"type": type_})


def _dynamic(arguments: tree_sitter.Node, data: bytes) -> _Found:
    args = arguments.named_children
    if not args or args[0].type not in ("string", "template_string"):
        return None
    specifier = args[0]
    value = _string_value(specifier, data)
    if value is None:
        return None
    in_error, eager = _context(arguments)
    if in_error:
        return None
    type_ = None
    if len(args) > 1 and args[1].type == "object":
        for key in ("with", "assert"):
            nested = _object_value(args[1], key, data)
            if nested is not None and nested.type == "object":
                type_ = _object_string(nested, "type", data)
                break
    return _ref(specifier, value, Kind.JS_DYNAMIC_IMPORT, {"type": type_, "eager": eager})


def _new(constructor: tree_sitter.Node, data: bytes) -> _Found:
    name = _global_name(constructor, data)
    expression = constructor.parent
    if expression is None or name is None:
        return None
    arguments = expression.child_by_field_name("arguments")
    args = arguments.named_children if arguments is not None else []
    if name == "URL":
        if _worker_argument(expression, data):
            return None
        found = _asset_url(expression, data)
        if found is None:
            return None
        specifier, value = found
        in_error, eager = _context(expression)
        return None if in_error else _ref(specifier, value, Kind.JS_URL, {"eager": eager})
    if name not in _WORKERS or not args:
        return None
    base = None
    first = args[0]
    if first.type == "member_expression" and _member_is(first, "href", data):
        first = first.child_by_field_name("object") or first
    if first.type == "new_expression":
        found = _asset_url(first, data)
    elif first.type in ("string", "template_string"):
        written = _string_value(first, data)
        found = None if written is None else (first, written)
        base = "document"
    else:
        found = None
    if found is None:
        return None
    specifier, value = found
    in_error, eager = _context(expression)
    if in_error:
        return None
    worker_type: str | None = "classic"
    if len(args) > 1:
        worker_type = _worker_type(args[1], data)
    return _ref(
        specifier,
        value,
        Kind.JS_WORKER,
        {"worker-type": worker_type, "base": base, "eager": eager},
    )


def _recover(string: tree_sitter.Node, data: bytes) -> _Found:
    """``import``/``export … from "x" with|assert {…}`` that the grammar turned into ERROR."""
    after = _next_token(string)
    if _token_text(after, data) not in ("with", "assert"):
        return None
    before = _prev_token(string)
    keyword = _token_text(before, data)
    if keyword != "import" and (
        before is None or keyword != "from" or not _clause_before(before, data)
    ):
        return None
    value = _string_value(string, data)
    if value is None:
        return None
    type_ = _attribute_type(_next_token(after) if after is not None else None, data)
    return _ref(string, value, Kind.JS_IMPORT, {"type": type_})


_HANDLERS: Final = {"static": _static, "dynamic": _dynamic, "new": _new, "recover": _recover}


def _ref(
    specifier: tree_sitter.Node, value: str, kind: Kind, mapping: Mapping[str, str | None]
) -> _Found:
    line = specifier.start_point.row + 1
    return specifier.start_byte, Reference(url=value, kind=kind, line=line, attrs=attrs(mapping))


# --- helpers ---


def _text(node: tree_sitter.Node, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _inside_error(node: tree_sitter.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.is_error:
            return True
        parent = parent.parent
    return False


def _context(node: tree_sitter.Node) -> tuple[bool, str | None]:
    """(inside an ERROR node, ``"true"`` when evaluated unconditionally with the module body)."""
    eager = True
    child, parent = node, node.parent
    while parent is not None:
        kind = parent.type
        if parent.is_error:
            return True, None
        if kind in _FUNCTIONS or kind in _CONDITIONAL_TYPES:
            eager = False
        elif any(parent.child_by_field_name(f) == child for f in _CONDITIONAL_FIELDS.get(kind, ())):
            operator = parent.child_by_field_name("operator")
            if kind not in ("binary_expression", "augmented_assignment_expression") or (
                operator is not None and operator.type in _SHORT_CIRCUIT
            ):
                eager = False
        child, parent = parent, parent.parent
    return False, "true" if eager else None


def _global_name(node: tree_sitter.Node, data: bytes) -> str | None:
    """``X`` for the constructor ``X``, ``globalThis.X``, ``window.X`` or ``self.X``."""
    if node.type == "identifier":
        return _text(node, data)
    if node.type == "member_expression":
        obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
        if (
            obj is not None
            and prop is not None
            and obj.type == "identifier"
            and prop.type == "property_identifier"
            and _text(obj, data) in _GLOBALS
        ):
            return _text(prop, data)
    return None


def _member_is(node: tree_sitter.Node, name: str, data: bytes) -> bool:
    prop = node.child_by_field_name("property")
    return prop is not None and prop.type == "property_identifier" and _text(prop, data) == name


def _is_import_meta_url(node: tree_sitter.Node, data: bytes) -> bool:
    if node.type != "member_expression":
        return False
    obj = node.child_by_field_name("object")
    if obj is None or obj.type != "meta_property" or obj.children[0].type != "import":
        return False  # new.target is a meta property too
    return _member_is(node, "url", data)


def _asset_url(expression: tree_sitter.Node, data: bytes) -> tuple[tree_sitter.Node, str] | None:
    """The specifier node and value of ``new URL("x", import.meta.url)``, else None."""
    constructor = expression.child_by_field_name("constructor")
    arguments = expression.child_by_field_name("arguments")
    if constructor is None or arguments is None or _global_name(constructor, data) != "URL":
        return None
    args = arguments.named_children
    if len(args) != 2 or args[0].type not in ("string", "template_string"):
        return None
    if not _is_import_meta_url(args[1], data):
        return None
    value = _string_value(args[0], data)
    return None if value is None else (args[0], value)


def _worker_argument(url_expression: tree_sitter.Node, data: bytes) -> bool:
    """True when this ``new URL(…)`` is the first argument of ``new Worker(…)``, possibly
    through ``.href``, so that the worker reference stands for it."""
    node = url_expression
    parent = node.parent
    if (
        parent is not None
        and parent.type == "member_expression"
        and _member_is(parent, "href", data)
    ):
        node, parent = parent, parent.parent
    if parent is None or parent.type != "arguments" or parent.named_children[0] != node:
        return False
    outer = parent.parent
    if outer is None or outer.type != "new_expression":
        return False
    constructor = outer.child_by_field_name("constructor")
    return constructor is not None and _global_name(constructor, data) in _WORKERS


def _worker_type(options: tree_sitter.Node, data: bytes) -> str | None:
    """``WorkerOptions.type`` when statically known: absent means ``classic``."""
    if options.type != "object":
        return None
    for child in options.named_children:
        if child.type == "spread_element" or (
            child.type == "shorthand_property_identifier" and _text(child, data) == "type"
        ):
            return None
    if _object_value(options, "type", data) is None:
        return "classic"
    return _object_string(options, "type", data)


def _object_value(obj: tree_sitter.Node, key: str, data: bytes) -> tree_sitter.Node | None:
    """The value node of property ``key`` (identifier or string key) in an object literal."""
    for pair in obj.named_children:
        if pair.type != "pair":
            continue
        name = pair.child_by_field_name("key")
        if name is None:
            continue
        if name.type == "string":
            written = _string_value(name, data)
        elif name.type == "property_identifier":
            written = _text(name, data)
        else:
            continue
        if written == key:
            return pair.child_by_field_name("value")
    return None


def _object_string(obj: tree_sitter.Node, key: str, data: bytes) -> str | None:
    value = _object_value(obj, key, data)
    if value is None or value.type not in ("string", "template_string"):
        return None
    return _string_value(value, data)


def _string_value(node: tree_sitter.Node, data: bytes) -> str | None:
    """The value of a string literal, or of a template literal without substitutions (ECMA-262
    *Static Semantics: SV* and *TV*); None when it is not a complete literal."""
    if node.has_error or node.is_missing or node.child_count < 2:
        return None
    children = node.children
    if children[-1].is_missing:
        return None
    template = node.type == "template_string"
    parts: list[str] = []
    position = children[0].end_byte
    end = children[-1].start_byte
    for child in children[1:-1]:
        if child.type == "template_substitution":
            return None
        if child.type == "escape_sequence":
            parts.append(_raw(data, position, child.start_byte, template))
            parts.append(_unescape(_text(child, data)))
            position = child.end_byte
    parts.append(_raw(data, position, end, template))
    value = "".join(parts)
    if any("\ud800" <= char <= "\udfff" for char in value):
        # \uD83D\uDE00 is one code point; a lone surrogate becomes U+FFFD as in a USVString.
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return value


def _raw(data: bytes, start: int, end: int, template: bool) -> str:
    text = data[start:end].decode("utf-8", "replace")
    if template and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _unescape(sequence: str) -> str:
    """Decode one escape sequence (``\\n``, ``\\x41``, ``\\u0041``, ``\\u{1F600}``, legacy
    octal, line continuation, identity escape)."""
    body = sequence[1:]
    if body in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[body]
    try:
        if body[:2] == "u{" and body[-1:] == "}":
            return chr(int(body[2:-1], 16))
        if body[:1] in ("x", "u") and len(body) > 1:
            return chr(int(body[1:], 16))
        if body.isdigit() and body[0] in "01234567" and all(c in "01234567" for c in body):
            return chr(int(body, 8))
    except (ValueError, OverflowError):
        return body
    return body


# --- token walking, for the constructs tree-sitter-javascript turns into ERROR nodes ---


def _first_token(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.child_count and node.type not in _ATOMIC:
        node = node.children[0]
    return node


def _last_token(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.child_count and node.type not in _ATOMIC:
        node = node.children[-1]
    return node


def _next_token(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    while node is not None:
        current: tree_sitter.Node | None = node
        while current is not None and current.next_sibling is None:
            current = current.parent
        if current is None or current.next_sibling is None:
            return None
        node = _first_token(current.next_sibling)
        if node.type not in _COMMENTS and node.end_byte > node.start_byte:
            return node
    return None


def _prev_token(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    while node is not None:
        current: tree_sitter.Node | None = node
        while current is not None and current.prev_sibling is None:
            current = current.parent
        if current is None or current.prev_sibling is None:
            return None
        node = _last_token(current.prev_sibling)
        if node.type not in _COMMENTS and node.end_byte > node.start_byte:
            return node
    return None


def _token_text(node: tree_sitter.Node | None, data: bytes) -> str | None:
    return None if node is None else _text(node, data)


def _clause_before(from_token: tree_sitter.Node, data: bytes) -> bool:
    """True when the tokens before ``from`` are an import or export clause that starts with
    the ``import`` or ``export`` keyword (ECMA-262 §16.2.2, §16.2.3)."""
    token = _prev_token(from_token)
    count = 0
    seen_any = False
    while token is not None and count < _MAX_RECOVERY_TOKENS:
        text = _token_text(token, data)
        if text in ("import", "export"):
            return seen_any
        if not (token.type.endswith("identifier") or token.type in _IMPORT_CLAUSE_TOKENS):
            return False
        seen_any = True
        token = _prev_token(token)
        count += 1
    return False


@dataclass(frozen=True, slots=True)
class _Token:
    string: bool
    text: str


def _attribute_type(brace: tree_sitter.Node | None, data: bytes) -> str | None:
    """The ``type`` entry of an attributes clause ``{ type: "json" }`` read on tokens, from its
    opening brace; tree-sitter may split a string there into quote and identifier tokens."""
    if brace is None or _token_text(brace, data) != "{":
        return None
    tokens: list[_Token] = []
    token = _next_token(brace)
    while token is not None and len(tokens) < _MAX_RECOVERY_TOKENS:
        text = _text(token, data)
        if text == "}":
            break
        if token.type in ("string", "template_string"):
            value = _string_value(token, data)
            if value is None:
                return None
            tokens.append(_Token(True, value))
        elif text in ('"', "'"):
            closing = _next_token(token)
            while closing is not None and _text(closing, data) != text:
                closing = _next_token(closing)
            if closing is None:
                return None
            quoted = data[token.end_byte : closing.start_byte].decode("utf-8", "replace")
            tokens.append(_Token(True, quoted))
            token = closing
        else:
            tokens.append(_Token(False, text))
        token = _next_token(token)
    for key, colon, entry in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if key.text == "type" and not colon.string and colon.text == ":" and entry.string:
            return entry.text
    return None
