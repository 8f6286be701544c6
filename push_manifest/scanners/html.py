"""The HTML scanner: one walk over a parsed page, one small function per element.

:func:`parse_html` parses with lxml (libxml2); :func:`scan_html` walks the tree once, in document
order, and hands each element to the handler its tag maps to in :data:`_HANDLERS`. Handlers yield
raw :class:`Reference`, :class:`InlineText` and :class:`BaseHref` items: URLs exactly as written
(stripped of surrounding ASCII whitespace), never resolved, filtered by type or weighed.

What a browser with scripting enabled never loads is never yielded: the content of ``<noscript>``
and ``<template>`` (except declarative shadow roots, which are rendered), comments, and
stylesheets that are alternate, disabled or not CSS.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import cast

from lxml import etree

from push_manifest.layout import Layout
from push_manifest.model import (
    BaseHref,
    HtmlItem,
    InlineKind,
    InlineText,
    Kind,
    Reference,
    Viewport,
    attrs,
)
from push_manifest.scanners.srcset import PictureSource, select_image, select_picture

__all__ = [
    "CUT_DEPTH",
    "CUT_ELEMENT",
    "MAX_ATTRIBUTES",
    "NEAR_VIEWPORT",
    "ParseLimits",
    "parse_html",
    "parse_limits",
    "scan_html",
]

_Element = etree._Element

# ASCII lowercase, and ASCII whitespace to spaces (WHATWG Infra: "ASCII whitespace").
_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ\t\n\f\r", "abcdefghijklmnopqrstuvwxyz    ")
_ASCII_WS = "\t\n\f\r "


# -- parsing ----------------------------------------------------------------------------------

_local = threading.local()


def _parser() -> etree.HTMLParser:
    # lxml parsers must not be shared between threads.
    parser: etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        # etree's parser, not lxml.html's: its elements need no Python class lookup, which
        # makes walking the tree more than twice as fast.
        parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
        )
        _local.parser = parser
    return parser


MAX_ATTRIBUTES = 256
"""Distinct attributes libxml2 is handed per element: its duplicate check is quadratic (100,000
attributes on one element took 100 s). Beyond this, an element keeps the first
``MAX_ATTRIBUTES`` distinct names and every later one in :data:`_READ_ATTRIBUTES` (what the
scanners and selector matching read); the others are dropped, noted in
:attr:`ParseLimits.capped`. Duplicates are dropped after the first, as browsers do."""

CUT_DEPTH = 1024
"""Open elements (as counted by :func:`_flatten`) below which a page too deep for libxml2 keeps
its structure; deeper elements are flattened, inside a :data:`CUT_ELEMENT`."""

CUT_ELEMENT = "push-manifest-cut"
"""The element :func:`parse_html` wraps what it flattened in, where the tree was cut."""

_CUT_TAGS = "data-push-manifest-cut"
_CAPPED = "data-push-manifest-capped"
"""Attributes :func:`parse_html` sets on the root to record its approximations."""


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Where libxml2's limits made :func:`parse_html`'s tree differ from a browser's."""

    cut: bool = False
    """Elements were nested deeper than libxml2 can parse: below :data:`CUT_DEPTH` they were
    read flattened (turned into empty ``<br>`` elements, their attributes kept), inside
    :data:`CUT_ELEMENT` elements."""
    cut_line: int = 0
    """The source line where the first cut starts."""
    lost_tags: frozenset[str] = frozenset()
    """The tag names of the elements flattened (each became a ``<br>``)."""
    capped: int = 0
    """How many attributes were dropped from elements with more than :data:`MAX_ATTRIBUTES`."""
    capped_line: int = 0
    """The source line of the first such element."""


def parse_limits(root: etree._Element) -> ParseLimits:
    """What :func:`parse_html` recorded on the tree of ``root`` about its approximations."""
    top = root.getroottree().getroot()
    tags, capped = top.get(_CUT_TAGS), top.get(_CAPPED)
    if tags is None and capped is None:
        return ParseLimits()
    cut_line = 0
    if tags is not None:
        first = next(top.iter(CUT_ELEMENT), None)
        cut_line = _line(first) if first is not None else 0
    count, _, line = (capped or "0 0").partition(" ")
    return ParseLimits(
        cut=tags is not None,
        cut_line=cut_line,
        lost_tags=frozenset((tags or "").split()),
        capped=int(count),
        capped_line=int(line or 0),
    )


def parse_html(text: str) -> etree._Element:
    """Parse a decoded HTML page into an lxml tree rooted at ``<html>``; never raises.

    The tree is made of plain ``lxml.etree`` elements: ``lxml.html.HtmlElement`` (a subclass)
    would cost a Python class lookup per element visited. Empty or garbage input gives a
    (possibly empty) ``<html>`` tree. Comments and processing instructions are dropped.

    Before libxml2 (an HTML 4 tree builder behind an HTML5 tokenizer) sees the text,
    :func:`_repair` takes away what its tree building gets wrong for a scanner: the content of
    ``<noscript>`` and ``<template>`` is blanked, void elements it does not know are closed,
    and elements with more than :data:`MAX_ATTRIBUTES` distinct attributes are capped.
    ``huge_tree`` lifts libxml2's 10 MB text and 256-level depth limits, which would otherwise
    silently drop the rest of the page. A page nested deeper than libxml2 can parse is parsed
    again with its deep parts flattened (:func:`_flatten`). What was approximated is recorded
    on the root element, for :func:`parse_limits`.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    notes = _Notes()
    root = _parse(_repair(text, notes))
    lost: set[str] | None = None
    if _too_deep():
        # libxml2 stops at 2048 open elements even with huge_tree, dropping the rest of the
        # page; a browser keeps it (Blink flattens past depth 512). Parse a copy flattened
        # below a depth, lower again if libxml2 still gives up (it nests some elements deeper
        # than _flatten counts).
        for depth in (CUT_DEPTH, CUT_DEPTH // 4, 0):
            notes = _Notes()
            flat, lost = _flatten(text, depth)
            root = _parse(_repair(flat, notes))
            if not _too_deep():
                break
        root.set(_CUT_TAGS, " ".join(sorted(lost or ())))
    if notes.capped:
        root.set(_CAPPED, f"{notes.capped} {notes.capped_line}")
    return root


def _too_deep() -> bool:
    """True when the last parse stopped at libxml2's depth limit."""
    return any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in _parser().error_log)


