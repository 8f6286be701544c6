"""Writers: pure, deterministic functions from a :class:`Manifest` to text.

Each writer yields the output's lines (without newlines); :func:`render` joins them. Adding an
output format is one module plus one entry in :data:`FORMATS`. Header writers build their
``Link`` values with :mod:`push_manifest.headers`, through :func:`header_pages`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from push_manifest.headers import DEFAULT_HEADER_BUDGET, PageLinks, Routes, page_links
from push_manifest.model import CrawlWarning, Manifest, WarningCode

__all__ = [
    "FORMATS",
    "HEADER_FORMATS",
    "Routes",
    "Writer",
    "WriterOptions",
    "budget_warnings",
    "header_pages",
    "render",
]


@dataclass(frozen=True, slots=True)
class WriterOptions:
    """Settings that shape header-style outputs; the JSON writer ignores them."""

    nopush: bool = False
    """Add ``nopush`` to every link-value (preload only) and emit no push directives."""
    early_hints: bool = False
    """Keep only the links browsers act on in a 103 Early Hints response."""
    header_budget: int = DEFAULT_HEADER_BUDGET
    """Per-page ``Link`` field value limit in bytes; lowest weights are dropped first. 0: none."""
    routes: Routes = Routes.HTML
    """How the server maps page files to URL paths."""


Writer = Callable[[Manifest, WriterOptions], Iterable[str]]


def header_pages(manifest: Manifest, options: WriterOptions) -> tuple[PageLinks, ...]:
    """The ``Link`` values of every page under ``options``, in manifest order."""
    return tuple(
        page_links(
            page,
            routes=options.routes,
            nopush=options.nopush,
            early_hints=options.early_hints,
            budget=options.header_budget,
        )
        for page in manifest.pages
    )


def budget_warnings(manifest: Manifest, options: WriterOptions) -> tuple[CrawlWarning, ...]:
    """One warning per page whose ``Link`` header had to drop resources to fit the budget.

    Only header formats apply the budget; the caller asks when it writes one of them.
    """
    warnings = []
    for page in header_pages(manifest, options):
        if page.dropped:
            urls = " ".join(link.resource.url for link in page.dropped)
            warnings.append(
                CrawlWarning(
                    code=WarningCode.BUDGET,
                    document=page.page.key,
                    message=(
                        f"Link header over {options.header_budget} bytes: dropped "
                        f"{len(page.dropped)} lowest-weight resource(s): {urls}"
                    ),
                )
            )
    return tuple(warnings)


def _formats() -> dict[str, Writer]:
    from push_manifest.writers import apache, firebase, link, netlify, nginx
    from push_manifest.writers import json as json_writer

    return {
        "json": json_writer.write,
        "link": link.write,
        "apache": apache.write,
        "nginx": nginx.write,
        "netlify": netlify.write,
        "firebase": firebase.write,
    }


FORMATS: dict[str, Writer] = _formats()
"""Output format name (``--format``) → writer."""

HEADER_FORMATS = frozenset(FORMATS) - {"json"}
"""The formats that write ``Link`` headers, to which :class:`WriterOptions` apply."""


def render(manifest: Manifest, fmt: str = "json", options: WriterOptions | None = None) -> str:
    """The full text of ``manifest`` in format ``fmt``, ending with a newline."""
    lines = FORMATS[fmt](manifest, options or WriterOptions())
    return "".join(line + "\n" for line in lines)
