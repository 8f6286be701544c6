"""From a reference to what the browser fetches: destination type, CORS mode, module flag.

The construct decides first (a ``<script src="/api/endpoint">`` is a script whatever its
extension), the file extension second (only where the construct does not tell, e.g. a
``<link rel=preload>`` without a valid ``as``). Tables, not if-chains.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from enum import Enum

from push_manifest.media import media_matches
from push_manifest.model import (
    MODULE_TYPE_DESTINATIONS,
    CrossOrigin,
    Destination,
    Kind,
    Reference,
    Viewport,
)

CONSTRUCT_TYPES: dict[Kind, Destination] = {
    Kind.HTML_STYLESHEET: Destination.STYLE,
    Kind.HTML_IMPORT: Destination.DOCUMENT,
    Kind.HTML_MODULEPRELOAD: Destination.SCRIPT,
    Kind.HTML_ICON: Destination.IMAGE,
    Kind.HTML_SCRIPT: Destination.SCRIPT,
    Kind.HTML_IMG: Destination.IMAGE,
    Kind.HTML_INPUT_IMAGE: Destination.IMAGE,
    Kind.HTML_VIDEO_POSTER: Destination.IMAGE,
    Kind.HTML_TRACK: Destination.TRACK,
    Kind.HTML_SVG_IMAGE: Destination.IMAGE,
    Kind.HTML_SVG_USE: Destination.IMAGE,
    Kind.HTML_BACKGROUND: Destination.IMAGE,
    Kind.HTML_IFRAME: Destination.DOCUMENT,
    Kind.CSS_IMPORT: Destination.STYLE,
    Kind.CSS_URL: Destination.IMAGE,
    Kind.CSS_IMAGE_SET: Destination.IMAGE,
    Kind.CSS_FONT_FACE: Destination.FONT,
    Kind.JS_IMPORT: Destination.SCRIPT,
    Kind.JS_DYNAMIC_IMPORT: Destination.SCRIPT,
    Kind.JS_WORKER: Destination.WORKER,
}
"""Construct → destination, for constructs whose destination is fixed."""

PRELOAD_AS: dict[str, Destination] = {
    "style": Destination.STYLE,
    "script": Destination.SCRIPT,
    "image": Destination.IMAGE,
    "font": Destination.FONT,
    "fetch": Destination.FETCH,
    "track": Destination.TRACK,
    "audio": Destination.AUDIO,
    "video": Destination.VIDEO,
    "document": Destination.DOCUMENT,
    "worker": Destination.WORKER,
}
"""``<link rel=preload as=…>`` value → destination (WHATWG HTML "translate a preload
destination"; values a browser would not preload are absent)."""

EXTENSION_TYPES: dict[str, Destination] = {
    **dict.fromkeys((".css",), Destination.STYLE),
    **dict.fromkeys((".js", ".mjs", ".cjs"), Destination.SCRIPT),
    **dict.fromkeys(
        (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico", ".bmp", ".apng"),
        Destination.IMAGE,
    ),
    **dict.fromkeys((".woff2", ".woff", ".ttf", ".otf", ".ttc"), Destination.FONT),
    **dict.fromkeys((".html", ".htm"), Destination.DOCUMENT),
    **dict.fromkeys((".json", ".xml", ".txt", ".csv"), Destination.FETCH),
    **dict.fromkeys((".vtt",), Destination.TRACK),
    **dict.fromkeys((".mp3", ".ogg", ".oga", ".wav", ".m4a", ".flac"), Destination.AUDIO),
    **dict.fromkeys((".mp4", ".webm", ".ogv", ".mov"), Destination.VIDEO),
}
"""Lower-case file extension → destination, for when the construct does not tell."""

EMBEDDED_IMAGE_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".bmp", ".apng"}
)
"""Extensions an ``<object data>``/``<embed src>`` is fetched and shown as an image for
(Chromium 156: CDP type ``Image``); anything else, SVG included, loads as a nested document."""