@dataclass(slots=True)
class _Notes:
    """What :func:`_repair` changed beyond the markup a scan ignores."""

    capped: int = 0
    capped_line: int = 0


def _parse(text: str) -> etree._Element:
    root: etree._Element | None
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), _parser())
    except etree.LxmlError:  # nothing but whitespace, comments or PIs
        root = None
    if root is None:
        root = etree.fromstring(b"<html></html>", _parser())
    return root


# The tokenizer states a scripting browser enters after these start tags (WHATWG HTML §13.2.5:
# RAWTEXT, RCDATA, script data; ``noscript`` is RAWTEXT when scripting is enabled, §13.2.6.4.4).
_RAW_TEXT = ("script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea",
             "title")  # fmt: skip
# Void elements (WHATWG HTML §13.1.2) that libxml2 treats as containers, nesting all that follows
# inside them: <picture><source><img> would put the <img> in the <source>, and a thousand <wbr>
# would reach libxml2's depth limit. ``image`` is read as ``img`` by browsers outside SVG.
_UNKNOWN_VOID = ("bgsound", "embed", "image", "keygen", "source", "track", "wbr")
_TAG_NAME = r"[A-Za-z][^\t\n\f\r />]*+"
# After the tag name: attributes, with quotes honoured only where a value starts (§13.2.5.32+).
_TAG_REST = r"""(?:[^>"'=]++|=[\t\n\f\r ]*+(?:"[^"]*+"?|'[^']*+'?|[^\t\n\f\r >]*+)|["'])*+>?"""
_NAME_END = r"(?=[\t\n\f\r />]|\Z)"
# The same, for a tag that may not have more than MAX_ATTRIBUTES attributes: at least two steps
# per attribute (name and separator, or name and value), at most 2 * MAX_ATTRIBUTES in all.
# A longer tag does not match; _repair then reads its attributes one by one.
_SHORT_TAG_REST = (
    r"""(?:[^>"'=\t\n\f\r /]++|[\t\n\f\r /]++"""
    r"""|=[\t\n\f\r ]*+(?:"[^"]*+"?|'[^']*+'?|[^\t\n\f\r >]*+)|["'])"""
    rf"""{{0,{2 * MAX_ATTRIBUTES}}}+(?:>|\Z)"""
)
_INTERESTING = "|".join((*_RAW_TEXT, *_UNKNOWN_VOID, "plaintext", "template"))
# Everything up to the next start tag that _repair acts on, or the next ``</template``,
# ``</body`` or ``</html``: text,
# comments, doctypes, bogus comments and every other tag, attributes included.
_UNINTERESTING = re.compile(
    rf"""(?:
        [^<]++
      | <(?![A-Za-z!?/])
      | <!--(?:-?>|[\s\S]*?--!?>|[\s\S]*+)
      | <!(?!--)[^>]*+>?
      | <\?[^>]*+>?
      | </(?![A-Za-z])[^>]*+>?
      | </(?!(?i:template|body|html){_NAME_END}){_TAG_NAME}{_TAG_REST}
      | <(?!(?i:{_INTERESTING}){_NAME_END}){_TAG_NAME}{_SHORT_TAG_REST}
    )*+""",
    re.VERBOSE,
)
_TAG = re.compile(rf"<(/?)({_TAG_NAME}){_TAG_REST}")
# One attribute and the separators before it, as the tokenizer reads it (WHATWG HTML §13.2.5.32
# to §13.2.5.39): a name starts with anything but whitespace, "/" or ">" (even "="); a value
# after "=" is quoted (to the quote or the end) or runs to whitespace or ">".
_ATTRIBUTE = re.compile(
    r"""[\t\n\f\r /]*+([^\t\n\f\r />][^\t\n\f\r /=>]*+)"""
    r"""(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"[^"]*+"?|'[^']*+'?|[^\t\n\f\r >]*+))?"""
)
_READ_ATTRIBUTES = frozenset({
    # the scanners (the handlers below, _walk, _is_shadow_root, _svg_href)
    "as", "async", "background", "blocking", "crossorigin", "data", "default", "defer",
    "disabled", "fetchpriority", "href", "imagesizes", "imagesrcset", "kind", "loading",
    "media", "nomodule", "poster", "rel", "shadowrootmode", "sizes", "src", "srclang", "srcset",
    "style", "type", "xlink:href", "content", "http-equiv", "language", "title",
    # the layout estimate of lazy elements (push_manifest.layout), <iframe srcdoc>
    "height", "hidden", "srcdoc", "width",
    # selector matching: classes, ids, and what cssselect's HTML pseudo-classes read
    "autofocus", "checked", "class", "id", "lang", "selected",
})  # fmt: skip
"""Attributes an element keeps wherever they are when it has more than :data:`MAX_ATTRIBUTES`."""
_END_TAGS = {name: re.compile(rf"</{name}[\t\n\f\r />]", re.IGNORECASE) for name in _RAW_TEXT}
_SHADOW_ROOT_MODE = re.compile(
    r"""[\t\n\f\r /"']shadowrootmode[\t\n\f\r ]*=[\t\n\f\r ]*(["']?)(?:open|closed)\1"""
    r"""(?=[\t\n\f\r />])""",
    re.IGNORECASE,
)
_NEEDS_REPAIR = re.compile(
    rf"<(?:noscript|template|/body|/html|{'|'.join(_UNKNOWN_VOID)})", re.IGNORECASE
)


