"""Documents: each page, stylesheet, script and HTML import read through :class:`Site` and
scanned once per run.

:meth:`Documents.load` reads a file (never more than the size limit), takes its snapshot (size,
time, content digest: a page's dependency), looks the scan up in memory, then in the
incremental :class:`Cache` by content digest, and scans it only when both miss. What it scanned
afresh waits for the caller to store it (:meth:`Documents.take_new`); an HTML tree it parsed is
handed back with the document (:attr:`Loaded.tree`), for the render model to match selectors on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lxml import etree

from push_manifest.cache import UNREAD, Cache, Snapshot, content_digest
from push_manifest.decode import decode_html, decode_problem
from push_manifest.device import meta_viewport, page_viewport
from push_manifest.memo import SecondUseMemo
from push_manifest.model import (
    CrawlWarning,
    HtmlItem,
    InlineKind,
    InlineText,
    PropertyRule,
    Reference,
    StyleRule,
    Viewport,
    WarningCode,
    pickled_as_values,
)
from push_manifest.scanners.css import (
    ParsedCss,
    parse_style_attribute,
    parse_stylesheet,
    parse_stylesheet_bytes,
    scan_css,
    scan_stylesheet,
)
from push_manifest.scanners.html import (
    CUT_DEPTH,
    MAX_ATTRIBUTES,
    parse_html,
    parse_limits,
    scan_html,
    truncation,
)
from push_manifest.scanners.js import js_syntax_errors, scan_js
from push_manifest.site import Site

MAX_REMEMBERED = 4096

PROBATION = 256
"""Scanned documents seen once kept on probation (:class:`SecondUseMemo`) until a second use
(a few dozen pages' worth): a page's own stylesheets and scripts, never used again, are let go
of soon, with what the render model prepared from them; a document used again later is
scanned once more, then remembered. Measured at 3,000 pages of the bench's site, one process:
1,024 held 263 MB, 256 held 219 MB, 64 held 209 MB, at the same CPU time."""
"""Scanned documents used more than once kept in memory (:class:`SecondUseMemo`): shared
stylesheets stay, a 10,000-page site's page-specific ones do not pile up or push them out."""

Language = Literal["html", "css", "js"]


@pickled_as_values
@dataclass(frozen=True, slots=True, weakref_slot=True)
class Document:
    """A document read and scanned once per run, with what its reading found wrong (weakly
    referable: what the render model prepares from its rules lives as long as it does)."""

    items: tuple[HtmlItem, ...]
    encoding: str = "utf-8"
    warnings: tuple[CrawlWarning, ...] = ()
    rules: tuple[StyleRule, ...] = ()
    """CSS only, when pruning: its style rules, for the render model."""
    properties: tuple[PropertyRule, ...] = ()
    """CSS only, when pruning: its valid ``@property`` rules, for the render model."""
    unread: bool = False
    """Not read (over the size limit)."""
    viewport: Viewport | None = None
    """HTML only: the page's own layout viewport, where its ``<meta name=viewport>`` makes it
    differ from the crawl's viewport (a phone; :func:`page_viewport`)."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """A document as a page uses it."""

    document: Document
    snapshot: Snapshot
    """The state of its file, which the page's cached result depends on."""
    tree: etree._Element | None = None
    """The tree of an HTML document this very load parsed; ``None`` when the scan came from
    memory or the cache (:meth:`Documents.tree` parses the file again then)."""


_Scanned = tuple[Document, etree._Element | None]
"""A scanner's result: the document, and the tree it parsed (HTML only)."""

_SCANNERS: dict[Language, str] = {"html": "_scan_html", "css": "_scan_css", "js": "_scan_js"}
"""Language → the :class:`Documents` method that scans bytes into a :class:`Document` (looked up
by name, so a test can watch every scan)."""


class Documents:
    """Loads and scans the documents of one :class:`Site` (all reads go through it), sharing
    scans across pages: in memory (:data:`MAX_REMEMBERED` used twice), and by content digest in
    ``cache`` when given.

    ``viewport`` is what media queries are evaluated against while scanning; ``prune``: keep
    stylesheets' style rules (the render model needs them); ``max_size``: the largest file read,
    in bytes (``None`` or 0: no limit).
    """

    def __init__(
        self,
        site: Site,
        *,
        viewport: Viewport,
        prune: bool,
        max_size: int | None,
        cache: Cache | None = None,
    ) -> None:
        self.site = site
        self.viewport = viewport
        self.prune = prune
        self.max_size = max_size
        self.cache = cache
        self._new: list[tuple[str, Document]] = []
        self._memo: SecondUseMemo[tuple[str, Path, str], Loaded] = SecondUseMemo(
            MAX_REMEMBERED, PROBATION
        )
        self._inline: SecondUseMemo[tuple[str, InlineKind], Document]
        self._inline = SecondUseMemo(MAX_REMEMBERED, PROBATION)

    def load(
        self, language: Language, path: Path, name: str, fallback: str, *, remember: bool = True
    ) -> Loaded:
        """The document at ``path`` (a real path inside the root), read and scanned at most
        once per run. ``name``: how its warnings name it; ``fallback``: the encoding used when
        the bytes do not say (a linked stylesheet's: its page's). Pages are not remembered
        (``remember=False``): each is crawled once, and 10,000 of them would not fit in
        memory."""
        memo = (language, path, fallback)
        known = self._memo.get(memo)
        if known is not None:
            return known
        loaded = self._read(language, path, name, fallback)
        if remember:
            kept = loaded if loaded.tree is None else Loaded(loaded.document, loaded.snapshot)
            self._memo.put(memo, kept)
        return loaded

    def tree(self, loaded: Loaded, path: Path) -> etree._Element:
        """The parsed tree of the HTML document ``loaded`` from ``path``: the one its load
        parsed, or the file parsed again (a scan that came from memory or the cache)."""
        if loaded.tree is not None:
            return loaded.tree
        try:
            text, _ = decode_html(self.site.read(path))
        except OSError:
            text = ""
        return parse_html(text)

    def inline(self, item: InlineText) -> Document:
        """The scan of an inline style sheet, ``style`` attribute or module script. Its
        warnings are relative (no document, lines within the text): the same text recurs on
        other pages and lines."""
        key = (item.text, item.kind)
        doc = self._inline.get(key)
        if doc is None:
            doc = self._scan_inline(item)
            self._inline.put(key, doc)
        return doc

    def take_new(self) -> list[tuple[str, Document]]:
        """The documents scanned since the last call, with their cache keys, for the caller to
        store in the cache (none without a cache); they are forgotten here."""
        new, self._new = self._new, []
        return new

    def _read(self, language: Language, path: Path, name: str, fallback: str) -> Loaded:
        limit = self.max_size
        try:
            # Looked at before reading: a file of many gigabytes is never read whole.
            stat = self.site.stat(path)
            if limit and stat.st_size > limit:
                return _unread(name, stat.st_size, limit, stat)
            data = self.site.read(path)
        except OSError as error:
            warning = CrawlWarning(
                WarningCode.UNREADABLE, name, f"cannot read: {error.strerror or error}"
            )
            return Loaded(Document((), warnings=(warning,)), Snapshot("missing"))
        if limit and len(data) > limit:  # it grew meanwhile
            return _unread(name, len(data), limit, stat)
        digest = content_digest(data)
        snapshot = Snapshot("file", stat.st_size, stat.st_mtime_ns, digest)
        key = f"{language}:{fallback}:{digest}:{name}"
        if self.cache is not None:
            cached = self.cache.document(key)
            if isinstance(cached, Document):
                return Loaded(cached, snapshot)
        scan: Callable[[bytes, str, str], _Scanned] = getattr(self, _SCANNERS[language])
        doc, tree = scan(data, name, fallback)
        if self.cache is not None:
            self._new.append((key, doc))
        return Loaded(doc, snapshot, tree)

    def _scan_html(self, data: bytes, name: str, fallback: str) -> _Scanned:
        text, encoding = decode_html(data)
        tree = parse_html(text)
        viewport = page_viewport(self.viewport, meta_viewport(tree))
        items = tuple(scan_html(tree, viewport))
        warnings = _decode_warnings(data, encoding, name)
        cut = truncation(text)
        if cut is not None:
            message = f"{cut}; what follows is lost, as in a browser"
            warnings += (CrawlWarning(WarningCode.HTML_PARSE, name, message),)
        warnings += _limit_warnings(tree, name, self.prune)
        own = viewport if viewport != self.viewport else None
        return Document(items, encoding, warnings, viewport=own), tree

    def _scan_css(self, data: bytes, name: str, fallback: str) -> _Scanned:
        parsed = parse_stylesheet_bytes(data, fallback_encoding=fallback, keep_rules=self.prune)
        refs, rules, properties = self._scan_stylesheet(parsed)
        warnings = _decode_warnings(data, parsed.encoding, name, stylesheet=True)
        warnings += _css_warnings(parsed, name)
        return Document(refs, parsed.encoding, warnings, rules, properties=properties), None

    def _scan_js(self, data: bytes, name: str, fallback: str) -> _Scanned:
        return Document(tuple(scan_js(data)), "utf-8", _js_warnings(data, name)), None

    def _scan_inline(self, item: InlineText) -> Document:
        if item.kind is InlineKind.MODULE_SCRIPT:
            return Document(tuple(scan_js(item.text)), warnings=_js_warnings(item.text, ""))
        if item.kind is InlineKind.STYLE_ATTRIBUTE:
            parsed = parse_style_attribute(item.text)
        else:
            parsed = parse_stylesheet(item.text, keep_rules=self.prune)
        refs, rules, properties = self._scan_stylesheet(parsed)
        warnings = _css_warnings(parsed, "")
        return Document(refs, warnings=warnings, rules=rules, properties=properties)

    def _scan_stylesheet(
        self, parsed: ParsedCss
    ) -> tuple[tuple[Reference, ...], tuple[StyleRule, ...], tuple[PropertyRule, ...]]:
        """A stylesheet's references, and when pruning its style rules and ``@property``
        rules (one walk)."""
        if self.prune:
            return scan_stylesheet(parsed, self.viewport)
        return tuple(scan_css(parsed, self.viewport)), (), ()


def _unread(name: str, size: int, limit: int, stat: os.stat_result) -> Loaded:
    """A document over the size limit: not read, with a warning. Its snapshot stands for its
    size and time (no content hash): a cached page that depends on it is crawled again when
    either changes."""
    message = (
        f"{_bytes(size)}, over the {_bytes(limit)} limit on the size of a page or a file it "
        "loads; not read, so nothing it references is listed (a larger --max-page-size, "
        "max_page_size in the library, reads it)"
    )
    warning = CrawlWarning(WarningCode.TOO_LARGE, name, message)
    unread = f"{UNREAD}{stat.st_size}:{stat.st_mtime_ns}"
    return Loaded(
        Document((), warnings=(warning,), unread=True),
        Snapshot("file", stat.st_size, stat.st_mtime_ns, unread),
    )


def _bytes(size: int) -> str:
    """``size`` for a message: ``64 MiB``, ``70,000,000 bytes (66.8 MiB)``."""
    mib = size / (1024 * 1024)
    if size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MiB"
    return f"{size:,} bytes ({mib:.1f} MiB)" if mib >= 0.1 else f"{size:,} bytes"


def _decode_warnings(
    data: bytes, encoding: str, name: str, *, stylesheet: bool = False
) -> tuple[CrawlWarning, ...]:
    problem = decode_problem(data, encoding, stylesheet=stylesheet)
    if problem is None:
        return ()
    return (CrawlWarning(WarningCode.DECODE, name, f"{problem}; decoded as browsers do"),)


def _limit_warnings(tree: etree._Element, name: str, prune: bool) -> tuple[CrawlWarning, ...]:
    """Where libxml2's limits made the parsed page differ from a browser's
    (:func:`parse_limits`)."""
    limits = parse_limits(tree)
    warnings: list[CrawlWarning] = []
    if limits.cut:
        consequence = (
            "; CSS images and fonts whose rules may apply there are listed, not pruned"
            if prune
            else ""
        )
        message = (
            "elements nested deeper than libxml2 can parse (2048 levels): below "
            f"{CUT_DEPTH} levels they are read flattened, every reference kept{consequence}"
        )
        warnings.append(CrawlWarning(WarningCode.TOO_DEEP, name, message, line=limits.cut_line))
    if limits.capped:
        message = (
            f"an element with more than {MAX_ATTRIBUTES} distinct attributes: {limits.capped:,} "
            "of them after the first "
            f"{MAX_ATTRIBUTES} are ignored (none that names a URL, class, id or style)"
        )
        if prune:
            message += "; CSS images and fonts of rules with attribute selectors are not pruned"
        warnings.append(CrawlWarning(WarningCode.TOO_LARGE, name, message, line=limits.capped_line))
    return tuple(warnings)


def _css_warnings(parsed: ParsedCss, name: str) -> tuple[CrawlWarning, ...]:
    if not parsed.errors:
        return ()
    line, message = parsed.errors[0]
    more = f" (and {len(parsed.errors) - 1} more)" if len(parsed.errors) > 1 else ""
    text = f"CSS syntax error: {message}{more}; browsers skip the broken part"
    return (CrawlWarning(WarningCode.CSS_PARSE, name, text, line=line),)


def _js_warnings(source: str | bytes, name: str) -> tuple[CrawlWarning, ...]:
    errors = js_syntax_errors(source)
    if not errors:
        return ()
    text = "JavaScript syntax error; a browser would not run this module"
    return (CrawlWarning(WarningCode.JS_PARSE, name, text, line=errors[0]),)


__all__ = ["MAX_REMEMBERED", "Document", "Documents", "Language", "Loaded"]
