"""The CSS fast path: blank out what provably holds no reference before tinycss2 tokenizes.

tinycss2 is pure Python and costs about a microsecond per character; most of a stylesheet
(colours, margins, grids) can never hold a reference. :func:`reduce_stylesheet` finds the
structure with regular expressions (comments, strings, url tokens, brackets, braces and
semicolons, as CSS Syntax 3 §4 tokenizes them), keeps what may matter and leaves the line
breaks of the rest, so line numbers in warnings hold. Whatever it cannot prove plain, it
refuses (``None``), and the caller parses the whole text.
"""

from __future__ import annotations

import bisect
import re
import string
from typing import Final

__all__ = [
    "FETCHING_PROPERTIES",
    "FONT_PROPERTIES",
    "PLAIN_RULE_MARKER",
    "RENDER_PROPERTIES",
    "SIZE_PROPERTIES",
    "PlainRule",
    "reduce_stylesheet",
    "reduce_stylesheet_for_rules",
    "uses_container_queries",
]

FETCHING_PROPERTIES: Final = {
    "background": "background-image",
    "background-image": "background-image",
    "border-image": "border-image-source",
    "border-image-source": "border-image-source",
    "-webkit-border-image": "border-image-source",
    "list-style": "list-style-image",
    "list-style-image": "list-style-image",
    "mask": "mask-image",
    "mask-image": "mask-image",
    "-webkit-mask": "mask-image",
    "-webkit-mask-image": "mask-image",
    "mask-border": "mask-border-source",
    "mask-border-source": "mask-border-source",
    "-webkit-mask-box-image": "mask-border-source",
    "-webkit-mask-box-image-source": "mask-border-source",
    "content": "content",
    "cursor": "cursor",
    "shape-outside": "shape-outside",
    "filter": "filter",
    "backdrop-filter": "backdrop-filter",
    "clip-path": "clip-path",
}
"""Properties whose ``url()`` a browser fetches for the elements they style, and the longhand
each sets (a shorthand without an image resets it: ``background: red`` after
``background-image: url(a.png)`` fetches nothing)."""
FONT_PROPERTIES: Final = frozenset({"font-family", "font-weight", "font-style", "font"})
CONTAINER_PROPERTIES: Final = frozenset({"container", "container-type", "container-name"})
RENDER_PROPERTIES: Final = frozenset(
    {*FETCHING_PROPERTIES, *FONT_PROPERTIES, *CONTAINER_PROPERTIES, "display", "all"}
)
"""The properties the render model reads (``push_manifest.rendering``): those that fetch, those
that choose fonts, ``display`` (which can leave a subtree unrendered), those that make query
containers, ``all`` (which resets them), and custom properties (not listed: any name
starting with ``--``)."""
SIZE_PROPERTIES: Final = frozenset(
    {"width", "min-width", "max-width", "inline-size", "min-inline-size", "max-inline-size",
     "box-sizing"}
)  # fmt: skip
"""What sizes a query container's content box, read (with :data:`RENDER_PROPERTIES`) from
stylesheets that hold an ``@container`` rule (:func:`uses_container_queries`) only: elsewhere
they are too common to keep for a rare question."""


def uses_container_queries(text: str) -> bool:
    """Whether a stylesheet's text holds an ``@container`` rule (ASCII case-insensitive)."""
    return _CONTAINER_RULE.search(text) is not None


_CONTAINER_RULE: Final = re.compile(r"@container", re.IGNORECASE)

