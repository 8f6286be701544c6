"""The ``Link`` header value of each page (``--format link``).

Single-page manifest: one line, the field value itself, ready for
``Link: $(http2-push-manifest -f index.html --format link -m -)``. Several pages: one line per
page, its URL path, a tab, then its field value. Pages with nothing to preload are left out.

The value is the final response's (every parameter, ``nopush`` with ``--nopush``). With
``--early-hints`` it is the one to send in a 103 Early Hints response, or to give a server or
CDN that makes its 103 from the ``Link`` header: only the links that belong in a 103, in the
form Chromium acts on there (:func:`~push_manifest.headers.hint_value`; never ``nopush``,
``media``, ``imagesrcset``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from push_manifest.headers import PageLinks, file_path
from push_manifest.model import Manifest
from push_manifest.writers.base import WriterOptions

__all__ = ["write"]


def write(manifest: Manifest, options: WriterOptions, pages: Sequence[PageLinks]) -> Iterator[str]:
    """Yield one ``Link`` field value per page (``pages``: their ``Link`` values)."""
    single = manifest.single and len(pages) == 1
    for page in pages:
        if page.links:
            yield page.value if single else f"{file_path(page.page)}\t{page.value}"
