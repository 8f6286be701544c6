"""From a reference to what the browser fetches: destination type, CORS mode, module flag.

The construct decides first (a ``<script src="/api/endpoint">`` is a script whatever its
extension), the file extension second (only where the construct does not tell, e.g. a
``<link rel=preload>`` without a valid ``as``). Tables, not if-chains.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from enum import Enum

from push_manifest.model import CrossOrigin, Destination, Kind, Reference
from push_manifest.scanners.js import MODULE_TYPE_DESTINATIONS

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

    Not fetched: linked references (``<a>``, ``<iframe>``…), scripts that are data blocks or
    import maps, stylesheets whose ``type`` is not ``text/css``.
    """
    if ref.kind.linked:
        return None
    module = False
    if ref.kind is Kind.HTML_SCRIPT:
        kind = script_kind(ref)
        if kind in (ScriptKind.DATA_BLOCK, ScriptKind.IMPORTMAP):
            return None
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