_SIMPLE_STRING: Final = r"""(?:"[^"\\\n;{}()\[\]]*+"|'[^'\\\n;{}()\[\]]*+')"""
_IN_PARENTHESES: Final = rf"""(?:[^(){{}}"'/\\;\[\]]++|/(?!\*)|{_SIMPLE_STRING})"""
_PARENTHESES: Final = rf"\((?:{_IN_PARENTHESES}|\({_IN_PARENTHESES}*+\))*+\)"
_PRELUDE: Final = rf"""
    (?:[^{{}}"'/\\;()\[\]@]++ | \({_IN_PARENTHESES}*+\)
       | \[(?:[^\[\](){{}}"'/\\;]++|{_SIMPLE_STRING})*+\])*+
"""
_PLAIN_PRELUDE: Final = re.compile(_PRELUDE, re.VERBOSE)
"""A selector with balanced brackets and no comment, escape, string or at-keyword."""
_FLAT_RULE: Final = re.compile(
    rf"""
    {_PRELUDE}
    \{{
    (?:[^{{}}"'/\\()\[\]]++ | /(?!\*) | {_SIMPLE_STRING} | {_PARENTHESES})*+
    \}}
    """,
    re.VERBOSE,
)
"""A style rule with no comment, escape or nested block, whose strings hold no structure
character and whose ``()`` blocks (two levels at most) hold no semicolon: every semicolon in
its body separates declarations. Most rules of real stylesheets look like this; one match
replaces a dozen structure tokens. Possessive (``*+``, ``++``): a failed match never
backtracks, so it costs linear time."""

_STRUCTURE: Final = re.compile(
    r"""
      \((?:[^(){}\[\];"'/\\]|/(?!\*))*\)          # a () block with no structure inside
    | /\*.*?(?:\*/|\Z)                          # a comment; unterminated: to the end
    | "(?:[^"\\\n]|\\.)*(?:"|(?=\n)|\Z)         # a string; unterminated: to the newline
    | '(?:[^'\\\n]|\\.)*(?:'|(?=\n)|\Z)
    | url\([ \t\n\r\f]*(?=[^"'\s])(?:[^)\\]|\\.)*\)?   # an unquoted url token
    | [{};\\()\[\]]
    """,
    re.VERBOSE | re.DOTALL,
)
"""The tokens that make structure, matched in ASCII-lowercased text."""

_REFERENCE_HINT: Final = re.compile(r"url\(|@import|image-set\(|src\(")
"""What may start a reference, in ASCII-lowercased text."""
_RENDER_HINTS: Final = (
    re.compile(r"font(?:-family|-weight|-style)?(?![\w-])"),
    re.compile("--"),
    re.compile("@layer"),
    re.compile("@property"),
    re.compile(r"all[ \t\n\r\f]*:"),
    re.compile(
        r"(?:background|border-image|list-style|mask|display|content|cursor|shape-outside"
        r"|filter|clip-path|container)[-a-z]*[ \t\n\r\f]*:"
    ),
)
_SIZE_HINT: Final = re.compile(r"(?:(?:min-|max-)?(?:width|inline-size)|box-sizing)[ \t\n\r\f]*:")
"""What may start a declaration the render model reads, in ASCII-lowercased text (each
patterns, each with a literal prefix, which ``re`` searches fast)."""
_IMPORT: Final = "@import"
_ASCII_LOWER: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
"""CSS keywords are ASCII case-insensitive; the mapping keeps every offset."""
_DECLARATION_NAME: Final = re.compile(r"[ \t\n\r\f]*(-?-?[a-z_][\w-]*)[ \t\n\r\f]*")
"""What precedes the colon of a declaration (the whole text before it)."""
_WHITESPACE: Final = re.compile(r"[ \t\n\r\f]+")
_AT_RULE_PRELUDE: Final = re.compile(r"(?:[ \t\n\r\f]|/\*.*?\*/)*@", re.DOTALL)

_Block = tuple[int, int, int]
"""A ``{}`` block with no block inside: where its prelude starts, where its body starts (after
the ``{``), where it ends (the ``}``)."""
_Chunk = tuple[int, int, list[_Block], list[int] | None]
"""A top-level rule: start, end, its innermost blocks, and the semicolons that separate
declarations in them (``None``: a flat rule, whose every semicolon separates)."""


PlainRule = tuple[str, str]
"""A top-level style rule taken out of the text for the render model: its selector (whitespace
runs as one space) and its :data:`RENDER_PROPERTIES` and custom property declarations,
``;``-separated."""
PLAIN_RULE_MARKER: Final = "--plain-rule"
"""The at-rule left where a run of :data:`PlainRule` values was taken out (``@--plain-rule 3
5;`` for the fourth and fifth): an at-keyword no stylesheet uses, which every walker skips as
unknown."""