PLUGIN_TYPES = frozenset(
    {"application/x-shockwave-flash", "application/futuresplash", "application/x-java-applet",
     "application/java", "application/x-java-vm", "application/x-silverlight",
     "application/x-silverlight-2"}
)  # fmt: skip
"""MIME types only a plugin displays: Chromium has none, so it fetches nothing and shows the
fallback content (measured: ``<object type=application/x-shockwave-flash>``)."""

PLUGIN_EXTENSIONS = frozenset({".swf", ".spl", ".xap", ".jar", ".class"})
"""Extensions Chromium maps to a plugin type when ``type`` is absent (not fetched either)."""


def embedded_type(ref: Reference, url_path: str) -> Destination | None:
    """``<object>``/``<embed>``: an image when its ``type`` is a raster ``image/…`` MIME type
    or, without one, its extension is an image's; None (not fetched) for a plugin's type or
    extension; else a nested document (WHATWG HTML §4.8.7 leaves the choice to the type;
    Chromium's plugin-free load is an image or a frame)."""
    type_ = (ref.attr("type") or "").split(";", 1)[0].strip().lower()
    extension = posixpath.splitext(url_path.split("?", 1)[0])[1].lower()
    if type_:
        if type_ in PLUGIN_TYPES or type_.startswith("application/x-silverlight"):
            return None
        image = type_.startswith("image/") and type_ != "image/svg+xml"
    else:
        if extension in PLUGIN_EXTENSIONS:
            return None
        image = extension in EMBEDDED_IMAGE_EXTENSIONS
    return Destination.IMAGE if image else Destination.DOCUMENT


PRELOAD_FETCHED_AS: dict[str, frozenset[str] | None] = {
    "style": frozenset({"text/css"}),
    "script": None,
    "image": frozenset({
        "image/apng", "image/avif", "image/bmp", "image/gif", "image/jpeg", "image/jpg",
        "image/jxl", "image/pjpeg", "image/png", "image/svg+xml", "image/vnd.microsoft.icon",
        "image/webp", "image/x-icon", "image/x-png", "image/x-xbitmap",
    }),
    "font": frozenset({"font/otf", "font/sfnt", "font/ttf", "font/woff", "font/woff2"}),
    "fetch": None,
    "track": None,
}  # fmt: skip
"""The ``as`` values (ASCII case-insensitive, not trimmed) for which Chromium 156 acts on a
``<link rel=preload>``, each with the ``type`` essences it fetches (``None``: any). A ``type``
outside the set is one "the user agent does not support" for the destination (WHATWG HTML
§4.6.7.11 "preload"): the link is ignored. Checked one by one in the browser oracle; ``as``
``audio``, ``video``, ``document``, ``worker`` and ``json`` are ignored too."""


def preload_problem(ref: Reference, viewport: Viewport) -> str | None:
    """Why a browser ignores the ``<link rel=preload>`` ``ref`` at ``viewport``, or ``None``
    when it fetches it: no ``as``, an ``as`` it does not preload, a ``type`` it does not
    support for that destination, a ``media`` that does not match."""
    as_ = ref.attr("as")
    if as_ is None:
        return "without as"
    types = PRELOAD_FETCHED_AS.get(as_.lower(), frozenset())
    if types is not None and not types:
        return f"as={as_!r} is not a destination browsers preload"
    type_ = ref.attr("type")
    essence = (type_ or "").split(";", 1)[0].strip(" \t\n\f\r").lower()
    if types is not None and essence and essence not in types:
        return f"type={type_!r} is not one browsers support for as={as_}"
    media = ref.attr("media")
    if media is not None and not media_matches(media, viewport):
        return f"media={media!r} does not match the viewport"
    return None


JAVASCRIPT_MIME_TYPES = frozenset(
    {
        "application/ecmascript", "application/javascript", "application/x-ecmascript",
        "application/x-javascript", "text/ecmascript", "text/javascript", "text/javascript1.0",
        "text/javascript1.1", "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
        "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript",
        "text/x-javascript",
    }
)  # fmt: skip
"""The JavaScript MIME type essence matches (WHATWG MIME Sniffing §4.6)."""


class ScriptKind(Enum):
    """The type of a ``<script>`` element (WHATWG HTML §4.12.1.1 "prepare the script element")."""

    CLASSIC = "classic"
    MODULE = "module"
    IMPORTMAP = "importmap"
    DATA_BLOCK = "data"