_IGNORED_END = ("body", "html")
"""End tags :func:`_repair` removes. A browser never closes an element for them: in body they
only switch to the "after body" insertion mode, whose content (and "after after body"'s, past
``</html>``) is put back into ``<body>``, where the open elements still are (WHATWG HTML
§13.2.6.4.7 "in body", §13.2.6.4.19 "after body", §13.2.6.4.22 "after after body"); in tables,
cells, selects and templates they are ignored. libxml2 closes everything at ``</body>`` and
drops what follows ``</html>``."""


def _repair(text: str, notes: _Notes | None = None) -> str:
    """``text`` with the content of ``<noscript>`` and ``<template>`` elements reduced to its
    line breaks (so ``sourceline`` stays right), an end tag after each start tag of
    :data:`_UNKNOWN_VOID`, the end tags of :data:`_IGNORED_END` removed (their line breaks
    kept), and each start tag with more than :data:`MAX_ATTRIBUTES` distinct
    attributes capped (:func:`_cap`, counted in ``notes``).

    Tags are found the way an HTML tokenizer finds them: not inside comments, attribute values,
    scripts or other raw text. ``</template>`` closes the innermost open template (WHATWG HTML
    §13.2.6.4.4), whatever is open inside it: libxml2 cannot close a ``<template>`` or
    ``<noscript>`` over an open ``<td>`` or ``<div>`` and would swallow what follows, nor keep
    a ``</body>`` inside them from moving the rest out. A declarative shadow root
    (``<template shadowrootmode=open|closed>``) is rendered, so it is kept.
    """
    if _NEEDS_REPAIR.search(text) is None and len(text) <= 2 * MAX_ATTRIBUTES:
        return text
    edits: list[tuple[int, int, str]] = []  # (start, stop, replacement), in text order
    templates: list[int | None] = []  # per open template: where its blanked region starts
    blanking_from: int | None = None
    pos, end = 0, len(text)
    while True:
        skipped = _UNINTERESTING.match(text, pos)
        pos = pos if skipped is None else skipped.end()
        tag = _TAG.match(text, pos)
        if tag is None:  # the end: the pattern above stops only there or before a tag
            break
        closing, name, pos = tag.group(1), tag.group(2).translate(_FOLD), tag.end()
        if not closing and blanking_from is None and pos - tag.start() > 2 * MAX_ATTRIBUTES:
            _cap_edit(tag, edits, notes)
        if closing:
            blanking_from = _end_tag(tag, name, blanking_from, templates, edits)
        elif name == "template":
            if blanking_from is None and _SHADOW_ROOT_MODE.search(tag.group(0)) is None:
                blanking_from = pos
                templates.append(pos)
            else:
                templates.append(None)
        elif name == "plaintext":
            break
        elif name in _END_TAGS:
            content_start, pos = pos, _content_end(text, pos, name)
            if name == "noscript" and blanking_from is None:
                edits.append((content_start, pos, ""))
        elif blanking_from is None and name in _UNKNOWN_VOID:
            edits.append((pos, pos, f"</{name}>"))
    if blanking_from is not None:
        edits.append((blanking_from, end, ""))
    return _splice(text, edits)


def _end_tag(
    tag: re.Match[str],
    name: str,
    blanking_from: int | None,
    templates: list[int | None],
    edits: list[tuple[int, int, str]],
) -> int | None:
    """For :func:`_repair`, the end tag ``tag`` (``name`` folded): one of :data:`_IGNORED_END`
    is removed unless inside blanked content; ``</template>`` closes the innermost open
    template, whose content is blanked if it was to be. Returns where the content being blanked
    starts now (``None``: none is)."""
    if name in _IGNORED_END:
        if blanking_from is None:
            edits.append((tag.start(), tag.end(), ""))
        return blanking_from
    if templates and (start := templates.pop()) is not None:
        edits.append((start, tag.start(), ""))
        return None
    return blanking_from


def _content_end(text: str, pos: int, name: str) -> int:
    """Where the content of the raw text element ``name`` (one of :data:`_END_TAGS`) that
    starts at ``pos`` ends: at its end tag, or at the end of ``text``."""
    close = _END_TAGS[name].search(text, pos)
    return len(text) if close is None else close.start()


def _cap_edit(tag: re.Match[str], edits: list[tuple[int, int, str]], notes: _Notes | None) -> None:
    """Add the edit that caps the start tag ``tag``'s attributes (:func:`_cap`), if it has too
    many, and count what it drops in ``notes``."""
    capped = _cap(tag)
    if capped is None:
        return
    edits.append((tag.start(), tag.end(), capped[0]))
    if notes is not None:
        notes.capped_line = notes.capped_line or tag.string.count("\n", 0, tag.end()) + 1
        notes.capped += capped[1]


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, stop, replacement)`` of ``edits`` (in text order, not
    overlapping) made; an empty replacement keeps the span's line breaks."""
    if not edits:
        return text
    pieces: list[str] = []
    last = 0
    for start, stop, replacement in edits:
        pieces.append(text[last:start])
        # A blanked span keeps its line breaks.
        pieces.append(replacement or "".join(ch for ch in text[start:stop] if ch in "\r\n"))
        last = stop
    pieces.append(text[last:])
    return "".join(pieces)


