"""Writers: pure, deterministic functions from a :class:`Manifest` to text.

Each writer yields the output's lines (without newlines); :func:`render` joins them, and
:func:`write_output` also gives the warnings writing them met. Adding an output format is one
module plus one entry in :data:`FORMATS`. Header writers build their ``Link`` values with
:mod:`push_manifest.headers`, through :func:`~push_manifest.writers.base.header_pages`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from push_manifest.headers import PageLinks
from push_manifest.model import CrawlWarning, Manifest
from push_manifest.writers import apache, cloudflare, firebase, link, netlify, nginx
from push_manifest.writers import json as json_writer
from push_manifest.writers.base import (
    Checker,
    Routes,
    Writer,
    WriterOptions,
    budget_warnings,
    header_pages,
)

__all__ = [
    "FORMATS",
    "HEADER_FORMATS",
    "Output",
    "Routes",
    "Writer",
    "WriterOptions",
    "budget_warnings",
    "format_warnings",
    "header_pages",
    "render",
    "write_output",
]

FORMATS: dict[str, Writer] = {
    "json": json_writer.write,
    "link": link.write,
    "apache": apache.write,
    "nginx": nginx.write,
    "netlify": netlify.write,
    "cloudflare": cloudflare.write,
    "firebase": firebase.write,
}
"""Output format name (``--format``) → writer."""

_HOST_LIMITS: dict[str, Checker] = {"cloudflare": cloudflare.warnings}
"""Format → the warnings its host's documented limits give (formats whose host has some)."""

HEADER_FORMATS = frozenset(FORMATS) - {"json"}
"""The formats that write ``Link`` headers, to which :class:`WriterOptions` apply."""


@dataclass(frozen=True, slots=True)
class Output:
    """A manifest written in one format: the full text and the warnings writing it gave."""

    text: str
    """Every line, each ending with a newline."""
    warnings: tuple[CrawlWarning, ...]
    """:func:`format_warnings`: empty for ``json``."""


def write_output(manifest: Manifest, fmt: str, options: WriterOptions | None = None) -> Output:
    """``manifest`` in format ``fmt``, with the warnings writing it gives; the ``Link`` values
    of a header format are worked out once, for both."""
    options = options or WriterOptions()
    pages = header_pages(manifest, options) if fmt in HEADER_FORMATS else ()
    return Output(_text(manifest, fmt, options, pages), _warnings(manifest, fmt, options, pages))


def format_warnings(
    manifest: Manifest, fmt: str, options: WriterOptions | None = None
) -> tuple[CrawlWarning, ...]:
    """Every warning that writing ``manifest`` in format ``fmt`` gives: for a header format,
    :func:`budget_warnings`, then those of its host's limits (``cloudflare``: over 100 rules,
    a line over 2,000 characters). None for ``json``."""
    return _warnings(manifest, fmt, options or WriterOptions(), None)


def render(manifest: Manifest, fmt: str = "json", options: WriterOptions | None = None) -> str:
    """The full text of ``manifest`` in format ``fmt``, ending with a newline."""
    options = options or WriterOptions()
    pages = header_pages(manifest, options) if fmt in HEADER_FORMATS else ()
    return _text(manifest, fmt, options, pages)


def _text(manifest: Manifest, fmt: str, options: WriterOptions, pages: Sequence[PageLinks]) -> str:
    return "".join(line + "\n" for line in FORMATS[fmt](manifest, options, pages))


def _warnings(
    manifest: Manifest, fmt: str, options: WriterOptions, pages: Sequence[PageLinks] | None
) -> tuple[CrawlWarning, ...]:
    if fmt not in HEADER_FORMATS:
        return ()
    check = _HOST_LIMITS.get(fmt)
    limits = tuple(check(manifest, options)) if check else ()
    return budget_warnings(manifest, options, pages) + limits
