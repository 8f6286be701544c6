"""URL resolution (WHATWG URL Standard, via ada) and the local/external split (SPEC §4)."""

from __future__ import annotations

import re
from functools import lru_cache

import webencodings
from ada_url import URL, join_url

from push_manifest.site import ORIGIN

_HOST = URL(ORIGIN).host
_LOCAL = ORIGIN + "/"

ESCAPED = ORIGIN + "/%2E%2E%2F"
"""The prefix of what :func:`resolve` returns for a reference to a file outside the site (a
``file:`` URL, a Windows drive path): its path starts with an encoded ``../``, which
:meth:`Site.locate <push_manifest.site.Site.locate>` reports as outside the root, so the crawl
excludes it with a warning."""

_DRIVE = re.compile(r"[A-Za-z]:[/\\]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_DOT = frozenset({".", "%2e"})
_DOTDOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = dict.fromkeys(map(ord, "\t\n\r"))


@lru_cache(maxsize=16384)
def resolve(reference: str, base: str, encoding: str = "utf-8") -> str | None:
    """The absolute URL ``reference`` names when resolved against ``base``, without its fragment.

    ``encoding`` is the WHATWG name of the referring HTML document's encoding: the query is
    percent-encoded in it (see :func:`encode_query`); the path always in UTF-8.

    ``None`` when a browser would not fetch it from this site: empty and fragment-only references,
    other schemes (``data:``, ``blob:``, ``javascript:``, ``mailto:``, ``about:``, ``https:``),
    other hosts (``//cdn.example``), and strings the URL parser rejects.
    Leading and trailing ASCII whitespace is stripped, as HTML does for URL attributes.

    A reference that names a file outside the site resolves to a URL under :data:`ESCAPED`:
    ``file:`` URLs and Windows drive paths (``C:\\x``, which the URL parser takes for a
    one-letter scheme). A path whose ``..`` segments climb above the root is clamped at ``/``
    as the URL parser does (URL Standard §4.4, path state: a ``..`` at the root pops nothing),
    so ``../x.css`` from ``/index.html`` is ``/x.css``, what a browser requests (SPEC §4);
    :func:`climbs_above_root` tells the crawl to warn about it.
    """
    stripped = reference.strip(" \t\n\f\r")
    if not stripped or stripped.startswith("#"):
        return None
    try:
        # join_url: one call into ada, where a URL object costs one per attribute read.
        href = join_url(base, stripped).partition("#")[0]
    except ValueError:
        return None
    if href.startswith("file:") or _DRIVE.match(stripped):
        return ESCAPED + str(URL(href).pathname).lstrip("/")
    if not href.startswith(_LOCAL) and (not href.startswith("http:") or URL(href).host != _HOST):
        return None
    return encode_query(href, stripped, encoding)


_UTF8_OUTPUT = frozenset({"utf-8", "utf-16be", "utf-16le", "replacement"})
"""WHATWG Encoding "get an output encoding": these documents encode URL queries as UTF-8."""
_SPECIAL_QUERY = frozenset(b"\"#<>'")
"""WHATWG URL "special-query percent-encode set", beyond C0 controls, space and non-ASCII."""
_CP1252_C1 = frozenset("\x81\x8d\x8f\x90\x9d")
"""Code points windows-1252 maps to themselves (WHATWG index) and Python's cp1252 cannot encode."""


def encode_query(href: str, reference: str, encoding: str) -> str:
    """``href`` (``reference`` resolved, its query encoded as UTF-8, no fragment) with its query
    percent-encoded in ``encoding`` instead, as the URL parser does for a document in that
    encoding (WHATWG URL §4.4 "query state": "percent-encode after encoding" with the
    special-query set; a code point the encoding lacks is written ``%26%23NNNN%3B``, its decimal
    character reference percent-encoded; WHATWG HTML §2.4.2 "encoding-parse a URL"). The query
    is the one ``reference`` writes: a relative reference never inherits the base's."""
    if encoding in _UTF8_OUTPUT or "?" not in href:
        return href
    text = reference.translate(_TAB_OR_NEWLINE).partition("#")[0]
    query = text.partition("?")[2]
    codec = _codec(encoding)
    if query.isascii() or codec is None:
        return href
    out: list[str] = []
    for char in query:
        if char.isascii():
            data = char.encode("ascii")
        elif encoding == "windows-1252" and char in _CP1252_C1:
            data = bytes([ord(char)])
        else:
            try:
                data = char.encode(codec)
            except UnicodeEncodeError:
                out.append(f"%26%23{ord(char)}%3B")
                continue
        out.extend(
            f"%{byte:02X}" if byte <= 0x20 or byte >= 0x7F or byte in _SPECIAL_QUERY else chr(byte)
            for byte in data
        )
    return href.partition("?")[0] + "?" + "".join(out)


@lru_cache(maxsize=64)
def _codec(encoding: str) -> str | None:
    found = webencodings.lookup(encoding)
    return None if found is None else str(found.codec_info.name)


@lru_cache(maxsize=16384)
def climbs_above_root(reference: str, base: str) -> bool:
    """True when ``reference``, as written, has more ``..`` segments than directories to pop
    when resolved against ``base``: the URL parser clamps it at ``/`` (likely an authoring
    mistake, warned about as ``above-root``). ``%2e`` counts as a dot and ``\\`` as a
    separator, as for the URL parser; ``..%2f`` is no dot segment (it is not clamped but names
    the file ``..%2f…``, which :meth:`Site.locate <push_manifest.site.Site.locate>` confines)."""
    return _climbs(reference.strip(" \t\n\f\r"), _path_of(base))


@lru_cache(maxsize=4096)
def _path_of(base: str) -> str:
    return str(URL(base).pathname)


def _climbs(reference: str, base_path: str) -> bool:
    """True when the path of ``reference``, a URL that resolves on this site's special ``http``
    origin, pops a segment above ``/``. This replays the WHATWG URL *path state* on segment
    level: ``\\`` separates as ``/`` does and ``%2e`` is a dot (URL Standard §4.4)."""
    text = reference.strip(_C0_OR_SPACE).translate(_TAB_OR_NEWLINE)
    if ".." not in text and "%2e" not in text.lower():
        return False
    text = re.split(r"[?#]", text, maxsplit=1)[0]
    scheme = _SCHEME.match(text)
    if scheme is not None:
        text = text[scheme.end() :]
    slashes = len(text) - len(text.lstrip("/\\"))
    if slashes >= 2:  # an authority: the path starts after the host
        rest = re.search(r"[/\\]", text[slashes:])
        text = text[slashes + rest.start() + 1 :] if rest else ""
        depth = 0
    elif slashes == 1:
        text = text[1:]
        depth = 0
    else:
        depth = max(base_path.count("/") - 1, 0)
    segments = re.split(r"[/\\]", text)
    for index, segment in enumerate(segments):
        lowered = segment.lower()
        if lowered in _DOTDOT:
            if depth == 0:
                return True
            depth -= 1
        elif lowered not in _DOT and (segment or index < len(segments) - 1):
            depth += 1
    return False


@lru_cache(maxsize=16384)
def manifest_key(url: str) -> str:
    """The manifest key of an absolute local URL: its path and query (``/a/b.css?v=2``).

    A path that starts with ``//`` (``..//cdn.example/x.css`` from ``/sub/``) would read as a
    scheme-relative URL, another host, wherever the key is used as a URL (``Link`` headers), so
    its leading slashes collapse to one: the file a static server maps it to anyway.
    """
    parsed = URL(url)
    path = str(parsed.pathname)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    return path + str(parsed.search)


def absolute(reference: str, base: str) -> str | None:
    """``reference`` parsed against ``base`` with any scheme (for ``<base href>``), or ``None``."""
    try:
        return str(URL(reference.strip(" \t\n\f\r"), base=base).href)
    except ValueError:
        return None