def _cap(tag: re.Match[str]) -> tuple[str, int] | None:
    """The start tag ``tag`` (a :data:`_TAG` match) with its first :data:`MAX_ATTRIBUTES`
    distinct attributes and every later one in :data:`_READ_ATTRIBUTES`, each name once (the
    first, as browsers keep it), and its line breaks; with the number of attributes dropped.
    None when it has no more than :data:`MAX_ATTRIBUTES` distinct names (libxml2's check of
    duplicates costs nothing then)."""
    text, stop = tag.string, tag.end()
    body_end = stop - 1 if text.endswith(">", 0, stop) else stop
    pos = tag.end(2)
    seen: set[str] = set()
    kept: list[str] = []
    dropped = 0
    while pos < body_end:
        attribute = _ATTRIBUTE.match(text, pos, body_end)
        if attribute is None:  # only separators are left ("/" before ">")
            break
        pos = attribute.end()
        key = attribute.group(1).translate(_FOLD)
        if key in seen:
            continue
        seen.add(key)
        if len(seen) <= MAX_ATTRIBUTES or key in _READ_ATTRIBUTES:
            kept.append(text[attribute.start(1) : pos])
        else:
            dropped += 1
    if not dropped:
        return None
    head = text[tag.start() : tag.end(2)]
    body = " ".join((head, *kept))
    lines = "".join(ch for ch in text[tag.start() : stop] if ch == "\n")
    return f"{body}{lines[body.count(chr(10)) :]}{text[pos:stop]}", dropped


_TOKEN = re.compile(
    rf"""[^<]++
      | <(?![A-Za-z!?/])
      | <!--(?:-?>|[\s\S]*?--!?>|[\s\S]*+)
      | <!(?!--)[^>]*+>?
      | <\?[^>]*+>?
      | </(?![A-Za-z])[^>]*+>?
      | <(?P<end>/?)(?P<name>{_TAG_NAME})(?P<rest>{_TAG_REST})""",
    re.VERBOSE,
)
# Elements whose nesting a scan needs: handled tags and the context they depend on.
_STRUCTURE = frozenset({"html", "head", "body", "svg", "foreignobject", "math", "picture",
                        "template", "noscript", "frameset", "select", *_RAW_TEXT})  # fmt: skip


_VOID = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
                   "image", "img", "input", "isindex", "keygen", "link", "meta", "param", "source",
                   "track", "wbr"})  # fmt: skip
"""Elements that never hold others: WHATWG HTML §13.1.2's void elements and libxml2's."""
_DOCUMENT = frozenset({"html", "head", "body", "frameset"})
_IMPLIED_END: dict[str, tuple[str, ...]] = {
    "li": ("li",), "dt": ("dt", "dd"), "dd": ("dt", "dd"), "p": ("p",), "option": ("option",),
    "tr": ("tr", "td", "th"), "td": ("td", "th"), "th": ("td", "th"),
}  # fmt: skip
"""Start tags that close the current element when it has one of these names (a simplified
WHATWG HTML §13.2.6.4.7, enough to keep unclosed list items and cells from counting as depth)."""
_KEPT_DEPTH = 512
"""How far below the cut the elements a scan needs (``<svg>``, ``<table>``, ``<a>`` …) keep
their nesting before they are flattened too."""


def _flatten(text: str, depth: int) -> tuple[str, set[str]]:
    """``text`` with every element that opens below ``depth`` open elements (as counted here:
    libxml2 counts alike, or less) turned into a ``<br>`` (its attributes kept, for ``style``,
    ``class`` and ``id``) and its end tag removed, so nesting stays shallow; also the names of
    the elements flattened.

    Elements a scan needs (:data:`_STRUCTURE`, :data:`_HANDLERS`) keep their nesting for
    :data:`_KEPT_DEPTH` more levels; ``<template>``, raw text and void elements are never
    flattened. Everything from the first element below ``depth`` until the element holding it
    closes is wrapped in one :data:`CUT_ELEMENT`, so a selector matcher knows which elements
    lost their place. ``depth`` 0 flattens every element but those. Only for pages nested
    deeper than libxml2 can parse; tags are found as in :func:`_repair`.
    """
    keep = _STRUCTURE | _HANDLERS.keys()
    hard = depth + _KEPT_DEPTH if depth else 0
    pieces: list[str] = []
    lost: set[str] = set()
    stack: list[str] = []
    positions: dict[str, list[int]] = {}
    wrapper = -1  # the stack's length when the open CUT_ELEMENT started; -1: none open
    flat_open: dict[str, int] = {}  # flattened elements by name, whose end tags are dropped

    pos, end = 0, len(text)
    while pos < end:
        token = _TOKEN.match(text, pos)
        if token is None:  # unreachable: every position starts some token
            pieces.append(text[pos:])
            break
        pos = token.end()
        name = token.group("name")
        if name is None:
            pieces.append(token.group(0))
            continue
        folded = name.translate(_FOLD)
        if folded == "plaintext":
            pieces.append(text[token.start() :])
            break
        if token.group("end"):
            if flat_open.get(folded):
                flat_open[folded] -= 1
                continue
            open_ = positions.get(folded)
            if open_:
                wrapper = _close_to(open_[-1], wrapper, stack, positions, pieces, flat_open)
            pieces.append(token.group(0))
            continue
        if folded in _END_TAGS:
            pieces.append(token.group(0))
            stop = _content_end(text, pos, folded)
            pieces.append(text[pos:stop])
            pos = stop
            continue
        if folded in _VOID or folded in _DOCUMENT or token.group(0).endswith("/>"):
            pieces.append(token.group(0))
            continue
        closes = _IMPLIED_END.get(folded)
        if closes and stack and stack[-1] in closes and len(stack) > wrapper:
            wrapper = _close_to(len(stack) - 1, wrapper, stack, positions, pieces, flat_open)
        level = len(stack)
        if level >= depth and wrapper < 0:
            wrapper = level
            pieces.append(f"<{CUT_ELEMENT}>")
        if level >= depth and folded != "template" and (folded not in keep or level >= hard):
            pieces.append("<br" + token.group("rest"))
            lost.add(folded)
            flat_open[folded] = flat_open.get(folded, 0) + 1
            continue
        pieces.append(token.group(0))
        positions.setdefault(folded, []).append(level)
        stack.append(folded)
    return "".join(pieces), lost