def reduce_stylesheet_for_rules(text: str) -> tuple[str, list[PlainRule]] | None:
    """:func:`reduce_stylesheet` with ``keep_rules``, except that plain top-level rules that
    hold such declarations and no reference leave the text as :data:`PlainRule` values, which
    the render model reads without tokenizing selectors (most such rules differ only by their
    selector). A rule is plain when it is flat (see ``_FLAT_RULE``), its selector ASCII with
    no string, and every part of its body a declaration."""
    return _reduce(text, keep_rules=True, extract=True)


def reduce_stylesheet(text: str, *, keep_rules: bool = False) -> str | None:
    """``text`` with what provably holds no reference removed, or ``None`` when the structure
    is not plain enough to be sure (an unterminated comment or string, unbalanced braces, a
    brace inside brackets, a backslash outside a string).

    Two levels, both keeping every line break:

    - a top-level rule is removed unless it contains ``url(``, ``image-set(``, ``src(`` or
      ``@import`` (or, with ``keep_rules``, what may start a :data:`RENDER_PROPERTIES` or custom
      property declaration), or comes before the last ``@import``
      (what precedes an ``@import`` decides whether it is valid);
    - inside a kept rule, each innermost block of a style rule (no block nested in it; not an
      at-rule's own block such as ``@font-face``) keeps only the declarations that hold such a
      reference (or, with ``keep_rules``, that declare a property in :data:`RENDER_PROPERTIES`
      or a custom property). A part between semicolons that does not start like a declaration
      (``name:``) is kept.

    Syntax errors inside what is removed go unseen. Semicolons inside ``()`` and ``[]`` do not
    separate (CSS Syntax 3 §5.4.8 *consume a simple block*), nor do those in a qualified rule's
    prelude (§5.4.3).
    """
    reduced = _reduce(text, keep_rules=keep_rules, extract=False)
    return None if reduced is None else reduced[0]


def _reduce(text: str, *, keep_rules: bool, extract: bool) -> tuple[str, list[PlainRule]] | None:
    lowered = text.translate(_ASCII_LOWER)
    chunks = _chunks(lowered)
    if chunks is None:
        return None
    hints = _Hints(lowered, keep_rules)
    # Nothing before the last @import is blanked: what precedes an @import decides its validity.
    last_import = max(
        (i for i, chunk in enumerate(chunks) if lowered.find(_IMPORT, chunk[0], chunk[1]) >= 0),
        default=-1,
    )
    written = _Written()
    out = written.out
    end = 0
    for index, (begin, end, blocks, semicolons) in enumerate(chunks):
        if index <= last_import:
            out.append(text[begin:end])
        elif (
            extract
            and semicolons is None
            and not hints.reference(begin, end)
            and (rule := _plain_rule(text, lowered, blocks[0], hints)) is not None
        ):
            if rule[1]:  # else it declares nothing the render model reads: gone
                written.plain(rule)
            out.append(_lines(text, begin, end))
        elif not hints.relevant(begin, end):
            out.append(_lines(text, begin, end))
        else:
            written.end_run()
            if extract and semicolons is not None and _group_of_rules(lowered, begin, end, blocks):
                _extract_in_group(text, lowered, (begin, end, blocks, semicolons), hints, written)
                continue
            cursor = begin
            for prelude, body, close in blocks:
                if not _AT_RULE_PRELUDE.match(lowered, prelude, body):
                    out.append(text[cursor:body])
                    out.append(_declarations(text, lowered, body, close, semicolons, hints))
                    cursor = close
            out.append(text[cursor:end])
    written.end_run()
    out.append(text[end:])
    return "".join(out), written.plain_rules


