"""Apache httpd configuration (``--format apache``): one ``<LocationMatch>`` block per page.

Each block adds the page's ``Link`` preload headers to the final response (mod_headers
``Header add Link``, every parameter: :attr:`~push_manifest.headers.Link.final`), the links a
103 Early Hints response carries in the form Chromium acts on (mod_http2 ``H2EarlyHint``,
Apache 2.4.58+: :attr:`~push_manifest.headers.Link.hint`, never ``nopush``, ``media`` or
``imagesrcset``, which make Chromium drop the link), and ``H2PushResource`` for what mod_http2
would not push by itself. With ``H2Push on`` (its default) mod_http2 already pushes every
``rel=preload`` link of a response and of its 103 unless it says ``nopush``; ``rel=modulepreload``
links and resources no preload can describe are pushed only through ``H2PushResource``. Kept to
those, because mod_http2 also announces every ``H2PushResource`` in the 103 as a bare
``rel=preload`` without ``as``, which browsers ignore. With ``--nopush`` the final response's
links say ``nopush`` and each block turns ``H2Push off``: the 103's links cannot say it.

``<LocationMatch>`` with an anchored regex rather than ``<Location>``: ``<Location "/blog">``
would also match ``/blog/post``. The regex matches the decoded path (what Apache compares) of
the page file and of its routes: ``^/(?:index\\.html)?$``, ``^/blog/post(?:\\.html)?$`` with
extension-less routes. It is built on the path's bytes (:func:`~push_manifest.headers.byte_regex`:
a newline, another control byte or a byte that is not UTF-8 is ``\\xHH``), and every argument
is quoted the way ``ap_getword_conf`` reads it back: ``\\\\`` for a backslash, ``\\"`` for a quote.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence

from push_manifest.headers import (
    PageLinks,
    Routes,
    byte_regex,
    comment_text,
    file_path,
    path_bytes,
    uri_reference,
)
from push_manifest.model import Manifest
from push_manifest.writers.base import WriterOptions

__all__ = ["location_regex", "write"]

_INDENT = "    "


def _quote(text: str) -> str:
    """An Apache configuration argument in double quotes: ``ap_getword_conf`` reads ``\\\\`` as
    a backslash and ``\\"`` as a quote inside them."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _header_value(value: str) -> str:
    """``value`` as a mod_headers value string, which reads ``%`` as a format specifier
    (``%%`` writes a percent sign) and a backslash as an escape (``\\n`` writes a newline,
    ``\\\\`` a backslash)."""
    return value.replace("\\", "\\\\").replace("%", "%%")


def location_regex(url: str, routes: Routes = Routes.HTML) -> str:
    """The anchored PCRE that ``<LocationMatch>`` needs for the page file at ``url`` (a
    root-absolute, percent-encoded path) and the routes it is served at."""
    path = path_bytes(url)
    directory, name = posixpath.split(path)
    directory = directory.rstrip(b"/") + b"/"
    if re.fullmatch(rb"index\.html?", name):
        return f"^{byte_regex(directory)}(?:{byte_regex(name)})?$"
    stem, ext = posixpath.splitext(path)
    if routes is Routes.EXTENSIONLESS and ext.lower() in (b".html", b".htm"):
        return f"^{byte_regex(stem)}(?:{byte_regex(ext)})?$"
    return f"^{byte_regex(path)}$"


def _block(page: PageLinks, options: WriterOptions) -> list[str]:
    headers = [f"Header add Link {_quote(_header_value(link.final))}" for link in page.links]
    hints = [f"H2EarlyHint Link {_quote(link.hint)}" for link in page.links if link.hint]
    pushes: list[str]
    if options.nopush:
        # mod_http2 pushes the 103's preload links too, and those cannot say nopush.
        pushes = ["H2Push off"] if hints else []
    else:
        pushed = {link.resource.url for link in page.links if link.rel == "preload"}
        dropped = {link.resource.url for link in page.dropped}
        pushes = [
            f"H2PushResource {_quote(uri_reference(resource.url))}"
            for resource in page.page.resources
            if resource.url not in pushed and resource.url not in dropped
        ]
    if not (headers or hints or pushes):
        return []
    regex = location_regex(file_path(page.page), options.routes)
    lines = [f"# {comment_text(page.page.key)}", f"<LocationMatch {_quote(regex)}>"]
    lines += [_INDENT + line for line in headers]
    if hints or pushes:
        lines.append(_INDENT + "<IfModule http2_module>")
        lines += [_INDENT * 2 + line for line in pushes]
        if hints:
            lines.append(_INDENT * 2 + "<IfDirective H2EarlyHint>")
            lines += [_INDENT * 3 + line for line in hints]
            lines.append(_INDENT * 2 + "</IfDirective>")
        lines.append(_INDENT + "</IfModule>")
    lines.append("</LocationMatch>")
    return lines


def write(manifest: Manifest, options: WriterOptions, pages: Sequence[PageLinks]) -> Iterator[str]:
    """Yield the configuration: a header comment, ``H2EarlyHints on``, then one block per page
    (``pages``: the pages' ``Link`` values)."""
    yield "# Preload headers, HTTP/2 pushes and 103 Early Hints, by http2-push-manifest."
    yield "# Include this file in the server config or in a <VirtualHost>. Needs mod_headers;"
    yield "# mod_http2 (Protocols h2 h2c http/1.1) adds pushes and 103 Early Hints."
    if options.nopush:
        yield "# No server push: the final response's links say nopush, and H2Push is off where"
        yield "# a 103 carries links (a link in a 103 cannot say nopush: Chromium would drop it)."
    else:
        yield "# mod_http2 pushes each rel=preload link (H2Push on, its default); H2PushResource"
        yield "# pushes the rest. H2EarlyHint needs Apache 2.4.58+ and is skipped before."
    yield "<IfModule http2_module>"
    yield _INDENT + "H2EarlyHints on"
    yield "</IfModule>"
    for page in pages:
        block = _block(page, options)
        if block:
            yield ""
            yield from block