def _close_to(
    index: int,
    wrapper: int,
    stack: list[str],
    positions: dict[str, list[int]],
    pieces: list[str],
    flat_open: dict[str, int],
) -> int:
    """For :func:`_flatten`: close the open elements above the first ``index`` of ``stack``
    (and the open :data:`CUT_ELEMENT`, started at ``wrapper``, if they hold it); return where
    the open :data:`CUT_ELEMENT` started now (-1: none)."""
    if wrapper >= 0 and index < wrapper:
        # libxml2 does not let an unknown end tag close a <td> and the like: close each.
        pieces.extend(f"</{name}>" for name in reversed(stack[wrapper:]))
        pieces.append(f"</{CUT_ELEMENT}>")
        wrapper = -1
        flat_open.clear()
    while len(stack) > index:
        positions[stack.pop()].pop()
    return wrapper


# -- walking ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Walk:
    """The state of one walk: what handlers need beyond the element itself."""

    viewport: Viewport
    in_head: bool = False
    base_seen: bool = False
    layout: Layout | None = None
    """The page's estimated layout, made for the first ``loading=lazy`` element."""
    preferred_title: str | None = None
    """The preferred CSS style sheet set name, once known (:func:`_applies`)."""
    icons: list[tuple[_Element, str, bool]] = field(default_factory=list)
    """``<link rel=icon>`` candidates: element, URL, in head (:func:`_chosen_icon`)."""

    def near_viewport(self, element: _Element) -> bool:
        """True when ``element`` is estimated near the first viewport
        (:mod:`push_manifest.layout`)."""
        if self.layout is None:
            self.layout = Layout(element.getroottree().getroot(), self.viewport)
        return self.layout.near_viewport(element)


_Items = tuple[HtmlItem, ...]
_Handler = Callable[[_Element, _Walk], _Items]
"""Handlers return tuples, mostly empty or of one item: cheaper than generators, per element."""


def scan_html(root: etree._Element, viewport: Viewport) -> Iterator[HtmlItem]:
    """Yield the references, inline CSS/module/import-map texts and the ``<base href>`` of a
    parsed page, in document order (WHATWG HTML; SPEC.md §3).

    ``viewport`` is the environment ``srcset``/``sizes`` and ``<source media>`` are evaluated
    in. ``in_head`` tells whether an element sits in ``<head>``; ``line`` is its source line.
    """
    walk = _Walk(viewport)
    if root.tag == "html":
        yield from _walk(iter((root,)), walk)
        for child in root:
            if child.tag != "head":
                walk.in_head = False
                yield from _walk(child.iter(), walk)
                continue
            walk.in_head = True
            yield from _walk(iter((child,)), walk)
            for element in child:
                # libxml2 keeps e.g. <svg> or <my-element> in <head>; a browser ends the head
                # there and puts it and all that follows in the body (WHATWG HTML §13.2.6.4.4).
                if isinstance(element.tag, str) and element.tag not in _HEAD_CONTENT:
                    walk.in_head = False
                yield from _walk(element.iter(), walk)
    else:
        walk.in_head = root.tag == "head" or any(a.tag == "head" for a in root.iterancestors())
        yield from _walk(root.iter(), walk)
    yield from _chosen_icon(walk)


def _walk(nodes: Iterator[_Element], walk: _Walk) -> Iterator[HtmlItem]:
    """Dispatch each element of ``nodes`` (a tree iterator, document order) to its handler,
    skipping the subtrees of elements a scripting browser does not render."""
    for element in nodes:
        tag = element.tag
        if not isinstance(tag, str):  # comments, processing instructions, entities
            continue
        if tag in _UNLOADED and not _is_shadow_root(element):
            last = element
            while len(last):
                last = last[-1]
            if last is not element:
                for node in nodes:
                    if node is last:
                        break
            continue
        handler = _HANDLERS.get(tag)
        if handler is not None:
            yield from handler(element, walk)
        style = element.get("style")
        if style is not None and style.strip(_ASCII_WS):
            yield InlineText(style, InlineKind.STYLE_ATTRIBUTE, _line(element), walk.in_head)


_UNLOADED = frozenset({"noscript", "template"})
# The start tags the "in head" insertion mode keeps in <head>.
_HEAD_CONTENT = frozenset({"base", "basefont", "bgsound", "link", "meta", "noframes", "noscript",
                           "script", "style", "template", "title"})  # fmt: skip


def _is_shadow_root(template: _Element) -> bool:
    """True for a ``<template shadowrootmode=open|closed>``: the parser attaches its content as
    a rendered shadow tree (WHATWG HTML §13.2.6.4.4). Chromium's preload scanner fetches from
    it even where attaching then fails (a host such as ``<ul>``, a second shadow root), so the
    host is not checked."""
    if template.tag != "template":
        return False
    mode = template.get("shadowrootmode")
    return mode is not None and mode.translate(_FOLD) in ("open", "closed")


# -- helpers ----------------------------------------------------------------------------------


def _line(element: _Element) -> int:
    # lxml-stubs types sourceline as "..."; it is an int or None.
    return cast("int | None", element.sourceline) or 0


def _url(value: str | None) -> str | None:
    """A URL attribute's value without surrounding ASCII whitespace (WHATWG HTML §2.4.1 "valid
    URL potentially surrounded by spaces"); ``None`` when absent or empty."""
    if value is None:
        return None
    return value.strip(_ASCII_WS) or None


def _tokens(value: str) -> list[str]:
    """An ASCII-lowercased set of space-separated tokens (WHATWG HTML "set of
    space-separated tokens"), in order."""
    return [token for token in value.translate(_FOLD).split(" ") if token]