class _Written:
    """The reduced text as it is written, and the plain rules taken out of it: each run of
    consecutive plain rules leaves one marker where it starts (:func:`_marker`)."""

    __slots__ = ("first", "out", "plain_rules", "run")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.plain_rules: list[PlainRule] = []
        self.run = -1
        """Where in ``out`` the open run's marker goes; -1: no run is open."""
        self.first = 0

    def plain(self, rule: PlainRule) -> None:
        """Take ``rule`` out of the text, into the open run (opened here if need be)."""
        if self.run < 0:
            self.run, self.first = len(self.out), len(self.plain_rules)
            self.out.append("")
        self.plain_rules.append(rule)

    def end_run(self) -> None:
        """Write the open run's marker, if a run is open."""
        if self.run >= 0:
            self.out[self.run] = _marker(self.first, len(self.plain_rules))
            self.run = -1


def _marker(first: int, stop: int) -> str:
    """The at-rule that stands for plain rules ``first`` to ``stop`` (excluded), in the place
    of the first: it keeps their place among the other rules, as the cascade needs."""
    return f"@{PLAIN_RULE_MARKER} {first} {stop};"


def _group_of_rules(lowered: str, begin: int, end: int, blocks: list[_Block]) -> bool:
    """Whether the top-level rule ``[begin, end)`` is an ``@media``, ``@supports`` or
    ``@layer`` block holding only style rules without nested blocks (``blocks``), separated
    by whitespace alone."""
    if not _GROUP_PRELUDE.match(lowered, begin, end) or not blocks:
        return False
    cursor = lowered.index("{", begin) + 1
    for prelude, body, close in blocks:
        if lowered[cursor:prelude].strip(" \t\n\r\f"):
            return False
        if not _PLAIN_PRELUDE.fullmatch(lowered, prelude, body - 1):
            return False
        cursor = close + 1
    return not lowered[cursor : end - 1].strip(" \t\n\r\f")


_GROUP_PRELUDE: Final = re.compile(r"[ \t\n\r\f]*@(?:media|supports|layer)[ \t\n\r\f(][^{};/\\]*\{")


def _extract_in_group(
    text: str,
    lowered: str,
    chunk: _Chunk,
    hints: _Hints,
    written: _Written,
) -> None:
    """Write a group of rules (:func:`_group_of_rules`): its plain rules as
    markers inside the group (they take its conditions and layer where the marker stands),
    the others as :func:`_reduce` writes them."""
    begin, end, blocks, semicolons = chunk
    out = written.out
    cursor = begin
    for block in blocks:
        prelude, body, close = block
        rule = None
        if not hints.reference(prelude, close):
            rule = _plain_rule(text, lowered, block, hints, semicolons)
        if rule is not None or not hints.relevant(prelude, close):
            out.append(text[cursor:prelude])
            if rule is not None and rule[1]:
                written.plain(rule)
            out.append(_lines(text, prelude, close + 1))
        else:
            written.end_run()
            out.append(text[cursor:body])
            out.append(_declarations(text, lowered, body, close, semicolons, hints))
            out.append("}")
        cursor = close + 1
    written.end_run()
    out.append(text[cursor:end])


def _plain_rule(
    text: str, lowered: str, block: _Block, hints: _Hints, semicolons: list[int] | None = None
) -> PlainRule | None:
    """The :data:`PlainRule` of a rule with no nested block, or None when it is not plain;
    its declarations are ``""`` when it declares nothing the render model reads (it is then
    left out). ``semicolons``: those that separate (None: all)."""
    prelude, body, close = block
    selector = text[prelude : body - 1]
    if not selector.isascii() or '"' in selector or "'" in selector or "/" in selector:
        return None  # (a "/" starts a comment)
    declarations = []
    sizes = hints.sizes
    for begin, stop, declared in _parts(lowered, body, close, semicolons):
        if declared == _RENDERS or (sizes and declared == _SIZES):
            declarations.append(text[begin:stop].strip(" \t\n\r\f"))
        elif declared == _NOT_DECLARED and text[begin:stop].strip(" \t\n\r\f"):
            return None
    if not declarations:
        return selector, ""
    return _WHITESPACE.sub(" ", selector).strip(" "), ";".join(declarations)


