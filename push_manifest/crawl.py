"""The crawl: from each page, follow what a browser loads, inside the root.

Documents come from :class:`~push_manifest.documents.Documents`, which reads each stylesheet,
script and HTML import through the :class:`Site` and scans it once per process for every page;
each reference is resolved, filtered, classified and weighed here, once, centrally
(:meth:`Crawler._visit`). Cycles end because a document is followed again for a page only when
reached with a higher weight cap, and caps never rise along a path.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from push_manifest.cache import Cache, Snapshot
from push_manifest.classify import Fetch, classify, cors_state, preload_problem
from push_manifest.crawl_options import MAX_PAGE_SIZE, CrawlOptions
from push_manifest.documents import MAX_REMEMBERED, Document, Documents, Language, Loaded
from push_manifest.importmap import ImportMap, merge_import_maps, parse_import_map
from push_manifest.importmap import resolve_specifier as resolve_module
from push_manifest.media import media_matches
from push_manifest.memo import SecondUseMemo
from push_manifest.model import (
    BaseHref,
    CrawlWarning,
    CrossOrigin,
    Destination,
    HtmlItem,
    InlineKind,
    InlineText,
    Kind,
    PageManifest,
    Reference,
    Resource,
    Viewport,
    WarningCode,
    pickled_as_values,
)
from push_manifest.priority import Weight, cap, weigh
from push_manifest.rendering import render_page
from push_manifest.rendering.cascade import Sheet
from push_manifest.rendering.selectors import PageIndex, SelectorMatcher
from push_manifest.scanners.html import NEAR_VIEWPORT
from push_manifest.scanners.srcset import parse_srcset
from push_manifest.site import FileState, Located, Site
from push_manifest.urls import absolute, climbs_above_root, manifest_key, resolve

MAX_DEPTH = 2000
"""Documents nested deeper than this (an @import or HTML import chain) are not followed."""

_FOLLOWED_AS_CSS = frozenset({Kind.HTML_STYLESHEET, Kind.CSS_IMPORT})
_FOLLOWED_AS_MODULE = frozenset(
    {Kind.HTML_SCRIPT, Kind.JS_IMPORT, Kind.JS_DYNAMIC_IMPORT, Kind.JS_WORKER}
)
_LAZY_JS = frozenset({Kind.JS_DYNAMIC_IMPORT, Kind.JS_WORKER, Kind.JS_URL})
_MODULE_SPECIFIERS = frozenset({Kind.JS_IMPORT, Kind.JS_DYNAMIC_IMPORT})
_LAZY_LOADABLE = frozenset({Kind.HTML_IMG, Kind.HTML_IFRAME})
_FRAMES = frozenset({Kind.HTML_IFRAME, Kind.HTML_OBJECT, Kind.HTML_EMBED})
"""References that load a nested document: an HTML one is walked as the frame's."""
_FOLLOWED = _FOLLOWED_AS_CSS | _FOLLOWED_AS_MODULE | _FRAMES | {Kind.HTML_IMPORT}
"""References whose target may have references of its own (:meth:`Crawler._follow`)."""
_RENDER_DEPENDENT = frozenset({Kind.CSS_URL, Kind.CSS_IMAGE_SET, Kind.CSS_FONT_FACE})
"""CSS references a browser fetches only when the rule applies to the rendered page."""
_SOMETIMES_SKIPPED = _LAZY_JS | _LAZY_LOADABLE | {Kind.HTML_PRELOAD, Kind.CSS_FONT_FACE}
"""References a browser may leave unfetched during the page's load (:meth:`Crawler._skipped`)."""


@pickled_as_values
@dataclass(frozen=True, slots=True)
class PageResult:
    """One page's manifest, every warning its crawl met, and the files it depends on."""

    manifest: PageManifest
    warnings: tuple[CrawlWarning, ...]
    dependencies: tuple[tuple[str, Snapshot], ...]
    explained: bool = True
    """The manifest's ``pruned`` list was recorded (:attr:`CrawlOptions.explain`)."""