def _copy(
    element: _Element, names: tuple[str, ...], booleans: tuple[str, ...] = ()
) -> dict[str, str | None]:
    """The attributes ``names`` of ``element`` (absent ones as ``None``); present boolean
    attributes get the value ``""``."""
    copied = {name: element.get(name) for name in names}
    for name in booleans:
        copied[name] = None if element.get(name) is None else ""
    return copied


def _media(value: str | None) -> tuple[str, ...]:
    value = value.strip(_ASCII_WS) if value is not None else ""
    return (value,) if value else ()


def _is_css(type_: str | None) -> bool:
    """True when a ``<link rel=stylesheet>`` ``type`` allows CSS: absent, empty, or a MIME type
    whose essence is ``text/css`` (what Chromium 156 fetches; WHATWG HTML §4.2.4 leaves it to
    "supported" types)."""
    if type_ is None:
        return True
    essence = type_.split(";", 1)[0].strip(_ASCII_WS).translate(_FOLD)
    return essence in ("", "text/css")


def _ref(
    element: _Element,
    walk: _Walk,
    url: str | None,
    kind: Kind,
    copied: Mapping[str, str | None] | None = None,
    media: tuple[str, ...] = (),
) -> tuple[Reference, ...]:
    """A one-reference tuple, or ``()`` when ``url`` is empty."""
    if not url:
        return ()
    frozen = attrs(copied) if copied else ()
    return (Reference(url, kind, _line(element), frozen, walk.in_head, media),)


def _in_svg(element: _Element) -> bool:
    """True when ``element`` is SVG content: its nearest ``<svg>`` ancestor is nearer than any
    ``<foreignObject>`` (libxml2 does not keep namespaces; tag names arrive lowercased)."""
    for ancestor in element.iterancestors():
        if ancestor.tag == "svg":
            return True
        if ancestor.tag == "foreignobject":
            return False
    return False


def _svg_href(element: _Element) -> str | None:
    """SVG 2 ``href``, falling back to the deprecated ``xlink:href`` (SVG 2, "Linking")."""
    href = element.get("href")
    return href if href is not None else element.get("xlink:href")


# -- handlers ---------------------------------------------------------------------------------

_REL_KINDS: dict[str, Kind] = {
    "stylesheet": Kind.HTML_STYLESHEET,
    "import": Kind.HTML_IMPORT,
    "preload": Kind.HTML_PRELOAD,
    "modulepreload": Kind.HTML_MODULEPRELOAD,
    "icon": Kind.HTML_ICON,
}
_LINK_ATTRS = ("as", "blocking", "crossorigin", "fetchpriority", "imagesizes", "imagesrcset",
               "media", "rel", "type")  # fmt: skip
_NOT_APPLIED = ("not all",)
"""The media of a style sheet that is fetched but not applied (a titled sheet outside the
preferred set): its ``url()``s and fonts are then pruned like those of unmatched media."""


def _link(element: _Element, walk: _Walk) -> _Items:
    """``<link rel>``: one reference per relevant link type in ``rel`` (WHATWG HTML §4.6.7)."""
    rel = element.get("rel")
    if rel is None:
        return ()
    tokens = _tokens(rel)
    kinds = dict.fromkeys(_REL_KINDS[token] for token in tokens if token in _REL_KINDS)
    if not kinds:
        return ()
    href = element.get("href")
    copied = _copy(element, _LINK_ATTRS)
    media = _media(copied["media"])
    url = _url(href)
    items: _Items = ()
    for kind in kinds:
        if kind is Kind.HTML_STYLESHEET and (
            "alternate" in tokens
            or element.get("disabled") is not None
            or not _is_css(copied["type"])
        ):
            continue
        if kind is Kind.HTML_ICON:
            if url:
                walk.icons.append((element, url, walk.in_head))
            continue
        if kind is Kind.HTML_STYLESHEET and not _applies(element, walk):
            # Chromium 156 fetches it (at low priority) but applies none of its rules.
            items += _ref(element, walk, url, kind, copied, _NOT_APPLIED)
            continue
        target = (_preload_url(element, walk, href) or url) if kind is Kind.HTML_PRELOAD else url
        items += _ref(element, walk, target, kind, copied, media)
    return items


def _applies(element: _Element, walk: _Walk) -> bool:
    """Whether a style sheet of ``<link rel=stylesheet>`` or ``<style>`` is applied: untitled
    (persistent) sheets and those of the preferred set are, the other titled ones are not.
    The preferred set is named by ``<meta http-equiv=default-style>`` or else the first titled
    sheet (WHATWG HTML §4.2.5.3 "Default style state"; CSSOM §6.1 "preferred CSS style sheet
    set name"). Read in document order: a later ``<meta>`` does not restyle earlier sheets."""
    title = element.get("title")
    if not title:
        return True
    if walk.preferred_title is None:
        walk.preferred_title = title
    return title == walk.preferred_title


def _meta(element: _Element, walk: _Walk) -> _Items:
    """``<meta http-equiv=default-style content>`` names the preferred style sheet set
    (WHATWG HTML §4.2.5.3); it yields nothing itself."""
    equiv, content = element.get("http-equiv"), element.get("content")
    if equiv is not None and equiv.translate(_FOLD) == "default-style" and content:
        walk.preferred_title = content
    return ()


_FAVICON_PIXELS = (16, 32)
"""The pixel sizes desktop Chromium wants a favicon in: 16 DIP at its 1x and 2x scale
factors."""