def _chunks(lowered: str) -> list[_Chunk] | None:
    """The top-level rules of a stylesheet, or ``None`` when its structure is not plain."""
    chunks: list[_Chunk] = []
    position = 0
    size = len(lowered)
    while position < size:
        flat = _FLAT_RULE.match(lowered, position)
        if flat is not None:
            end = flat.end()
            body = lowered.index("{", position) + 1
            chunks.append((position, end, [(position, body, end - 1)], None))
            position = end
            continue
        chunk = _chunk(lowered, position)
        if chunk is None:
            return None
        if chunk[1] == position:  # only the tail (whitespace, an unfinished prelude) is left
            break
        chunks.append(chunk)
        position = chunk[1]
    return chunks


def _chunk(lowered: str, start: int) -> _Chunk | None:
    """The top-level rule that starts at ``start``, token by token; ``(start, start, …)`` when
    the text ends before a rule does; ``None`` when the structure is not plain. It follows
    CSS Syntax 3 §5.4 (*consume a qualified rule*, an at-rule, a simple block) over the
    structure tokens of ``_STRUCTURE``: braces, semicolons and brackets."""
    blocks: list[_Block] = []
    semicolons: list[int] = []
    brackets: list[str] = []
    depth = 0
    statement = start  # where the current rule's prelude or declaration starts
    prelude = -1  # the prelude start of the innermost open block, while none is nested in it
    body = 0
    pending: list[int] = []
    for match in _STRUCTURE.finditer(lowered, start):
        first = lowered[match.start()]
        if brackets and first in ";{}":
            if first == ";":
                continue  # inside a bracket: no structure (CSS Syntax 3 §5.4.8)
            return None
        if first == ";":
            if depth == 0:
                if not _AT_RULE_PRELUDE.match(lowered, start, match.start()):
                    continue  # part of a qualified rule's prelude (CSS Syntax 3 §5.4.3)
                return (start, match.end(), blocks, semicolons)
            if prelude >= 0:
                pending.append(match.start())
            statement = match.end()
        elif first in "()[]":
            _bracket(first, match.end() - match.start(), brackets)
        elif first == "{":
            depth += 1
            prelude, body, pending = statement, match.end(), []
            statement = match.end()
        elif first == "}":
            if depth == 0:
                return None
            depth -= 1
            if prelude >= 0:
                blocks.append((prelude, body, match.start()))
                semicolons.extend(pending)
                prelude = -1
            statement = match.end()
            if depth == 0:
                return (start, match.end(), blocks, semicolons)
        elif first == "\\" or not _closed(match.group()):
            return None
    return None if depth or brackets else (start, start, [], None)


def _bracket(first: str, length: int, brackets: list[str]) -> None:
    """Track the open ``(`` and ``[`` of a rule: a ``(`` token of more than one character is a
    whole block with no structure inside; a closing bracket closes only its own kind."""
    if first == "(":
        if length == 1:
            brackets.append(")")
    elif first == "[":
        brackets.append("]")
    elif brackets and brackets[-1] == first:
        brackets.pop()


def _closed(token: str) -> bool:
    """False for an unterminated comment or string."""
    if token[0] in "\"'":
        return len(token) >= 2 and token[-1] == token[0]
    if token.startswith("/*"):
        return len(token) >= 4 and token.endswith("*/")
    return True


class _Hints:
    """Where references may start in a stylesheet, for range queries; and whether a range
    may hold what the render model reads (with ``keep_rules``)."""

    def __init__(self, lowered: str, keep_rules: bool) -> None:
        self.lowered = lowered
        self.keep_rules = keep_rules
        self.sizes = keep_rules and uses_container_queries(lowered)
        """Size declarations are kept too (:data:`SIZE_PROPERTIES`)."""
        self.references = [match.start() for match in _REFERENCE_HINT.finditer(lowered)]
        self.render_hints = (*_RENDER_HINTS, _SIZE_HINT) if self.sizes else _RENDER_HINTS

    def reference(self, begin: int, end: int) -> bool:
        """A reference may start in ``[begin, end)``."""
        return _any_within(self.references, begin, end)

    def relevant(self, begin: int, end: int) -> bool:
        """A reference, or with ``keep_rules`` a render declaration, may start in
        ``[begin, end)``. (Searched on demand: most rules are plain, and those are read
        declaration by declaration instead.)"""
        if self.reference(begin, end):
            return True
        lowered = self.lowered
        return self.keep_rules and any(
            hint.search(lowered, begin, end) for hint in self.render_hints
        )


