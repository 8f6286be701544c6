"""URL resolution (WHATWG URL Standard, via ada) and the local/external split (SPEC §4)."""

from __future__ import annotations

import re
from functools import lru_cache

from ada_url import URL, join_url

from push_manifest.site import ORIGIN

_HOST = URL(ORIGIN).host
_LOCAL = ORIGIN + "/"

ESCAPED = ORIGIN + "/%2E%2E%2F"
"""The prefix of what :func:`resolve` returns for a reference that leaves the root: its path
starts with an encoded ``../``, which :meth:`Site.locate <push_manifest.site.Site.locate>` reports
as outside the root, so the crawl excludes it with a warning."""

_DRIVE = re.compile(r"[A-Za-z]:[/\\]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_DOT = frozenset({".", "%2e"})
_DOTDOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = dict.fromkeys(map(ord, "\t\n\r"))


@lru_cache(maxsize=16384)
def resolve(reference: str, base: str) -> str | None:
    """The absolute URL ``reference`` names when resolved against ``base``, without its fragment.

    ``None`` when a browser would not fetch it from this site: empty and fragment-only references,
    other schemes (``data:``, ``blob:``, ``javascript:``, ``mailto:``, ``about:``, ``https:``),
    other hosts (``//cdn.example``), and strings the URL parser rejects.
    Leading and trailing ASCII whitespace is stripped, as HTML does for URL attributes.

    A reference that names a file outside the site resolves to a URL under :data:`ESCAPED`:
    ``file:`` URLs, Windows drive paths (``C:\\x``, which the URL parser takes for a one-letter
    scheme) and paths whose ``..`` segments climb above the root (``../../etc/passwd`` from a
    page at the root). A browser clamps such a path at ``/``, but what the author meant is a
    file outside the root (SPEC §4), so it is reported, never listed.
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
    if _climbs(stripped, _path_of(base)):
        url = URL(href)
        return ESCAPED + str(url.pathname).lstrip("/") + str(url.search)
    return href


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