def _icon_score(sizes: str | None) -> float:
    """How well an icon whose ``sizes`` attribute is ``sizes`` fits :data:`_FAVICON_PIXELS`,
    from 0 to 1, averaged over them: 1 for an exact size, below 0.1 for a larger one (the
    nearer the better), 0 for a smaller one. Without usable ``sizes`` (absent, ``any``,
    invalid) an icon scores 2: Chromium 156 tries those first."""
    found: list[tuple[int, int]] = []
    for token in _tokens(sizes or ""):
        width, x, height = token.partition("x")
        if x and width.isdigit() and height.isdigit() and width[0] != "0" and height[0] != "0":
            found.append((int(width), int(height)))
    if not found:
        return 2.0
    total = 0.0
    for want in _FAVICON_PIXELS:
        if (want, want) in found:
            total += 1.0
            continue
        larger = [min(w, h) for w, h in found if w > want and h > want]
        total += 0.1 * want / min(larger) if larger else 0.0
    return total / len(_FAVICON_PIXELS)


def _chosen_icon(walk: _Walk) -> _Items:
    """The one ``<link rel=icon>`` a desktop browser fetches first: the best
    :func:`_icon_score`, the last in tree order among equals ("If there are multiple equally
    appropriate icons, user agents must use the last one declared in tree order", WHATWG HTML
    §4.6.7.8). Checked against Chromium 156, which fetches it after the load event and tries
    others only while none is an exact fit: those later tries depend on the image files, so
    they are not listed. The ``type`` attribute is not checked (Chromium does not)."""
    if not walk.icons:
        return ()
    best = max(
        range(len(walk.icons)),
        key=lambda i: (_icon_score(walk.icons[i][0].get("sizes")), i),
    )
    element, url, in_head = walk.icons[best]
    copied = _copy(element, ("rel", "sizes", "type"))
    return (Reference(url, Kind.HTML_ICON, _line(element), attrs(copied), in_head),)


def _preload_url(element: _Element, walk: _Walk, href: str | None) -> str | None:
    """For ``<link rel=preload as=image imagesrcset>``, the source a browser selects from
    ``imagesrcset``/``imagesizes`` with ``href`` as the 1x default (WHATWG HTML §4.6.7, link
    type "preload")."""
    as_ = element.get("as")
    srcset = element.get("imagesrcset")
    if as_ is None or as_.translate(_FOLD) != "image" or not srcset:
        return None
    selected = select_image(srcset, element.get("imagesizes"), href, walk.viewport)
    return None if selected is None else _url(selected.url)


_SCRIPT_ATTRS = ("blocking", "crossorigin", "fetchpriority", "language", "type")
_SCRIPT_BOOLEANS = ("async", "defer", "nomodule")
_INLINE_SCRIPTS = {"module": InlineKind.MODULE_SCRIPT, "importmap": InlineKind.IMPORT_MAP}


def _script(element: _Element, walk: _Walk) -> _Items:
    """``<script src>`` (SVG: ``href|xlink:href``) with its ``type`` as written (classification
    decides module, classic or data block); inline module scripts and import maps as text
    (WHATWG HTML §4.12.1)."""
    src = element.get("src")
    if src is None and _svg_href(element) is not None and _in_svg(element):
        src = _svg_href(element)
    if src is not None:
        copied = _copy(element, _SCRIPT_ATTRS, _SCRIPT_BOOLEANS)
        return _ref(element, walk, _url(src), Kind.HTML_SCRIPT, copied)
    text = element.text
    if not text or not text.strip(_ASCII_WS):
        return ()
    # "the script block's type string": the attribute, stripped, ASCII case-insensitive.
    kind = _INLINE_SCRIPTS.get((element.get("type") or "").strip(_ASCII_WS).translate(_FOLD))
    return () if kind is None else (InlineText(text, kind, _line(element), walk.in_head),)


def _style(element: _Element, walk: _Walk) -> _Items:
    """``<style>`` text, with its ``media`` (WHATWG HTML §4.2.6). A ``type`` other than empty or
    ``text/css`` (ASCII case-insensitive, parameters not allowed) means the block is not CSS."""
    text = element.text
    type_ = element.get("type")
    if type_ is not None and type_.translate(_FOLD) not in ("", "text/css"):
        return ()
    if not _applies(element, walk) or not text or not text.strip(_ASCII_WS):
        return ()
    media = _media(element.get("media"))
    return (InlineText(text, InlineKind.STYLE_ELEMENT, _line(element), walk.in_head, media),)


def _base(element: _Element, walk: _Walk) -> _Items:
    """Only the first ``<base>`` with an ``href`` counts (WHATWG HTML §4.2.3)."""
    href = element.get("href")
    if href is None or walk.base_seen:
        return ()
    walk.base_seen = True
    url = _url(href)
    return (BaseHref(url, _line(element)),) if url else ()


_IMG_ATTRS = ("crossorigin", "fetchpriority", "loading")


def _img(element: _Element, walk: _Walk) -> _Items:
    """``<img>``: the URL a browser fetches for the viewport, from ``srcset``/``sizes``/``src``
    or, inside ``<picture>``, from the ``<source>`` elements before it (WHATWG HTML §4.8.4.3
    "update the source set"). ``srcset``/``sizes`` of the winning source are kept."""
    parent = element.getparent()
    src, srcset, sizes = element.get("src"), element.get("srcset"), element.get("sizes")
    if parent is not None and parent.tag == "picture":
        sources: list[PictureSource] = []
        for sibling in parent:
            if sibling is element:
                break
            if sibling.tag != "source":
                continue
            candidates = sibling.get("srcset")
            if candidates is not None:
                sources.append(
                    PictureSource(
                        candidates, sibling.get("sizes"), sibling.get("media"), sibling.get("type")
                    )
                )
        selected = select_picture(sources, src, srcset, sizes, walk.viewport)
    else:
        selected = select_image(srcset, sizes, src, walk.viewport)
    if selected is None:
        return ()
    copied = _copy(element, _IMG_ATTRS)
    copied["srcset"], copied["sizes"] = selected.srcset, selected.sizes
    _lazy_position(element, walk, copied)
    return _ref(element, walk, _url(selected.url), Kind.HTML_IMG, copied)


