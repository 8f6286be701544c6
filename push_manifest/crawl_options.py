"""What a crawl is asked to model of the browser, and the defaults: apart from the crawler,
so that a run answered from the cache's record of an unchanged run never loads the crawler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from push_manifest.model import Viewport

__all__ = ["DEFAULT_INSTALLED", "MAX_PAGE_SIZE", "CrawlOptions"]

MAX_PAGE_SIZE = 64 * 1024 * 1024
"""The default :attr:`CrawlOptions.max_page_size`: 64 MiB. Browsers render pages of tens of
megabytes (single-page specifications, generated reports), so these are read; beyond, memory
decides. A crawl takes about 14 times a page's size (libxml2's tree, the selector index), 28
times for a data table with a class on every cell (``python -m bench.huge_page``), about 40
times a stylesheet's (tinycss2's tokens) and 50 times a module script's: 0.9 to 3 GB per
process at the limit, which a build machine has."""

DEFAULT_INSTALLED: Final = frozenset(
    {"arial", "helvetica", "times new roman", "times", "courier new", "courier"}
)
"""Families counted as installed: they draw every character, so a web font after them in a
``font-family`` list is not downloaded.

The set is conservative on purpose: a family wrongly counted as installed hides a download
(recall loss), a family wrongly left out only costs a push that may be unused. Each one
resolves to a real font in Chromium on every desktop and phone OS of 2026:

- Arial, Times New Roman, Courier New ship with Windows, macOS and iOS; on Linux and ChromeOS
  fontconfig maps them to the metric-compatible Liberation Sans, Serif, Mono (fonts-liberation)
  or Arimo, Tinos, Cousine, which Chromium accepts as replacements; Android's ``fonts.xml``
  aliases them to ``sans-serif``, ``serif`` and ``serif-monospace``.
- Helvetica, Times, Courier ship with macOS and iOS; elsewhere Blink's alternate-name table
  (Helvetica ⇄ Arial, Times ⇄ Times New Roman, Courier ⇄ Courier New), fontconfig's metric
  aliases and Android's ``fonts.xml`` aliases resolve them to the fonts above.

Left out: fonts of one vendor (Segoe UI, San Francisco, ``-apple-system``,
``BlinkMacSystemFont``, Helvetica Neue, Roboto), and Georgia, Verdana, Tahoma, Trebuchet MS,
which Linux without the Microsoft core fonts lacks.
"""


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """What the crawl models of the browser, and which optional references it keeps."""

    viewport: Viewport = field(default_factory=Viewport)
    include_lazy: bool = False
    """List what a browser loads only later or on demand: ``loading=lazy`` images, dynamic
    ``import()``, workers and ``new URL(…, import.meta.url)`` assets not started eagerly."""
    uniform_weights: bool = False
    """Weight 1 everywhere, as the npm tool wrote."""
    prune: bool = True
    """Leave out what this page's first render does not fetch: CSS images and fonts under media
    queries that do not match the viewport, CSS images of rules no element matches, and
    ``@font-face`` sources no element's font selects."""
    explain: bool = True
    """Record what was pruned and why (:attr:`PageManifest.pruned`, what ``--verbose``
    prints); a large site's reasons take much memory, so the CLI records them only then."""
    installed_fonts: frozenset[str] = DEFAULT_INSTALLED
    """Font families (lowercase) counted as installed on the visitors' devices: a web font
    after one of them in a ``font-family`` list is not downloaded, nor one whose ``src``
    starts with its ``local()`` (:mod:`push_manifest.rendering.fonts`)."""
    max_page_size: int | None = MAX_PAGE_SIZE
    """The largest page, or stylesheet, script or HTML import it loads, that is read, in
    bytes; a larger one is not read (its own URL is still listed, nothing it references is)
    and a ``too-large`` warning names it. ``None`` or 0: no limit."""
