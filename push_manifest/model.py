"""The data that passes between the stages: scanners → crawl → writers.

Everything here is a frozen dataclass or a ``StrEnum``: stages hand each other values, never
mutable state.
"""

from __future__ import annotations

import dataclasses
import operator
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar, overload

_T = TypeVar("_T")


@overload
def pickled_as_values(cls: type[_T]) -> type[_T]: ...
@overload
def pickled_as_values(*, interned: tuple[str, ...]) -> Callable[[type[_T]], type[_T]]: ...
def pickled_as_values(
    cls: type[_T] | None = None, *, interned: tuple[str, ...] = ()
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Pickle instances of a frozen, slotted dataclass as their class and field values.

    The default for slotted dataclasses looks the fields up in Python for every object, which
    dominated moving page results between processes and into the cache; a tuple of values
    pickles in C, and unpickling calls the constructor. Every field must be an ``__init__``
    parameter, positional. The string fields named in ``interned`` are interned when unpickled,
    so that equal values from different pages (a shared image's URL) are held once."""

    def decorate(cls: type[_T]) -> type[_T]:
        names = [field.name for field in dataclasses.fields(cls)]  # type: ignore[arg-type]
        values: Callable[[Any], Any] = operator.attrgetter(*names)
        single = len(names) == 1
        positions = tuple(names.index(name) for name in interned)

        def __reduce__(self: Any) -> tuple[Any, ...]:
            return (cls, (values(self),) if single else values(self))

        def reduce_interned(self: Any) -> tuple[Any, ...]:
            return (_interned_instance, (cls, positions, values(self)))

        cls.__reduce__ = reduce_interned if positions else __reduce__  # type: ignore[method-assign]
        return cls

    return decorate if cls is None else decorate(cls)


def _interned_instance(cls: type[_T], positions: tuple[int, ...], values: tuple[Any, ...]) -> _T:
    """An instance of ``cls`` from its field values, the strings at ``positions`` interned."""
    fields = list(values)
    for position in positions:
        fields[position] = sys.intern(fields[position])
    return cls(*fields)


class Kind(StrEnum):
    """The construct a reference was written in (language-construct)."""

    # HTML subresources: the browser fetches them to render the page.
    HTML_STYLESHEET = "html-link-stylesheet"
    HTML_IMPORT = "html-link-import"
    HTML_PRELOAD = "html-link-preload"
    HTML_MODULEPRELOAD = "html-link-modulepreload"
    HTML_ICON = "html-link-icon"
    HTML_SCRIPT = "html-script"
    HTML_IMG = "html-img"
    HTML_INPUT_IMAGE = "html-input-image"
    HTML_VIDEO_POSTER = "html-video-poster"
    HTML_TRACK = "html-track"
    HTML_SVG_IMAGE = "html-svg-image"
    HTML_SVG_USE = "html-svg-use"
    HTML_BACKGROUND = "html-background"
    """The legacy ``background`` attribute of ``<body>``, ``<table>``, ``<td>``, ``<th>``."""
    HTML_IFRAME = "html-iframe"
    """A nested browsing context: its document (and what it loads) is fetched with the page."""
    HTML_OBJECT = "html-object"
    """``<object data>``: an image or a nested document, fetched with the page."""
    HTML_EMBED = "html-embed"
    """``<embed src>``: an image or a nested document, fetched with the page."""
    # HTML links: navigations and media bodies, never pushed.
    HTML_ANCHOR = "html-a"
    HTML_MEDIA = "html-media-src"
    # CSS.
    CSS_IMPORT = "css-import"
    CSS_URL = "css-url"
    CSS_IMAGE_SET = "css-image-set"
    CSS_FONT_FACE = "css-font-face"
    # JavaScript modules.
    JS_IMPORT = "js-import"
    JS_DYNAMIC_IMPORT = "js-dynamic-import"
    JS_WORKER = "js-worker"
    JS_URL = "js-url"

    @property
    def linked(self) -> bool:
        """True for references a browser does not fetch to render the page (wpull's *linked*)."""
        return self in _LINKED


_LINKED = frozenset({Kind.HTML_ANCHOR, Kind.HTML_MEDIA})


class InlineKind(StrEnum):
    """Where inline CSS or script text sits in an HTML page."""

    STYLE_ELEMENT = "html-style"
    STYLE_ATTRIBUTE = "html-style-attribute"
    MODULE_SCRIPT = "html-inline-module"
    IMPORT_MAP = "html-importmap"


Attrs = tuple[tuple[str, str], ...]
"""Attributes of the construct that later stages need, as sorted ``(name, value)`` pairs."""


def attrs(mapping: Mapping[str, str | None]) -> Attrs:
    """Freeze a mapping into :data:`Attrs`, dropping ``None`` values."""
    return tuple(sorted((k, v) for k, v in mapping.items() if v is not None))


@pickled_as_values
@dataclass(frozen=True, slots=True)
class StyleRule:
    """A style rule's declarations that can make a browser fetch, as the CSS scanner found
    them, for the render model (:mod:`push_manifest.rendering`) to run the cascade over.

    ``selector``: the selector list, CSS Nesting resolved; None for a layer that is only
    declared (``@layer a;``, or the start of an ``@layer`` block), which orders layers.
    ``declarations``: ``;``-separated, as written (``!important`` kept). ``media``: the
    enclosing ``@media`` query lists. ``layer``: the cascade layer's name path inside its
    stylesheet (None: unlayered).
    """

    selector: str | None
    declarations: str
    media: tuple[str, ...] = ()
    layer: tuple[str, ...] | None = None
    containers: tuple[str, ...] = ()
    """The preludes of the enclosing ``@container`` rules (``card (min-width: 400px)``),
    outermost first: the rule applies where every one of them holds."""
    sizes: bool = False
    """``declarations`` include those that size a query container (width, box-sizing …): its
    stylesheet holds an ``@container`` rule. Elsewhere they are not kept."""


@pickled_as_values
@dataclass(frozen=True, slots=True)
class PropertyRule:
    """A valid ``@property`` rule (CSS Properties and Values API 1 §3): the custom property
    it registers and the ``syntax`` its values must match. It matters to the render model
    where the syntax takes URLs: such a value computes to an absolute URL where it is
    declared (§2.4, ``<url>``), not where a ``var()`` uses it."""

    name: str
    syntax: str

    @property
    def takes_urls(self) -> bool:
        """Whether some component of the syntax is ``<url>`` or ``<image>`` (with or
        without a multiplier)."""
        return any(
            part.strip().rstrip("+#") in ("<url>", "<image>") for part in self.syntax.split("|")
        )


@pickled_as_values
@dataclass(frozen=True, slots=True)
class Reference:
    """A URL as written in a document, and where it was written.

    Scanners make these and nothing else: no resolving, filtering or typing.

    ``attrs`` carries what classification and weighting need. HTML scanners copy the element's
    relevant attributes under their HTML names (``crossorigin``, ``as``, ``type``, ``async``,
    ``defer``, ``nomodule``, ``loading``, ``media``, ``srcset``, ``sizes``, ``rel``, ``blocking``,
    ``fetchpriority``); CSS scanners use ``selector``, ``property``, and for fonts ``family``,
    ``weight``, ``style``, ``format``.
    """

    url: str
    kind: Kind
    line: int = 0
    """1-based line in its document; 0 when unknown."""
    attrs: Attrs = ()
    in_head: bool = False
    """HTML only: the element is in ``<head>`` (render-blocking position)."""
    media: tuple[str, ...] = ()
    """Media query lists that must all match for the reference to apply (``<link media>``,
    ``@import … screen``, enclosing ``@media`` blocks), outermost first."""

    def attr(self, name: str, default: str | None = None) -> str | None:
        """The value of attribute ``name``, or ``default`` when absent."""
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    def has(self, name: str) -> bool:
        """True when attribute ``name`` is present (HTML boolean attributes)."""
        return any(key == name for key, _ in self.attrs)


@pickled_as_values
@dataclass(frozen=True, slots=True)
class InlineText:
    """CSS or script text written inside an HTML page (``<style>``, ``style=""``, inline module).

    The crawl parses it with the page's URL (or ``<base>``) as its base.
    """

    text: str
    kind: InlineKind
    line: int = 0
    in_head: bool = False
    media: tuple[str, ...] = ()
    attrs: Attrs = ()


@pickled_as_values
@dataclass(frozen=True, slots=True)
class BaseHref:
    """A ``<base href>``: relative URLs that come after it resolve against it (WHATWG HTML
    §4.2.3; only the first ``<base>`` with an ``href`` counts)."""

    href: str
    line: int = 0


HtmlItem = Reference | InlineText | BaseHref
"""What the HTML scanner yields, in document order."""


class Destination(StrEnum):
    """A Fetch destination (Fetch standard §2.2.5), the ``type`` of a manifest entry."""

    STYLE = "style"
    SCRIPT = "script"
    IMAGE = "image"
    FONT = "font"
    DOCUMENT = "document"
    FETCH = "fetch"
    TRACK = "track"
    AUDIO = "audio"
    VIDEO = "video"
    WORKER = "worker"
    EMPTY = ""


class CrossOrigin(StrEnum):
    """A CORS settings attribute state (WHATWG HTML §2.5.4)."""

    ANONYMOUS = "anonymous"
    USE_CREDENTIALS = "use-credentials"


class Pointer(StrEnum):
    """The accuracy of a pointing device (Media Queries 4 §5.1)."""

    FINE = "fine"
    COARSE = "coarse"
    NONE = "none"


@pickled_as_values
@dataclass(frozen=True, slots=True)
class Viewport:
    """The browser environment that source selection and media queries are evaluated in.

    The defaults are a desktop Chromium window; :data:`push_manifest.device.DEVICES` holds the
    device profiles (``--device``). ``width``/``height`` are the layout viewport in CSS px
    (media ``width``, ``vw``, ``sizes``); ``device_width``/``device_height``, when not ``None``,
    the screen (media ``device-width``) where it differs from the layout viewport."""

    width: float = 1280
    height: float = 800
    dpr: float = 1.0
    pointer: Pointer = Pointer.FINE
    """The primary pointing device (Media Queries 4 §5.1 ``pointer``, and ``any-pointer``)."""
    hover: bool = True
    """Whether the primary pointer can hover (§5.2 ``hover``, and ``any-hover``)."""
    layout_width_without_meta_viewport: float | None = None
    """Mobile browsers lay out a page that has no ``<meta name=viewport>`` at this width (980
    CSS px in Chromium and Safari) and zoom it out to the screen; ``None``: the window is the
    layout viewport whatever the page says (desktop)."""
    device_width: float | None = None
    device_height: float | None = None


@pickled_as_values(interned=("url", "image_srcset", "image_sizes", "referrer", "why"))
@dataclass(frozen=True, slots=True)
class Resource:
    """One entry of a page's manifest."""

    url: str
    """Root-absolute path with query, percent-encoded as a browser requests it."""
    type: Destination
    weight: int
    crossorigin: CrossOrigin | None = None
    module: bool = False
    nomodule: bool = False
    """A ``nomodule`` classic script: only browsers without modules run it, so header writers
    never preload it."""
    media: str = ""
    """The media query list that scopes the resource (stylesheets), for the ``media`` link param."""
    image_srcset: str = ""
    """For responsive images: the ``srcset`` with URLs resolved root-absolute."""
    image_sizes: str = ""
    kind: Kind = Kind.HTML_PRELOAD
    """The construct that first discovered it."""
    referrer: str = ""
    """The root-absolute URL of the document that referenced it first."""
    depth: int = 1
    """How many documents lie between the page and the reference (1: the page itself)."""
    why: str = ""
    """For what the render model keeps (CSS images, fonts), why the page fetches it: the
    winning declaration and an element it styles, or the family and the characters it
    renders; recorded when explanations are (``--verbose``)."""

    def explanation(self, page: str) -> str:
        """Why it is listed, as ``--verbose`` says it: the construct, the document that
        references it (``page`` when the page itself does), and :attr:`why`."""
        found = f"{self.kind} in {self.referrer or page}"
        return f"{found}: {self.why}" if self.why else found


@pickled_as_values
@dataclass(frozen=True, slots=True)
class PageManifest:
    """The resources of one page, ordered by weight (highest first), then discovery order."""

    key: str
    """The page's path relative to the root, with ``/`` separators (``blog/post.html``)."""
    url: str
    """The page's root-absolute URL path (``/blog/post.html``)."""
    resources: tuple[Resource, ...]
    pruned: tuple[tuple[str, str], ...] = ()
    """``(url, why)`` of what the crawl found but left out because this page's first render
    does not fetch it (render-aware pruning)."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """The result of a crawl: one :class:`PageManifest` per input page, in input order."""

    pages: tuple[PageManifest, ...]
    single: bool = False
    """True when the single-page format (one page, keys are resource URLs) is to be written."""
    warnings: tuple[CrawlWarning, ...] = ()
    """Problems met while crawling, in the order they were found (each reported once)."""
    root: str = ""
    """The site root the pages were crawled under (an absolute, symlink-free path)."""


class WarningCode(StrEnum):
    """What went wrong with one reference or one file."""

    MISSING = "missing-file"
    OUTSIDE_ROOT = "outside-root"
    ABOVE_ROOT = "above-root"
    """A relative reference with more ``..`` than directories: listed as the URL parser clamps
    it at ``/`` (what a browser requests), but likely an authoring mistake; not strict."""
    UNREADABLE = "unreadable"
    CSS_PARSE = "css-parse-error"
    HTML_PARSE = "html-parse-error"
    JS_PARSE = "js-parse-error"
    UNMAPPED_SPECIFIER = "unmapped-specifier"
    DECODE = "decode"
    BUDGET = "budget"
    TOO_DEEP = "too-deep"
    TOO_LARGE = "too-large"
    """A file over the size limit (not read), or an element with too many attributes."""
    CACHE = "cache"
    HOST_LIMIT = "host-limit"
    PRELOAD_IGNORED = "preload-ignored"

    @property
    def strict(self) -> bool:
        """True when ``--strict`` turns this warning into a failure."""
        return self in (WarningCode.MISSING, WarningCode.OUTSIDE_ROOT)


@pickled_as_values
@dataclass(frozen=True, slots=True)
class CrawlWarning:
    """A problem found while crawling: data, never an exception."""

    code: WarningCode
    document: str
    """Root-relative path (or URL) of the page or stylesheet where the problem was found."""
    message: str
    reference: str = ""
    """The reference as written, when the problem is about one."""
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.document}:{self.line}" if self.line else self.document
        ref = f" {self.reference!r}:" if self.reference else ""
        return f"{where}:{ref} {self.message} [{self.code}]"


MODULE_TYPE_DESTINATIONS: Mapping[str | None, Destination] = MappingProxyType(
    {None: Destination.SCRIPT, "json": Destination.FETCH, "css": Destination.STYLE}
)
"""Fetch destination of a module by its ``type`` attribute (``None``: no attribute). HTML's
*fetch a single module script* loads ``json`` and ``css`` modules as JSON and a stylesheet; any
other type is not loaded at all, so it has no row here. Shared by the JavaScript scanner and
:mod:`push_manifest.classify`."""