def script_kind(ref: Reference) -> ScriptKind:
    """Whether a ``<script>`` is classic, a module, an import map, or a data block (not run)."""
    type_ = ref.attr("type")
    if type_ is None or type_ == "":
        language = ref.attr("language")
        if type_ is None and language:
            type_ = "text/" + language
        else:
            return ScriptKind.CLASSIC
    essence = type_.strip(" \t\n\f\r").lower()
    if essence in JAVASCRIPT_MIME_TYPES:
        return ScriptKind.CLASSIC
    if essence == "module":
        return ScriptKind.MODULE
    if essence == "importmap":
        return ScriptKind.IMPORTMAP
    return ScriptKind.DATA_BLOCK


@dataclass(frozen=True, slots=True)
class Fetch:
    """What a browser does with a reference: fetch it as ``type``, with this CORS mode."""

    type: Destination
    crossorigin: CrossOrigin | None
    module: bool = False
    nomodule: bool = False
    """A classic ``<script nomodule>``: browsers that run modules skip it."""


def extension_type(url_path: str) -> Destination:
    """The destination a file extension suggests, or ``Destination.EMPTY``."""
    return EXTENSION_TYPES.get(posixpath.splitext(url_path)[1].lower(), Destination.EMPTY)


def cors_state(value: str | None) -> CrossOrigin | None:
    """The CORS settings attribute state (WHATWG HTML §2.5.4): missing → no CORS; invalid or
    empty → anonymous."""
    if value is None:
        return None
    if value.strip().lower() == "use-credentials":
        return CrossOrigin.USE_CREDENTIALS
    return CrossOrigin.ANONYMOUS


def classify(ref: Reference, url_path: str) -> Fetch | None:
    """How the browser fetches ``ref`` (at ``url_path``), or ``None`` when it does not fetch it.

    Not fetched: linked references (``<a>``, media bodies), scripts that are data blocks or
    import maps, stylesheets whose ``type`` is not ``text/css``.
    """
    if ref.kind.linked:
        return None
    module = False
    if ref.kind is Kind.HTML_SCRIPT:
        kind = script_kind(ref)
        if kind in (ScriptKind.DATA_BLOCK, ScriptKind.IMPORTMAP):
            return None
        if kind is ScriptKind.CLASSIC and ref.has("nomodule"):
            return None  # "prepare the script element": module-capable browsers skip it
        module = kind is ScriptKind.MODULE
    elif ref.kind is Kind.HTML_STYLESHEET:
        type_ = ref.attr("type")
        if type_ and type_.split(";")[0].strip().lower() != "text/css":
            return None
    elif ref.kind in (Kind.HTML_MODULEPRELOAD, Kind.JS_IMPORT, Kind.JS_DYNAMIC_IMPORT):
        module = True

    if ref.kind is Kind.HTML_PRELOAD:
        as_ = (ref.attr("as") or "").strip().lower()
        dest = PRELOAD_AS.get(as_) or extension_type(url_path)
    elif ref.kind in (Kind.HTML_OBJECT, Kind.HTML_EMBED):
        embedded = embedded_type(ref, url_path)
        if embedded is None:
            return None
        dest = embedded
    else:
        dest = CONSTRUCT_TYPES.get(ref.kind) or extension_type(url_path)
    if ref.kind in (Kind.JS_IMPORT, Kind.JS_DYNAMIC_IMPORT):
        module_type = MODULE_TYPE_DESTINATIONS.get(ref.attr("type"))
        if module_type is None:
            return None
        dest = module_type
        module = dest is Destination.SCRIPT
    elif ref.kind is Kind.JS_WORKER:
        module = ref.attr("worker-type") == "module"

    crossorigin = cors_state(ref.attr("crossorigin"))
    if crossorigin is None and (module or dest in (Destination.FONT, Destination.FETCH)):
        crossorigin = CrossOrigin.ANONYMOUS
    nomodule = ref.kind is Kind.HTML_SCRIPT and not module and ref.has("nomodule")
    return Fetch(dest, crossorigin, module, nomodule)
