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
    "format_warnings",
    "header_pages",
    "render",
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


Checker = Callable[[Manifest, WriterOptions], Iterable[CrawlWarning]]


def _formats() -> tuple[dict[str, Writer], dict[str, Checker]]:
    from push_manifest.writers import apache, cloudflare, firebase, link, netlify, nginx
    from push_manifest.writers import json as json_writer

    writers: dict[str, Writer] = {
        "json": json_writer.write,
        "link": link.write,
        "apache": apache.write,
        "nginx": nginx.write,
        "netlify": netlify.write,
        "cloudflare": cloudflare.write,
        "firebase": firebase.write,
    }
    return writers, {"cloudflare": cloudflare.warnings}


FORMATS: dict[str, Writer]
"""Output format name (``--format``) → writer."""
_HOST_LIMITS: dict[str, Checker]
"""Format → the warnings its host's documented limits give (formats whose host has some)."""
FORMATS, _HOST_LIMITS = _formats()

HEADER_FORMATS = frozenset(FORMATS) - {"json"}
"""The formats that write ``Link`` headers, to which :class:`WriterOptions` apply."""


def format_warnings(
    manifest: Manifest, fmt: str, options: WriterOptions | None = None
) -> tuple[CrawlWarning, ...]:
    """Every warning that writing ``manifest`` in format ``fmt`` gives: for a header format,
    :func:`budget_warnings`, then those of its host's limits (``cloudflare``: over 100 rules,
    a line over 2,000 characters). None for ``json``."""
    if fmt not in HEADER_FORMATS:
        return ()
    options = options or WriterOptions()
    check = _HOST_LIMITS.get(fmt)
    limits = tuple(check(manifest, options)) if check else ()
    return budget_warnings(manifest, options) + limits


def render(manifest: Manifest, fmt: str = "json", options: WriterOptions | None = None) -> str:
    """The full text of ``manifest`` in format ``fmt``, ending with a newline."""
    lines = FORMATS[fmt](manifest, options or WriterOptions())
    return "".join(line + "\n" for line in lines)