NEAR_VIEWPORT = "near-viewport"
"""The attribute :func:`_lazy_position` adds to a ``loading=lazy`` reference (``"true"``) that
a browser loads at once: estimated within its lazy-load distance of the first viewport."""


def _lazy_position(element: _Element, walk: _Walk, copied: dict[str, str | None]) -> None:
    """Mark a ``loading=lazy`` element estimated near the first viewport (WHATWG HTML §2.5.7
    "will lazy load element steps"; the estimate is :mod:`push_manifest.layout`'s)."""
    loading = copied.get("loading")
    lazy = loading is not None and loading.strip(_ASCII_WS).translate(_FOLD) == "lazy"
    if lazy and walk.near_viewport(element):
        copied[NEAR_VIEWPORT] = "true"


def _image(element: _Element, walk: _Walk) -> _Items:
    """SVG ``<image href|xlink:href>``; outside SVG the HTML parser renames ``<image>`` to
    ``<img>`` (WHATWG HTML §13.2.6.4.7), which libxml2 does not, so it is read as one."""
    if _in_svg(element):
        return _ref(element, walk, _url(_svg_href(element)), Kind.HTML_SVG_IMAGE)
    return _img(element, walk)


def _use(element: _Element, walk: _Walk) -> _Items:
    """SVG ``<use href|xlink:href>``, the URL as written (fragment included)."""
    if not _in_svg(element):
        return ()
    return _ref(element, walk, _url(_svg_href(element)), Kind.HTML_SVG_USE)


def _input(element: _Element, walk: _Walk) -> _Items:
    """``<input type=image src>`` (the ``type`` keyword is ASCII case-insensitive)."""
    if (element.get("type") or "").translate(_FOLD) != "image":
        return ()
    return _ref(element, walk, _url(element.get("src")), Kind.HTML_INPUT_IMAGE)


def _video(element: _Element, walk: _Walk) -> _Items:
    return _ref(element, walk, _url(element.get("poster")), Kind.HTML_VIDEO_POSTER) + _ref(
        element, walk, _url(element.get("src")), Kind.HTML_MEDIA
    )


def _source(element: _Element, walk: _Walk) -> _Items:
    """``<source src>`` of a media element; ``<picture>`` sources are read by :func:`_img`."""
    parent = element.getparent()
    if parent is None or parent.tag not in ("video", "audio"):
        return ()
    return _ref(element, walk, _url(element.get("src")), Kind.HTML_MEDIA)


def _track(element: _Element, walk: _Walk) -> _Items:
    """``<track default src>``, with ``kind``: a track is fetched only when it is shown, and
    with no user preference only a ``default`` one is (WHATWG HTML §4.8.11.11.3 "honor user
    preferences for automatic text track selection"; Chromium 156 fetches no other)."""
    if element.get("default") is None:
        return ()
    copied = _copy(element, ("kind", "srclang"), ("default",))
    return _ref(element, walk, _url(element.get("src")), Kind.HTML_TRACK, copied)


_FRAME_ATTRS = ("height", "loading", "width")


def _iframe(element: _Element, walk: _Walk) -> _Items:
    """``<iframe src>``: a nested document loaded with the page, unless ``loading=lazy`` and
    far from the first viewport (WHATWG HTML §4.8.5 "process the iframe attributes"). A
    ``srcdoc`` wins over ``src``; ``src`` is then not fetched."""
    if element.get("srcdoc") is not None:
        return ()
    copied = _copy(element, _FRAME_ATTRS)
    _lazy_position(element, walk, copied)
    return _ref(element, walk, _url(element.get("src")), Kind.HTML_IFRAME, copied)


def _attribute(name: str, kind: Kind, copy: tuple[str, ...] = ()) -> _Handler:
    """A handler for elements whose one URL attribute ``name`` makes a ``kind`` reference,
    with the attributes ``copy``."""

    def handler(element: _Element, walk: _Walk) -> _Items:
        copied = _copy(element, copy) if copy else None
        return _ref(element, walk, _url(element.get(name)), kind, copied)

    return handler


_HANDLERS: dict[str, _Handler] = {
    "a": _attribute("href", Kind.HTML_ANCHOR),
    "area": _attribute("href", Kind.HTML_ANCHOR),
    "audio": _attribute("src", Kind.HTML_MEDIA),
    "base": _base,
    "body": _attribute("background", Kind.HTML_BACKGROUND),
    # <embed src>, <object data> (WHATWG HTML §4.8.6, §4.8.7): the type tells classification
    # an image from a nested document
    "embed": _attribute("src", Kind.HTML_EMBED, ("type",)),
    "iframe": _iframe,
    "image": _image,
    "img": _img,
    "input": _input,
    "link": _link,
    "meta": _meta,
    "object": _attribute("data", Kind.HTML_OBJECT, ("type",)),
    "script": _script,
    "source": _source,
    "style": _style,
    "table": _attribute("background", Kind.HTML_BACKGROUND),
    "td": _attribute("background", Kind.HTML_BACKGROUND),
    "th": _attribute("background", Kind.HTML_BACKGROUND),
    "track": _track,
    "use": _use,
    "video": _video,
}
"""Tag → handler. Tags are lowercase: libxml2 lowercases HTML and SVG names alike."""


def truncation(text: str) -> str | None:
    """Why ``text`` ends in the middle of markup (inside a comment, a tag or an attribute
    value), or ``None``. What is cut off is lost, as a browser loses it (WHATWG HTML §13.2.5:
    "eof-in-tag" and "eof-in-comment" parse errors)."""
    opened = text.rfind("<!--")
    if opened != -1 and text.find("-->", opened + 4) == -1:
        return "the page ends inside a comment"
    lt, gt = text.rfind("<"), text.rfind(">")
    if lt > gt and lt + 1 < len(text) and (text[lt + 1].isalpha() or text[lt + 1] in "/!"):
        return "the page ends inside a tag"
    return None