@dataclass(frozen=True, slots=True)
class _Context:
    """Where a reference was written: what it resolves against and what caps its weight."""

    base: str
    """The URL relative references resolve against (document URL, ``<base>``, stylesheet,
    module)."""
    document: str
    """How warnings name the referring document."""
    encoding: str
    """The referring document's encoding (a linked stylesheet's fallback encoding)."""
    cap: int
    """The highest weight a reference found here may have."""
    depth: int = 1
    media: tuple[str, ...] = ()
    """Media query lists that scope everything found here."""
    page_base: str = ""
    """The page's base URL (classic ``new Worker("x")`` resolves against it)."""
    crossorigin: CrossOrigin | None = None
    """For modules: the CORS mode their static imports inherit."""
    frame: bool = False
    """Inside a nested browsing context (``<iframe>``, an HTML ``<object>``/``<embed>``)."""
    index: PageIndex | None = None
    """In a frame: the frame document's tree, which its CSS selectors are matched on."""
    sheets: list[_SheetNode] | None = None
    """Where a stylesheet found here takes its place in the page's cascade order: its
    importing sheet's imports, or the page's sheets."""
    layer: tuple[str, ...] | None = None
    """The cascade layer of the stylesheet being walked (``@import … layer()``)."""

    def deeper(self, cap: int, media: tuple[str, ...]) -> _Context:
        """The context of a document loaded from here: one level deeper, capped at ``cap``,
        scoped by ``media`` (built directly: this runs for every followed reference)."""
        return _Context(
            self.base, self.document, self.encoding, cap, self.depth + 1, media,
            self.page_base, self.crossorigin, self.frame, self.index, self.sheets, self.layer,
        )  # fmt: skip


@dataclass(slots=True)
class _SheetNode:
    """A stylesheet in the page's cascade order: the sheets it imports come first."""

    sheet: Sheet
    imports: list[_SheetNode] = field(default_factory=list)


def _cascade_order(nodes: list[_SheetNode]) -> Iterator[Sheet]:
    """The sheets in the order their rules appear in the cascade (CSS Cascade 5 §6.5): an
    ``@import``ed sheet's rules where the ``@import`` is, before its importer's own."""
    stack: list[tuple[_SheetNode, bool]] = [(node, False) for node in reversed(nodes)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            yield node.sheet
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.imports))


_Target = tuple[str, str, Fetch, Located, bool]
"""A reference's absolute URL, manifest key, fetch and place on disk (:meth:`Crawler._target`)."""


@dataclass(slots=True)
class _Entry:
    order: int
    fetch: Fetch
    weight: int
    ref: Reference
    context: _Context
    media: tuple[str, ...]


@dataclass(slots=True)
class _PageWalk:
    """The mutable state of one page's crawl."""

    page_url: str
    viewport: Viewport = field(default_factory=Viewport)
    """The page's layout viewport: media queries of everything it loads are evaluated there."""
    entries: dict[str, _Entry] = field(default_factory=dict)
    followed: dict[str, int] = field(default_factory=dict)
    import_map: ImportMap = field(default_factory=ImportMap)
    warnings: dict[tuple[WarningCode, str, str], CrawlWarning] = field(default_factory=dict)
    dependencies: dict[str, Snapshot] = field(default_factory=dict)
    index: PageIndex | None = None
    """The page's tree, prepared for selector matching (when pruning)."""
    sheets: list[_SheetNode] = field(default_factory=list)
    """The page's stylesheets, for the render model."""
    base: str = ""
    """The page's base URL (``<base href>``)."""
    pending_fonts: list[tuple[str, _Entry]] = field(default_factory=list)
    pending_images: list[tuple[str, str, _Entry]] = field(default_factory=list)
    """CSS images whose fetch depends on the cascade: key, absolute URL, entry."""
    pruned: dict[str, str] = field(default_factory=dict)
    """What was left out and why; recorded only with :attr:`CrawlOptions.explain`."""
    reasons: dict[str, str] = field(default_factory=dict)
    """Why the render model kept a CSS image or font; recorded only with ``explain``."""
    contexts: dict[str, _Context] = field(default_factory=dict)
    """Where each stylesheet and the ``style`` attributes were walked, by base URL: the
    context of an image that a ``var()`` brings to them."""
    counter: int = 0

    def next_order(self) -> int:
        self.counter += 1
        return self.counter

    def warn(
        self, code: WarningCode, document: str, message: str, *, reference: str = "", line: int = 0
    ) -> None:
        self.note(CrawlWarning(code, document, message, reference, line))

    def note(self, warning: CrawlWarning) -> None:
        """Record ``warning`` unless one about the same document and reference is known."""
        self.warnings.setdefault((warning.code, warning.document, warning.reference), warning)

    def uses(self, loaded: Loaded, path: Path) -> None:
        """Record the document ``loaded`` from ``path`` as used: a dependency, and its
        warnings."""
        self.dependencies[str(path)] = loaded.snapshot
        for warning in loaded.document.warnings:
            self.note(warning)

    def add(self, key: str, entry: _Entry) -> None:
        known = self.entries.get(key)
        if known is None:
            self.entries[key] = entry
            return
        known.weight = max(known.weight, entry.weight)
        if entry.context.depth < known.context.depth:
            known.context = replace(known.context, depth=entry.context.depth)


