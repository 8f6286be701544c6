"""What every writer shares: its options, its signature, and the ``Link`` values of the pages.

The writer modules import from here, and :mod:`push_manifest.writers` imports them: every
import points down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from push_manifest.headers import DEFAULT_HEADER_BUDGET, PageLinks, Routes, page_links
from push_manifest.model import CrawlWarning, Manifest, WarningCode

__all__ = [
    "Checker",
    "Routes",
    "Writer",
    "WriterOptions",
    "budget_warnings",
    "header_pages",
]


@dataclass(frozen=True, slots=True)
class WriterOptions:
    """Settings that shape header-style outputs; the JSON writer ignores them."""

    nopush: bool = False
    """Add ``nopush`` to the final response's link-values (preload only) and emit no push
    directives (Apache: ``H2Push off``). A 103 link never carries it."""
    early_hints: bool = False
    """Write only what belongs in a 103 Early Hints response, in the form Chromium acts on
    there (:func:`push_manifest.headers.hint_value`)."""
    header_budget: int = DEFAULT_HEADER_BUDGET
    """Per-page ``Link`` field value limit in bytes; lowest weights are dropped first. 0: none."""
    routes: Routes = Routes.HTML
    """How the server maps page files to URL paths."""


Writer = Callable[[Manifest, WriterOptions, Sequence[PageLinks]], Iterable[str]]
"""A writer: the manifest, the options and :func:`header_pages` of both (empty for ``json``,
which does not need them) → the output's lines, without newlines."""

Checker = Callable[[Manifest, WriterOptions], Iterable[CrawlWarning]]
"""The warnings a host's documented limits give for the output of a manifest."""


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


def budget_warnings(
    manifest: Manifest, options: WriterOptions, pages: Sequence[PageLinks] | None = None
) -> tuple[CrawlWarning, ...]:
    """One warning per page whose ``Link`` header had to drop resources to fit the budget.

    ``pages``: :func:`header_pages` of ``manifest`` and ``options`` when the caller has them.
    Only header formats apply the budget; the caller asks when it writes one of them.
    """
    warnings = []
    for page in header_pages(manifest, options) if pages is None else pages:
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