def _any_within(positions: list[int], begin: int, end: int) -> bool:
    """Some of the sorted ``positions`` lies in ``[begin, end)``."""
    index = bisect.bisect_left(positions, begin)
    return index < len(positions) and positions[index] < end


def _lines(text: str, begin: int, end: int) -> str:
    """What is left of ``text[begin:end]`` when it is removed: its line breaks."""
    return "\n" * text.count("\n", begin, end)


def _parts(
    lowered: str, body: int, close: int, semicolons: list[int] | None
) -> list[tuple[int, int, int]]:
    """The parts of the block body ``[body, close)`` between separating semicolons (sorted
    ``semicolons``; ``None``: every semicolon separates): start, end, and what the part
    declares (:func:`_declared`)."""
    parts = []
    begin = body
    if semicolons is None:
        for piece in lowered[body:close].split(";"):
            stop = begin + len(piece)
            colon = piece.find(":")
            parts.append((begin, stop, _declared(piece[:colon]) if colon >= 0 else _NOT_DECLARED))
            begin = stop + 1
        return parts
    first = bisect.bisect_left(semicolons, body)
    for stop in (*semicolons[first : bisect.bisect_left(semicolons, close, first)], close):
        colon = lowered.find(":", begin, stop)
        declared = _declared(lowered[begin:colon]) if colon >= 0 else _NOT_DECLARED
        parts.append((begin, stop, declared))
        begin = stop + 1
    return parts


_NOT_DECLARED, _DECLARED, _RENDERS, _SIZES = range(4)
"""What a part declares: nothing (it does not start like ``name:``), a property the render
model does not read, one it reads (:func:`_renders` without sizes), a size property."""


def _declared(before: str) -> int:
    """What a part whose text before its first colon is ``before`` declares. Names repeat
    across rules: each such text is checked once (:data:`_NAMES`)."""
    declared = _NAMES.get(before)
    if declared is None:
        if len(_NAMES) >= _NAMES_SIZE:
            _NAMES.clear()
        match = _DECLARATION_NAME.fullmatch(before)
        if match is None:
            declared = _NOT_DECLARED
        else:
            name = match.group(1)
            declared = _RENDERS if _renders(name, False) else _DECLARED
            if name in SIZE_PROPERTIES:
                declared = _SIZES
        _NAMES[before] = declared
    return declared


_NAMES: Final[dict[str, int]] = {}
"""What precedes a part's first colon → what the part declares."""
_NAMES_SIZE: Final = 4096


def _declarations(
    text: str,
    lowered: str,
    body: int,
    close: int,
    semicolons: list[int] | None,
    hints: _Hints,
) -> str:
    """The body ``[body, close)`` without the declarations that hold nothing to scan (their
    line breaks stay). A part that does not start like a declaration is kept."""
    references = hints.references
    first = bisect.bisect_left(references, body)
    inside = references[first : bisect.bisect_left(references, close, first)]
    keep_rules, sizes = hints.keep_rules, hints.sizes
    out: list[str] = []
    for begin, stop, declared in _parts(lowered, body, close, semicolons):
        if (
            declared == _NOT_DECLARED
            or (keep_rules and (declared == _RENDERS or (sizes and declared == _SIZES)))
            or (inside and any(begin <= at < stop for at in inside))
        ):
            out.append(text[begin:stop] + (";" if stop < close else ""))
        else:
            out.append("\n" * text.count("\n", begin, stop))
    return "".join(out)


def _renders(name: str, sizes: bool) -> bool:
    """A property the render model reads (:data:`RENDER_PROPERTIES`, custom properties; with
    ``sizes``, :data:`SIZE_PROPERTIES`)."""
    return name.startswith("--") or name in RENDER_PROPERTIES or (sizes and name in SIZE_PROPERTIES)
