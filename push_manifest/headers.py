"""``Link`` header values for a page's resources: the one place a :class:`Resource` becomes a
link-value, shared by every header writer (``link``, ``apache``, ``nginx``, ``netlify``,
``firebase``).

Each value follows the RFC 8288 §3 grammar (``<URI-Reference>`` then ``; param`` pairs, a
parameter value written as a token when it is one, else as a quoted-string) with the parameters
the HTML standard reads from a ``Link`` header (§4.2.4.4 "Processing Link headers", "apply link
options from parsed header attributes"): ``rel``, ``as``, ``crossorigin``, ``type``, ``media``,
``imagesrcset`` and ``imagesizes``; plus ``nopush`` (W3C Preload, "server push") for servers
that push.

A 103 Early Hints response needs another form of the same link (:func:`hint_value`): Chromium
reads a 103's ``Link`` field with its own parser (``services/network/public/cpp/
link_header_parser.cc``), which knows ``rel``, ``as``, ``crossorigin``, ``type`` and
``fetchpriority`` only and drops a whole link that carries any other parameter: ``nopush``,
``media``, ``imagesrcset``, ``imagesizes``. Measured with Chromium 156 and Apache 2.4 (README,
"Early Hints").

Also here: the per-page header size budget, how a page's file path maps to the URL paths a
server sees, and how a server configuration names such a path whatever bytes it holds.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import quote, unquote_to_bytes

from push_manifest.model import CrossOrigin, Destination, PageManifest, Resource
from push_manifest.scanners.srcset import parse_srcset

__all__ = [
    "DEFAULT_HEADER_BUDGET",
    "Link",
    "PageLinks",
    "Routes",
    "byte_regex",
    "comment_text",
    "file_path",
    "fit_header",
    "header_size",
    "hint_value",
    "join_links",
    "link",
    "link_value",
    "page_links",
    "page_routes",
    "path_bytes",
    "quote_param",
    "uri_reference",
]

DEFAULT_HEADER_BUDGET = 8192
"""Default per-page budget for one ``Link`` field value, in bytes: 8 KB is the smallest common
response-header limit on the path (nginx and CDN proxy buffers, Apache's 8190-byte field line)."""


class Routes(StrEnum):
    """How a server exposes a page file as URL paths."""

    HTML = "html"
    """``blog/post.html`` is served at ``/blog/post.html``; ``index.html`` at ``/`` too."""
    EXTENSIONLESS = "extensionless"
    """``blog/post.html`` is served at ``/blog/post`` (pretty URLs); ``index.html`` at ``/``."""


@dataclass(frozen=True, slots=True)
class Link:
    """One resource as a ``Link`` header link-value, in the forms a final response and a 103
    Early Hints response need."""

    resource: Resource
    value: str
    """The link-value the page's ``Link`` header carries: :attr:`final`, or in a header made
    for 103 Early Hints (``page_links(early_hints=True)``) :attr:`hint`."""
    rel: str
    """``preload`` or ``modulepreload``."""
    final: str
    """The link-value for the final response, every parameter included (``nopush`` when
    asked): ``</css/print.css>; rel=preload; as=style; media="print"``."""
    hint: str | None
    """The link-value for a 103 Early Hints response (:func:`hint_value`), or None when the
    resource stays out of a 103: ``</css/print.css>; rel=preload; as=style; fetchpriority=low``."""

    @property
    def early_hint(self) -> bool:
        """True when the link goes into a 103 Early Hints response."""
        return self.hint is not None


@dataclass(frozen=True, slots=True)
class PageLinks:
    """What the header writers emit for one page."""

    page: PageManifest
    routes: tuple[str, ...]
    """The URL paths the page is served at (:func:`page_routes`)."""
    links: tuple[Link, ...]
    """The link-values in manifest order, within the budget."""
    dropped: tuple[Link, ...]
    """Link-values left out to fit the budget, lowest weight first."""

    @property
    def value(self) -> str:
        """The page's whole ``Link`` field value."""
        return join_links(link.value for link in self.links)


# RFC 9110 §5.6.2 tchar.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Characters a URI-Reference may hold as they are (RFC 3986 §2); "%" keeps existing escapes.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")

# WHATWG HTML "translate a preload destination": the `as` values rel=preload fetches.
_PRELOAD_AS = {
    Destination.STYLE: "style",
    Destination.SCRIPT: "script",
    Destination.IMAGE: "image",
    Destination.FONT: "font",
    Destination.FETCH: "fetch",
    Destination.TRACK: "track",
}
# rel=modulepreload: `as` omitted means "script"; worker and style modules name theirs.
_MODULEPRELOAD_AS = {
    Destination.SCRIPT: None,
    Destination.WORKER: "worker",
    Destination.STYLE: "style",
}
# In a 103, Chromium acts on preload with these `as` values and on modulepreload of scripts
# (`as` omitted); its parser drops a link with any other `as` (track, worker) and one that
# names no `as` (link_header_parser.cc, navigation_early_hints_manager.cc).
_EARLY_HINT_AS = frozenset({"font", "image", "script", "style", "fetch"})
# Media types that never match on a screen (Media Queries 4 §2.3: print, and the deprecated
# types, which match nothing).
_SCREENLESS_MEDIA = frozenset(
    {"print", "speech", "aural", "braille", "embossed", "handheld", "projection", "tty", "tv"}
)
# Fonts are preloaded with `type` so a browser that cannot use the format skips them.
_FONT_TYPES = {
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


def uri_reference(url: str) -> str:
    """``url`` as an RFC 3986 URI-Reference: characters it may not hold are percent-encoded
    (UTF-8), existing ``%XX`` escapes are kept."""
    return quote(url, safe=_URI_SAFE)


def quote_param(value: str, *, always: bool = False) -> str:
    """A link-param value: the bare token when it is one (and ``always`` is false), else an
    RFC 9110 §5.6.4 quoted-string. Runs of control characters and whitespace inside it, which
    a header cannot carry and the list grammars of ``media``/``imagesrcset``/``imagesizes``
    do not distinguish from a space, become one space."""
    value = re.sub(" +", " ", _CONTROL.sub(" ", value)).strip()
    if not always and _TOKEN.fullmatch(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _font_type(url: str) -> str | None:
    path = url.split("?", 1)[0].lower()
    return _FONT_TYPES.get(posixpath.splitext(path)[1])


def _crossorigin(resource: Resource) -> CrossOrigin | None:
    """The CORS settings state the preload must carry to match the browser's own request
    (WHATWG HTML §2.5.4, Fetch "preload key": URL, destination, mode, credentials mode)."""
    if resource.module:
        # Module scripts are fetched in cors mode with credentials "same-origin" both without
        # the attribute and with `anonymous`, which is also modulepreload's default.
        if resource.crossorigin is CrossOrigin.USE_CREDENTIALS:
            return CrossOrigin.USE_CREDENTIALS
        return None
    if resource.crossorigin is not None:
        return resource.crossorigin
    # Fonts (CSS Fonts, "font fetching requirements") and fetch() are always cors requests.
    if resource.type in (Destination.FONT, Destination.FETCH):
        return CrossOrigin.ANONYMOUS
    return None


def _rel_as(resource: Resource) -> tuple[str, str | None] | None:
    """The ``rel`` and ``as`` that preload ``resource``, or None when none does. ``nomodule``
    scripts get none: every browser that acts on a preload header runs modules and would
    download them for nothing."""
    if resource.nomodule:
        return None
    if resource.module:
        if resource.type not in _MODULEPRELOAD_AS:
            return None
        return "modulepreload", _MODULEPRELOAD_AS[resource.type]
    preload_as = _PRELOAD_AS.get(resource.type)
    return None if preload_as is None else ("preload", preload_as)


def _common_params(resource: Resource, rel: str, as_: str | None) -> list[str]:
    """``rel``, ``as``, ``type`` and ``crossorigin``: the parameters both forms carry."""
    params = [f"rel={rel}"]
    if as_ is not None:
        params.append(f"as={as_}")
    if resource.type is Destination.FONT and (font_type := _font_type(resource.url)):
        params.append(f"type={quote_param(font_type)}")
    crossorigin = _crossorigin(resource)
    if crossorigin is CrossOrigin.ANONYMOUS:
        params.append("crossorigin")
    elif crossorigin is CrossOrigin.USE_CREDENTIALS:
        params.append("crossorigin=use-credentials")
    return params


def _link_value(resource: Resource, params: list[str]) -> str:
    return f"<{uri_reference(resource.url)}>; " + "; ".join(params)


def link(resource: Resource, *, nopush: bool = False) -> Link | None:
    """``resource`` as a preload :class:`Link`, or None when no ``Link`` preload fetches it the
    way the browser will (WHATWG HTML, link types "preload" and "modulepreload").

    The final form: ``rel=preload; as=…`` for styles, classic scripts, images, fonts, ``fetch``
    and tracks; ``rel=modulepreload`` (``as`` only for workers and CSS modules) for modules;
    ``crossorigin`` where the request is CORS (fonts, ``fetch``, whatever the element said;
    modules only for ``use-credentials``); ``type`` for fonts; ``imagesrcset`` with
    ``imagesizes`` (the standard reads a source set only when both are present) for responsive
    images; ``media`` when the resource is media-scoped; ``nopush`` when asked. The 103 form is
    :func:`hint_value`'s.
    """
    kind = _rel_as(resource)
    if kind is None:
        return None
    rel, as_ = kind
    params = _common_params(resource, rel, as_)
    if resource.type is Destination.IMAGE and resource.image_srcset:
        params.append(f"imagesrcset={quote_param(resource.image_srcset, always=True)}")
        params.append(f"imagesizes={quote_param(resource.image_sizes, always=True)}")
    if resource.media:
        params.append(f"media={quote_param(resource.media, always=True)}")
    if nopush:
        params.append("nopush")
    final = _link_value(resource, params)
    return Link(resource=resource, value=final, rel=rel, final=final, hint=hint_value(resource))


def hint_value(resource: Resource) -> str | None:
    """``resource`` as a link-value for a 103 Early Hints response, in the form Chromium acts
    on, or None when a 103 should not name it.

    Only ``rel``, ``as``, ``type``, ``crossorigin`` and ``fetchpriority``, the parameters
    Chromium's 103 parser accepts (any other makes it drop the link): never ``nopush``,
    ``media``, ``imagesrcset`` or ``imagesizes``. And only what every device fetches, since a
    103 cannot say for which device a link is:

    - ``rel=preload`` with ``as`` style, script, image, font or fetch, and ``rel=modulepreload``
      of module scripts; not tracks, workers or CSS modules (``as=track`` and ``as=worker``
      make Chromium drop the link), nor ``nomodule`` scripts;
    - a media-scoped stylesheet without ``media``: browsers download a stylesheet whatever its
      media (at the lowest priority where it does not match), so the hint fetches nothing a
      device would not; ``fetchpriority=low`` where the media can match no screen (``print``),
      as the browser itself would fetch it;
    - a responsive image only when every candidate of its ``srcset`` is the URL itself (the 103
      cannot carry ``imagesrcset``, and preloading one candidate wastes it on devices that pick
      another); otherwise it is left to the final response's ``Link``, which names the set;
    - no other media-scoped resource (an image or font under ``@media`` is fetched only where
      the query matches).
    """
    kind = _rel_as(resource)
    if kind is None:
        return None
    rel, as_ = kind
    acted_on = as_ in _EARLY_HINT_AS if rel == "preload" else as_ is None
    if not acted_on:
        return None
    params = _common_params(resource, rel, as_)
    if resource.media:
        if resource.type is not Destination.STYLE:
            return None
        if _screenless(resource.media):
            params.append("fetchpriority=low")
    if resource.type is Destination.IMAGE and resource.image_srcset:
        urls = {candidate.url for candidate in parse_srcset(resource.image_srcset)}
        if urls - {resource.url}:
            return None
    return _link_value(resource, params)


def _screenless(media: str) -> bool:
    """True when no query of the media query list ``media`` can match on a screen: each names
    a media type other than ``all`` and ``screen`` (``print``, ``print and (color)``), without
    ``not``. Anything else may match on some screen."""
    for query in media.lower().split(","):
        words = query.split()
        if words[:1] == ["only"]:
            words = words[1:]
        if not words or words[0] not in _SCREENLESS_MEDIA:
            return False
    return True


def link_value(resource: Resource, *, nopush: bool = False) -> str | None:
    """The final response's link-value of :func:`link`, or None when the resource cannot be
    preloaded."""
    made = link(resource, nopush=nopush)
    return made.final if made else None


def join_links(values: Iterable[str]) -> str:
    """Link-values as one field value (RFC 8288 §3: ``#link-value``)."""
    return ", ".join(values)


def header_size(values: Iterable[str]) -> int:
    """Bytes of the field value that joins ``values``."""
    return len(join_links(values).encode("utf-8"))


def _longest(link: Link) -> str:
    forms = (link.final, link.hint or "")  # Link.value is one of the two.
    return max(forms, key=lambda value: len(value.encode("utf-8")))


def fit_header(links: Sequence[Link], budget: int) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
    """Split ``links`` into those kept, in their order, and those dropped, lowest weight first
    (the later-discovered first among equals), so that the kept field value is at most
    ``budget`` bytes whichever form of each link a writer sends (:attr:`Link.value`,
    :attr:`Link.final` or :attr:`Link.hint`: Apache sends a final and a 103 header). A
    ``budget`` of 0 or less means no limit."""
    if budget <= 0 or header_size(_longest(link) for link in links) <= budget:
        return tuple(links), ()
    sizes = [len(_longest(link).encode("utf-8")) for link in links]
    size = sum(sizes) + 2 * (len(links) - 1)
    dropped: list[int] = []
    for index in sorted(range(len(links)), key=lambda i: (links[i].resource.weight, -i)):
        if size <= budget:
            break
        dropped.append(index)
        size -= sizes[index] + (2 if len(dropped) < len(links) else 0)
    gone = set(dropped)
    kept = tuple(link for i, link in enumerate(links) if i not in gone)
    return kept, tuple(links[i] for i in dropped)


def file_path(page: PageManifest) -> str:
    """The page's own root-absolute URL path (``/blog/post.html``), from ``url`` or ``key``."""
    url = page.url or "/" + page.key.lstrip("/")
    return url if url.startswith("/") else "/" + url


_INDEX = re.compile(r"(^|/)index\.html?$")
_HTML_EXT = re.compile(r"\.html?$")


def page_routes(url: str, routes: Routes = Routes.HTML) -> tuple[str, ...]:
    """The URL paths a server answers for the page file at ``url`` (a root-absolute path).

    ``/index.html`` → ``/`` and ``/index.html`` (a directory's index is requested by the
    directory's path); ``/blog/post.html`` → ``/blog/post.html``. With
    :attr:`Routes.EXTENSIONLESS`: ``/blog/post.html`` → ``/blog/post`` and
    ``/blog/index.html`` → ``/blog/``.
    """
    if _INDEX.search(url):
        directory = url[: url.rindex("/") + 1]
        return (directory,) if routes is Routes.EXTENSIONLESS else (directory, url)
    if routes is Routes.EXTENSIONLESS:
        return (_HTML_EXT.sub("", url),)
    return (url,)


def page_links(
    page: PageManifest,
    *,
    routes: Routes = Routes.HTML,
    nopush: bool = False,
    early_hints: bool = False,
    budget: int = DEFAULT_HEADER_BUDGET,
) -> PageLinks:
    """The links one page's headers carry: every preloadable resource; with ``early_hints``,
    only those that go into a 103, each with its 103 form as :attr:`Link.value` (the header is
    then one a server or CDN can send in a 103: no ``nopush``). Cut to ``budget`` bytes by
    :func:`fit_header`."""
    links = []
    for resource in page.resources:
        made = link(resource, nopush=nopush)
        if made is None:
            continue
        if early_hints:
            if made.hint is None:
                continue
            made = replace(made, value=made.hint)
        links.append(made)
    kept, dropped = fit_header(links, budget)
    return PageLinks(
        page=page,
        routes=page_routes(file_path(page), routes),
        links=kept,
        dropped=dropped,
    )


def path_bytes(url: str) -> bytes:
    """The bytes a server compares its locations with for the percent-encoded URL path ``url``:
    ``%XX`` decoded byte for byte, whether or not the result is UTF-8."""
    return unquote_to_bytes(url)


def byte_regex(raw: bytes) -> str:
    """A regular expression that matches exactly the bytes ``raw``, for PCRE as nginx and Apache
    httpd compile it (without UTF mode: a pattern matches bytes). Metacharacters are escaped;
    bytes that are not part of valid UTF-8, and the UTF-8 bytes of every character that is not
    printable (controls, separators, private use), are written ``\\xHH``, so the pattern is
    printable UTF-8 text on one line; other valid UTF-8 stays as its characters."""
    out = []
    for char in raw.decode("utf-8", "surrogateescape"):
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif not char.isprintable():
            out.extend(f"\\x{byte:02x}" for byte in char.encode("utf-8"))
        else:
            out.append(re.escape(char))
    return "".join(out)


def comment_text(text: str) -> str:
    """``text`` for a one-line ``#`` comment in a configuration file: each control character
    (a newline would end the comment and start a directive) becomes ``%XX``."""
    return _CONTROL.sub(lambda match: "".join(f"%{ord(c):02X}" for c in match.group()), text)