def documents_for(site: Site, options: CrawlOptions, cache: Cache | None = None) -> Documents:
    """The documents a crawl with ``options`` reads (and shares across pages), looked up in
    ``cache`` too when given; its caller stores what :meth:`Documents.take_new` hands over."""
    return Documents(
        site,
        viewport=options.viewport,
        prune=options.prune,
        max_size=options.max_page_size,
        cache=cache,
    )


class Crawler:
    """Crawls pages of one :class:`Site`, reading every document through ``documents``
    (:func:`documents_for`; by default one of its own, without a cache), which shares them
    across pages."""

    def __init__(
        self, site: Site, options: CrawlOptions | None = None, documents: Documents | None = None
    ) -> None:
        self.site = site
        self.options = options or CrawlOptions()
        self.documents = documents or documents_for(site, self.options)
        # These two remember as many evicted keys as they keep values (not eight times as
        # many): their keys are many, and the default cost about 15 MB per worker at 10,000
        # pages (tree PSS 524 -> 494 MB, `--no-cache`).
        size = MAX_REMEMBERED * 4
        self._located: SecondUseMemo[str, Located] = SecondUseMemo(size, ghosts=size)
        self._targets: SecondUseMemo[tuple[int, str], tuple[Reference, _Target | None]]
        self._targets = SecondUseMemo(size * 2, ghosts=size * 2)

    def page(self, path: Path) -> PageResult:
        """Crawl the page at ``path`` (a file inside the root)."""
        key = self.site.relative_key(path)
        page_url = self.site.url_for(path)
        walk = _PageWalk(page_url, self.options.viewport)
        real = self.site.real_path(path)
        loaded = self._document(walk, "html", real, key, "utf-8", remember=False)
        doc = loaded.document
        walk.viewport = doc.viewport or self.options.viewport
        if self.options.prune and not doc.unread:
            walk.index = PageIndex(self.documents.tree(loaded, real))
        # The walk recurses a few frames per nested document; Python 3.11 keeps pure-Python
        # recursion off the C stack, so a deeper limit is safe, and MAX_DEPTH bounds it.
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 8 * MAX_DEPTH + 1000))
        try:
            self._walk_html(walk, doc, page_url, Weight.HEAD_STYLESHEET, depth=1)
        finally:
            sys.setrecursionlimit(limit)
        self._settle_render(walk)
        pruned = tuple((url, why) for url, why in walk.pruned.items() if url not in walk.entries)
        manifest = PageManifest(
            key=key, url=manifest_key(page_url), resources=self._resources(walk), pruned=pruned
        )
        return PageResult(
            manifest,
            tuple(walk.warnings.values()),
            tuple(sorted(walk.dependencies.items())),
            self.options.explain,
        )

    def _settle_render(self, walk: _PageWalk) -> None:
        """Keep the CSS images and ``@font-face`` sources that the render model says the page
        fetches (:mod:`push_manifest.rendering`); record why the others were left out."""
        if walk.index is None or not (walk.pending_fonts or walk.pending_images):
            return
        rendered = render_page(
            walk.index,
            list(_cascade_order(walk.sheets)),
            walk.viewport,
            page_base=walk.base or walk.page_url,
            faces=[entry.ref for _, entry in walk.pending_fonts],
            images=bool(walk.pending_images),
            installed=self.options.installed_fonts,
        )
        pending = {url for _, url, _ in walk.pending_images}
        for url, base in rendered.bases.items():
            if url not in pending:
                self._image_through_var(walk, url, base, rendered.images[url])
        explain = self.options.explain
        for key, url, entry in walk.pending_images:
            if url in rendered.images:
                walk.add(key, entry)
                if explain:
                    walk.reasons.setdefault(key, rendered.images[url])
            elif self.options.explain:
                what = entry.ref.attr("property") or "a property"
                walk.pruned.setdefault(
                    key, f"no rendered element's {what} computes to it (the cascade at load)"
                )
        for (key, entry), use in zip(walk.pending_fonts, rendered.faces, strict=True):
            if use.fetched:
                walk.add(key, entry)
                if explain:
                    walk.reasons.setdefault(key, use.reason)
            elif self.options.explain:
                walk.pruned.setdefault(key, use.reason)

    def _image_through_var(self, walk: _PageWalk, url: str, base: str, reason: str) -> None:
        """List an image that only a ``var()`` names, resolved against the stylesheet or page
        that uses it (no reference of the crawl resolved to it), weighed as that sheet's own
        images are."""
        context = walk.contexts.get(base)
        if context is None:
            return
        ref = Reference(url, Kind.CSS_URL)
        target = self._target(walk, ref, context)
        if target is None:
            return
        _, key, fetch, located, _ = target
        if located.state is FileState.OUTSIDE:
            return
        if located.path is not None:
            walk.dependencies.setdefault(str(located.path), _SEEN[located.state])
        weight = cap(weigh(ref, fetch), context.cap)
        walk.add(key, _Entry(walk.next_order(), fetch, weight, ref, context, context.media))
        if self.options.explain:
            walk.reasons.setdefault(key, reason)

    def _collect_rules(
        self, walk: _PageWalk, doc: Document, context: _Context, base: str, encoding: str
    ) -> list[_SheetNode] | None:
        """Put a stylesheet in the page's cascade order; return the list its imports go to."""
        if walk.index is None or context.frame:
            return None
        walk.contexts.setdefault(base, context)
        node = _SheetNode(
            Sheet(
                doc.rules,
                base,
                encoding,
                context.media,
                context.layer,
                _doc_name(base),
                doc.properties,
                doc,
            )
        )
        (context.sheets if context.sheets is not None else walk.sheets).append(node)
        return node.imports

    # -- documents -------------------------------------------------------------------------

    def _document(
        self,
        walk: _PageWalk,
        language: Language,
        path: Path,
        document: str,
        fallback: str,
        *,
        remember: bool = True,
    ) -> Loaded:
        """The document at ``path`` (:meth:`Documents.load`), recorded as used by the page:
        its file among the page's dependencies, its warnings among the page's."""
        loaded = self.documents.load(language, path, document, fallback, remember=remember)
        walk.uses(loaded, path)
        return loaded

    def _inline_doc(self, walk: _PageWalk, item: InlineText, document: str) -> Document:
        doc = self.documents.inline(item)
        for relative in doc.warnings:
            line = relative.line + max(item.line - 1, 0)
            walk.note(replace(relative, document=document, line=line))
        return doc

    # -- walking ---------------------------------------------------------------------------

    def _walk_html(
        self,
        walk: _PageWalk,
        doc: Document,
        doc_url: str,
        cap_: int,
        depth: int,
        *,
        frame: bool = False,
        index: PageIndex | None = None,
    ) -> None:
        document = _doc_name(doc_url)
        context = _Context(doc_url, document, doc.encoding, cap_, depth, page_base=doc_url,
                           frame=frame, index=index)  # fmt: skip
        base_seen = False
        for item in doc.items:
            if isinstance(item, BaseHref):
                if not base_seen:
                    base_seen = True
                    base = absolute(item.href, doc_url) or doc_url
                    context = replace(context, base=base, page_base=base)
                    if not frame and doc_url == walk.page_url:
                        walk.base = base
            elif isinstance(item, InlineText):
                self._inline_item(walk, item, context)
            else:
                self._visit(walk, item, context)

    def _inline_item(self, walk: _PageWalk, item: InlineText, context: _Context) -> None:
        if item.kind is InlineKind.IMPORT_MAP:
            new, problems = parse_import_map(item.text, context.base)
            for problem in problems:
                walk.warn(WarningCode.JS_PARSE, context.document, problem, line=item.line)
            walk.import_map = merge_import_maps(walk.import_map, new)
            return
        inline = self._inline_doc(walk, item, context.document)
        refs = inline.items
        if item.kind is InlineKind.MODULE_SCRIPT:
            crossorigin = _inline_cors(item)
            inner = replace(context, cap=cap(Weight.DEFERRED_SCRIPT + 1, context.cap),
                            crossorigin=crossorigin)  # fmt: skip
            if self._module_graph_fails(walk, inline, inner):
                return
        else:
            style_cap = Weight.HEAD_STYLESHEET if item.in_head else Weight.BODY_STYLESHEET
            inner = replace(context, cap=cap(style_cap, context.cap), media=item.media)
            if item.kind is InlineKind.STYLE_ATTRIBUTE:
                # Chromium resolves a style attribute's url() as UTF-8 in any page encoding.
                inner = replace(inner, encoding="utf-8")
                if walk.index is not None and not context.frame:
                    walk.contexts.setdefault(inner.base, inner)
            if item.kind is not InlineKind.STYLE_ATTRIBUTE:
                sheets = self._collect_rules(walk, inline, inner, context.base, context.encoding)
                inner = replace(inner, sheets=sheets, layer=None)
        self._visit_all(walk, refs, inner)

    def _visit_all(
        self,
        walk: _PageWalk,
        refs: Iterable[HtmlItem],
        context: _Context,
        *,
        stylesheet: bool = False,
    ) -> None:
        for ref in refs:
            if isinstance(ref, Reference):
                self._visit(walk, ref, context, stylesheet)

    def _resolve(
        self, walk: _PageWalk, ref: Reference, context: _Context
    ) -> tuple[str, bool] | None:
        """The local URL ``ref`` names, or ``None`` (external, unfetchable, unmapped), with
        whether ``ref`` as written climbs above the root (:func:`climbs_above_root`)."""
        base = context.base
        if ref.kind in _MODULE_SPECIFIERS:
            target = resolve_module(ref.url, context.base, walk.import_map)
            if target is None:
                # A static import that fails fails its whole module graph: that is warned
                # about (and obeyed) in _module_graph_fails; a failing import() only itself.
                if ref.kind is Kind.JS_DYNAMIC_IMPORT:
                    walk.warn(
                        WarningCode.UNMAPPED_SPECIFIER, context.document,
                        "bare module specifier in import() that no import map maps; the "
                        "import fails (add it to <script type=importmap>)",
                        reference=ref.url, line=ref.line,
                    )  # fmt: skip
                return None
            if target != absolute(ref.url, context.base):
                remapped = resolve(target, target)
                return None if remapped is None else (remapped, False)
        elif ref.kind is Kind.JS_WORKER and ref.attr("base") == "document":
            base = context.page_base
        # HTML attributes and CSS url() encode a query in their document's encoding, as
        # Chromium does; script APIs and module specifiers always in UTF-8 (WHATWG HTML §2.4.2).
        encoding = "utf-8" if ref.kind.value.startswith("js-") else context.encoding
        url = resolve(ref.url, base, encoding)
        return None if url is None else (url, climbs_above_root(ref.url, base))

    def _module_graph_fails(self, walk: _PageWalk, js: Document, context: _Context) -> bool:
        """True when a browser fetches none of a module's imports: it does not parse, or one of
        its static imports cannot be resolved (WHATWG HTML "fetch the descendants of a module
        script": any failure fails the whole graph). The failure is warned about."""
        if any(w.code is WarningCode.JS_PARSE for w in js.warnings):
            return True
        for ref in js.items:
            if (
                isinstance(ref, Reference)
                and ref.kind is Kind.JS_IMPORT
                and resolve_module(ref.url, context.base, walk.import_map) is None
            ):
                walk.warn(
                    WarningCode.UNMAPPED_SPECIFIER, context.document,
                    "bare module specifier that no import map maps; a browser fails the "
                    "import and loads none of this module's imports "
                    "(add it to <script type=importmap>)",
                    reference=ref.url, line=ref.line,
                )  # fmt: skip
                return True
        return False

    def _target(self, walk: _PageWalk, ref: Reference, context: _Context) -> _Target | None:
        """The URL ``ref`` names, its manifest key, how it is fetched and where it is on disk;
        None when a browser does not fetch it from this site."""
        resolved = self._resolve(walk, ref, context)
        if resolved is None:
            return None
        url, climbed = resolved
        key = manifest_key(url)
        fetch = classify(ref, key)
        if fetch is None:
            return None
        located = self._located.get(url)
        if located is None:
            located = self.site.locate(url)
            self._located.put(url, located)
        return url, key, fetch, located, climbed

    def _stylesheet_target(
        self, walk: _PageWalk, ref: Reference, context: _Context
    ) -> _Target | None:
        """:meth:`_target` for a reference of a stylesheet, remembered: it depends on the
        reference and the stylesheet's URL only (no import map, no page base), and shared
        stylesheets recur on many pages."""
        if ref.kind in _MODULE_SPECIFIERS or ref.kind is Kind.JS_WORKER:
            return self._target(walk, ref, context)
        memo_key = (id(ref), context.base)
        known = self._targets.get(memo_key)
        if known is None:
            # The reference is held with its target, so its id is not reused meanwhile.
            known = (ref, self._target(walk, ref, context))
            self._targets.put(memo_key, known)
        return known[1]

    def _visit(
        self, walk: _PageWalk, ref: Reference, context: _Context, stylesheet: bool = False
    ) -> None:
        """Add what ``ref`` makes the page fetch, and follow it. ``stylesheet``: ``ref`` is
        from a stylesheet (its target is remembered, :meth:`_stylesheet_target`)."""
        if ref.kind.linked or (
            ref.kind in _SOMETIMES_SKIPPED and self._skipped(walk, ref, context)
        ):
            return
        find = self._stylesheet_target if stylesheet else self._target
        target = find(walk, ref, context)
        if target is None or target[0] == walk.page_url:
            return
        url, key, fetch, located, climbed = target
        if ref.kind is Kind.JS_IMPORT and context.crossorigin is not None:
            fetch = replace(fetch, crossorigin=context.crossorigin)
        scope = context.media + ref.media
        matches = all(media_matches(query, walk.viewport) for query in scope)
        if (
            (context.frame or not matches)
            and ref.kind in _RENDER_DEPENDENT
            and self._pruned(walk, ref, context, key, scope, matches)
        ):
            return
        if located.path is not None:
            # A leaf that appears, disappears or turns into a directory changes the warnings.
            walk.dependencies.setdefault(str(located.path), _SEEN[located.state])
        if (climbed or located.state is not FileState.FILE) and _misplaced(
            walk, ref, context, key, located.state, climbed
        ):
            return
        below = context.cap - 1 if ref.kind in _MODULE_SPECIFIERS else context.cap
        weight = cap(weigh(ref, fetch, media_matches=matches), below)
        entry = _Entry(walk.next_order(), fetch, weight, ref, context, scope)
        if ref.kind is Kind.CSS_FONT_FACE and walk.index is not None:
            walk.pending_fonts.append((key, entry))
        elif walk.index is not None and not context.frame and _cascaded(ref):
            walk.pending_images.append((key, url, entry))
        else:
            walk.add(key, entry)
        if ref.kind in _FOLLOWED and located.state is FileState.FILE and located.path is not None:
            inner = context.deeper(weight, scope)
            self._follow(walk, ref, fetch, url, located.path, inner)

    def _skipped(self, walk: _PageWalk, ref: Reference, context: _Context) -> bool:
        """Whether a browser leaves ``ref`` (one of :data:`_SOMETIMES_SKIPPED`) unfetched
        during the page's load: a ``rel=preload`` it ignores (warned about), a lazy script or
        image, a font face inside a frame."""
        if ref.kind is Kind.HTML_PRELOAD:
            problem = preload_problem(ref, walk.viewport)
            if problem is not None:
                message = f"rel=preload {problem}: browsers ignore it; not listed"
                walk.warn(
                    WarningCode.PRELOAD_IGNORED, context.document, message,
                    reference=ref.url, line=ref.line,
                )  # fmt: skip
            return problem is not None
        if ref.kind in _LAZY_JS:
            return not self.options.include_lazy and ref.attr("eager") != "true"
        if ref.kind in _LAZY_LOADABLE:
            return not self._loads_at_once(ref, context)
        return context.frame and ref.kind is Kind.CSS_FONT_FACE

    def _pruned(
        self,
        walk: _PageWalk,
        ref: Reference,
        context: _Context,
        key: str,
        scope: tuple[str, ...],
        matches: bool,
    ) -> bool:
        """Whether the first render does not fetch ``ref`` (one of :data:`_RENDER_DEPENDENT`),
        known without the render model: its media do not match the viewport, or, in a frame,
        no element matches its rule's selector. Why is recorded when explaining."""
        if not matches and self.options.prune:
            if self.options.explain:
                walk.pruned.setdefault(
                    key, f"media {' and '.join(scope)!r} does not match the viewport"
                )
            return True
        if not context.frame or context.index is None:  # (an index only when pruning)
            return False
        selector = ref.attr("selector")
        if selector is None or _MATCHER.any_match(selector, context.index):
            return False
        if self.options.explain:
            walk.pruned.setdefault(key, f"no element matches {selector!r}")
        return True

    def _loads_at_once(self, ref: Reference, context: _Context) -> bool:
        """Whether a browser fetches a lazy-loadable element (``<img>``, ``<iframe>``) during
        the page's load: not ``loading=lazy``, or estimated near the first viewport
        (:mod:`push_manifest.layout`), or all lazy ones are asked for. In a frame, lazy elements
        are left out: the page's layout says nothing of the frame's."""
        if self.options.include_lazy:
            return True
        if (ref.attr("loading") or "").strip().lower() != "lazy":
            return True
        return not context.frame and ref.attr(NEAR_VIEWPORT) == "true"

    def _follow(
        self, walk: _PageWalk, ref: Reference, fetch: Fetch, url: str, path: Path, inner: _Context
    ) -> None:
        """Walk the document ``ref`` loads, if it is one whose references a browser fetches."""
        if walk.followed.get(url, 0) >= inner.cap:
            return
        if inner.depth > MAX_DEPTH:
            walk.warn(
                WarningCode.TOO_DEEP, _doc_name(url),
                f"nested more than {MAX_DEPTH} documents deep; not followed further",
            )  # fmt: skip
            return
        document = _doc_name(url)
        if ref.kind in _FOLLOWED_AS_CSS:
            walk.followed[url] = inner.cap
            css = self._document(walk, "css", path, document, inner.encoding).document
            layer = _import_layer(ref, inner.layer)
            inner = replace(inner, base=url, document=document, encoding=css.encoding, layer=layer)
            sheets = self._collect_rules(walk, css, inner, url, css.encoding)
            inner = replace(inner, sheets=sheets)
            self._visit_all(walk, css.items, inner, stylesheet=True)
        elif ref.kind is Kind.HTML_IMPORT:
            walk.followed[url] = inner.cap
            html = self._document(walk, "html", path, document, "utf-8").document
            self._walk_html(walk, html, url, inner.cap, inner.depth)
        elif ref.kind in _FRAMES and path.suffix.lower() in (".html", ".htm"):
            walk.followed[url] = inner.cap
            loaded = self._document(walk, "html", path, document, "utf-8")
            html = loaded.document
            prune = self.options.prune and not html.unread
            # The frame's own tree, for matching its stylesheets' selectors.
            index = PageIndex(self.documents.tree(loaded, path)) if prune else None
            self._walk_html(walk, html, url, inner.cap, inner.depth, frame=True, index=index)
        elif (
            fetch.module
            and fetch.type in (Destination.SCRIPT, Destination.WORKER)
            and ref.kind in _FOLLOWED_AS_MODULE
        ):
            walk.followed[url] = inner.cap
            js = self._document(walk, "js", path, document, "utf-8").document
            inner = replace(inner, base=url, document=document, media=(),
                            crossorigin=fetch.crossorigin)  # fmt: skip
            if self._module_graph_fails(walk, js, inner):
                return
            self._visit_all(walk, js.items, inner)

    # -- output ----------------------------------------------------------------------------

    def _resources(self, walk: _PageWalk) -> tuple[Resource, ...]:
        ordered = sorted(walk.entries.items(), key=lambda item: (-item[1].weight, item[1].order))
        uniform = self.options.uniform_weights
        return tuple(
            Resource(
                url=key,
                type=entry.fetch.type,
                weight=1 if uniform else entry.weight,
                crossorigin=entry.fetch.crossorigin,
                module=entry.fetch.module,
                nomodule=entry.fetch.nomodule,
                media=entry.media[-1] if len(entry.media) == 1 else "",
                image_srcset=_absolute_srcset(entry.ref, entry.context.base),
                image_sizes=_image_sizes(entry.ref),
                kind=entry.ref.kind,
                referrer=entry.context.document,
                depth=entry.context.depth,
                why=walk.reasons.get(key, ""),
            )
            for key, entry in ordered
        )


