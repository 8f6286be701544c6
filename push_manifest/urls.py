"""URL resolution (WHATWG URL Standard, via ada) and the local/external split (SPEC §4)."""

from __future__ import annotations

from functools import lru_cache

from ada_url import URL

from push_manifest.site import ORIGIN

_HOST = URL(ORIGIN).host


@lru_cache(maxsize=65536)
def resolve(reference: str, base: str) -> str | None:
    """The absolute URL ``reference`` names when resolved against ``base``, without its fragment.

    ``None`` when a browser would not fetch it from this site: empty and fragment-only references,
    other schemes (``data:``, ``blob:``, ``javascript:``, ``mailto:``, ``about:``, ``https:``),
    other hosts (``//cdn.example``), and strings the URL parser rejects.
    Leading and trailing ASCII whitespace is stripped, as HTML does for URL attributes.
    """
    stripped = reference.strip(" \t\n\f\r")
    if not stripped or stripped.startswith("#"):
        return None
    try:
        url = URL(stripped, base=base)
    except ValueError:
        return None
    if url.protocol != "http:" or url.host != _HOST:
        return None
    url.hash = ""
    return str(url.href)


def manifest_key(url: str) -> str:
    """The manifest key of an absolute local URL: its path and query (``/a/b.css?v=2``)."""
    parsed = URL(url)
    return str(parsed.pathname) + str(parsed.search)


def absolute(reference: str, base: str) -> str | None:
    """``reference`` parsed against ``base`` with any scheme (for ``<base href>``), or ``None``."""
    try:
        return str(URL(reference.strip(" \t\n\f\r"), base=base).href)
    except ValueError:
        return None
