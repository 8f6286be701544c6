"""nginx configuration (``--format nginx``): one ``location =`` block per page route.

Each block serves one exact URI with ``add_header Link`` lines. nginx matches locations against
the decoded, normalised URI, so the blocks name decoded paths. A route that is not the file's own
path (``/`` for ``/index.html``, ``/blog/post`` with extension-less routes) also says
``try_files /the/file.html =404``: the file is then served inside that block, whose headers
apply, instead of after an internal redirect to another location, whose headers would.

A path is written as nginx reads its configuration: quoted unless a plain word, with ``\\\\``,
``\\"`` and, for a newline, tab or carriage return in a file name, ``\\n``, ``\\t``, ``\\r``. A
path no string can hold (a byte that is not UTF-8, another control byte) or a ``try_files`` file
that would expand ``$`` gets a regex location instead, ``location ~ "^(?:/p\\\\xff\\\\.html)\\\\z"``
(``\\z``: ``$`` would also match before a final newline), whose capture names the file when it
is another one (``try_files $1index.html``). nginx checks regex locations after the exact and
prefix ones, so a regex location of the server's own that comes first and matches wins.

nginx has no 103 Early Hints of its own: ``early_hints`` (1.29+) only passes a proxied
backend's 103 on, so the output says so in a comment, as it does for ``http2_push_preload``
(which pushes the preloads, and exists only before nginx 1.25.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from push_manifest.headers import PageLinks, byte_regex, comment_text, file_path, path_bytes
from push_manifest.model import Manifest
from push_manifest.writers.base import WriterOptions

__all__ = ["write"]

_INDENT = "    "
_BARE = re.compile(r"[A-Za-z0-9/._~!*+,=:@%-]+")
# ngx_conf_read_token: inside quotes \\" \\' \\\\ are the character, \\n \\t \\r are LF TAB CR.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# The end of the subject: "$" would also match before a final newline.
_END = "\\z"
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _string(text: str, *, always: bool = False) -> str:
    """An nginx configuration argument, double-quoted unless it is a plain word."""
    if not always and _BARE.fullmatch(text):
        return text
    return '"' + "".join(_ESCAPES.get(char, char) for char in text) + '"'


def _text(raw: bytes) -> str | None:
    """``raw`` as text an nginx string can hold, or None (not UTF-8, or a control byte that has
    no escape)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if _UNWRITABLE.search(text) else text


def _value(value: str) -> str:
    # nginx expands "$name" in add_header values and has no escape for "$"; a server decodes
    # "%24" to the same file.
    return _string(value.replace("$", "%24"), always=True)


def _location(path: bytes, file: bytes) -> tuple[str, str | None] | None:
    """The ``location`` line that serves the request path ``path`` and, when the file is
    another one, the ``try_files`` line that serves ``file`` inside it; None when nginx
    cannot name them (a route whose file adds more than an ASCII tail to it)."""
    exact, named = _text(path), _text(file)
    if path == file:
        if exact is not None:
            return f"location = {_string(exact)} {{", None
        return f"location ~ {_string('^(?:' + byte_regex(path) + ')' + _END)} {{", None
    if exact is not None and named is not None and "$" not in named:
        return f"location = {_string(exact)} {{", f"try_files {_string(named)} =404;"
    tail = _text(file[len(path) :]) if file.startswith(path) else None
    if tail is None or "$" in tail:
        return None
    # nginx captures are $1 to $9, one digit: "$1index.html" is capture 1, then the name.
    location = f"location ~ {_string('^(' + byte_regex(path) + ')' + _END)} {{"
    return location, f"try_files {_string('$1' + tail, always=True)} =404;"


def _blocks(page: PageLinks) -> Iterator[str]:
    file = path_bytes(file_path(page.page))
    for route in page.routes:
        lines = _location(path_bytes(route), file)
        if lines is None:
            continue  # nginx cannot serve the file there: the file's own block still applies.
        location, try_files = lines
        yield location
        if try_files:
            yield f"{_INDENT}{try_files}"
        for link in page.links:
            yield f"{_INDENT}add_header Link {_value(link.value)};"
        yield "}"


def write(manifest: Manifest, options: WriterOptions, pages: Sequence[PageLinks]) -> Iterator[str]:
    """Yield the configuration: a header comment, then the blocks of every page with links
    (``pages``: their ``Link`` values)."""
    yield "# Preload headers by http2-push-manifest. Include this file inside a server { } block."
    yield "# A 'location =' block takes over its URI from your other locations, and its"
    yield "# add_header lines replace those inherited from the server level: repeat in it what"
    yield "# these pages also need (other headers, expires, ...)."
    yield "# nginx before 1.25.1 can also push these resources over HTTP/2:"
    yield "#     http2_push_preload on;"
    yield "# nginx 1.29+ 'early_hints' only passes a proxied backend's 103 Early Hints on to"
    yield "# clients; it does not make a 103 from these headers:"
    yield "#     early_hints $http2$http3;"
    for page in pages:
        if page.links:
            yield ""
            yield f"# {comment_text(page.page.key)}"
            yield from _blocks(page)