def _misplaced(
    walk: _PageWalk,
    ref: Reference,
    context: _Context,
    key: str,
    state: FileState,
    climbed: bool,
) -> bool:
    """Warn that ``ref``'s target is outside the root (then True: it is left out), reached by
    clamping ``..`` at the root, missing or a directory (listed anyway)."""
    if state is FileState.OUTSIDE:
        walk.warn(
            WarningCode.OUTSIDE_ROOT, context.document, "resolves outside the root; excluded",
            reference=ref.url, line=ref.line,
        )  # fmt: skip
        return True
    if climbed:
        walk.warn(
            WarningCode.ABOVE_ROOT, context.document,
            f"resolved as {key} by clamping '..' at the root, as browsers do; "
            "likely an authoring mistake",
            reference=ref.url, line=ref.line,
        )  # fmt: skip
    if state is not FileState.FILE:
        what = "is a directory" if state is FileState.DIRECTORY else "does not exist"
        walk.warn(
            WarningCode.MISSING, context.document,
            f"{key} {what} under the root; listed anyway",
            reference=ref.url, line=ref.line,
        )  # fmt: skip
    return False


def _cascaded(ref: Reference) -> bool:
    """A CSS image a declaration of a style rule or ``style`` attribute asks for: fetched only
    if that declaration wins the cascade on a rendered element (keyframes: when they run)."""
    return (
        ref.kind in _CASCADED and ref.attr("property") is not None and ref.attr("keyframes") is None
    )


