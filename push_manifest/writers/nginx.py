"""nginx configuration (``--format nginx``): one ``location =`` block per page route.

Each block serves one exact URI with ``add_header Link`` lines. nginx matches locations against
the decoded, normalised URI, so the blocks name decoded paths. A route that is not the file's own
path (``/`` for ``/index.html``, ``/blog/post`` with extension-less routes) also says
``try_files /the/file.html =404``: the file is then served inside that block, whose headers
apply, instead of after an internal redirect to another location, whose headers would.

nginx has no 103 Early Hints of its own: ``early_hints`` (1.29+) only passes a proxied
backend's 103 on, so the output says so in a comment, as it does for ``http2_push_preload``
(which pushes the preloads, and exists only before nginx 1.25.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from push_manifest.headers import PageLinks, file_path
from push_manifest.model import Manifest
from push_manifest.writers import WriterOptions, header_pages

__all__ = ["write"]

_INDENT = "    "
_BARE = re.compile(r"[A-Za-z0-9/._~!*+,=:@%-]+")


def _string(text: str, *, always: bool = False) -> str:
    """An nginx configuration argument, double-quoted unless it is a plain word."""
    if not always and _BARE.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(value: str) -> str:
    # nginx expands "$name" in add_header values and has no escape for "$"; a server decodes
    # "%24" to the same file.
    return _string(value.replace("$", "%24"), always=True)


def _blocks(page: PageLinks) -> Iterator[str]:
    file = unquote(file_path(page.page))
    for route in page.routes:
        path = unquote(route)
        if path != file and "$" in file:
            continue  # try_files would expand "$" too: the file's own block still applies.
        yield f"location = {_string(path)} {{"
        if path != file:
            yield f"{_INDENT}try_files {_string(file)} =404;"
        for link in page.links:
            yield f"{_INDENT}add_header Link {_value(link.value)};"
        yield "}"


def write(manifest: Manifest, options: WriterOptions) -> Iterator[str]:
    """Yield the configuration: a header comment, then the blocks of every page with links."""
    yield "# Preload headers by http2-push-manifest. Include this file inside a server { } block."
    yield "# A 'location =' block takes over its URI from your other locations, and its"
    yield "# add_header lines replace those inherited from the server level: repeat in it what"
    yield "# these pages also need (other headers, expires, ...)."
    yield "# nginx before 1.25.1 can also push these resources over HTTP/2:"
    yield "#     http2_push_preload on;"
    yield "# nginx 1.29+ 'early_hints' only passes a proxied backend's 103 Early Hints on to"
    yield "# clients; it does not make a 103 from these headers:"
    yield "#     early_hints $http2$http3;"
    for page in header_pages(manifest, options):
        if page.links:
            yield ""
            yield f"# {page.page.key}"
            yield from _blocks(page)