_CASCADED = frozenset({Kind.CSS_URL, Kind.CSS_IMAGE_SET})


def _import_layer(ref: Reference, outer: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The cascade layer an imported sheet goes in: ``@import … layer(a.b)`` nests ``a.b`` in
    the importer's layer; ``layer`` alone makes an anonymous one (CSS Cascade 5 §6.4.2)."""
    if ref.kind is not Kind.CSS_IMPORT:
        return None
    name = ref.attr("layer")
    if name is None:
        return outer
    path = tuple(name.split(".")) if name else (f"\0{ref.line}:{ref.url}",)
    return (*(outer or ()), *path)


_SEEN = {
    FileState.FILE: Snapshot("file"),
    FileState.DIRECTORY: Snapshot("dir"),
    FileState.MISSING: Snapshot("missing"),
}
"""How a located path is recorded among a page's dependencies (one shared, frozen
:class:`Snapshot` per state)."""

_MATCHER = SelectorMatcher()
"""Selectors are compiled once per process and shared by every page."""


def _inline_cors(item: InlineText) -> CrossOrigin | None:
    """The CORS mode of an inline module script: its ``crossorigin`` state, else anonymous."""
    value = dict(item.attrs).get("crossorigin")
    return cors_state(value) or CrossOrigin.ANONYMOUS


@lru_cache(maxsize=16384)
def _doc_name(url: str) -> str:
    """How warnings name a document: its root-relative path (``css/app.css``)."""
    return unquote(manifest_key(url).split("?", 1)[0].lstrip("/")) or "index.html"


def _image_sizes(ref: Reference) -> str:
    """The ``sizes`` (or ``imagesizes``) going with ``ref``'s srcset, for ``imagesizes``."""
    if ref.attr("srcset"):
        return ref.attr("sizes") or ""
    return (ref.attr("imagesizes") or "") if ref.attr("imagesrcset") else ""


def _absolute_srcset(ref: Reference, base: str) -> str:
    """``ref``'s srcset with every URL made root-absolute (for ``imagesrcset``); "" if none."""
    srcset = ref.attr("srcset") or ref.attr("imagesrcset")
    if not srcset:
        return ""
    parts = []
    for candidate in parse_srcset(srcset):
        url = resolve(candidate.url, base)
        if url is None:
            return ""
        descriptor = (
            f" {candidate.width}w" if candidate.width is not None
            else f" {candidate.density:g}x" if candidate.density is not None
            else ""
        )  # fmt: skip
        parts.append(manifest_key(url) + descriptor)
    return ", ".join(parts)


__all__ = ["MAX_PAGE_SIZE", "CrawlOptions", "Crawler", "PageResult", "documents_for"]
