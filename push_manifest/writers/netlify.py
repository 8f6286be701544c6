"""A Netlify ``_headers`` file (``--format netlify``): one literal rule per page route.

Grammar (Netlify "Custom headers", docs.netlify.com/routing/headers/): a line holding a URL path
starts a rule; the indented ``Name: value`` lines under it are that path's headers; ``#`` starts
a comment line. A header name given on several lines sends all the values, joined with ``, ``,
so each link-value gets its own ``Link:`` line. Netlify documents no limit on the number of
rules or the length of a line. Cloudflare Pages reads the same syntax but allows 100 rules and
2,000 characters a line, and serves pages at extension-less URLs: ``--format cloudflare``
(:mod:`push_manifest.writers.cloudflare`) writes for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from push_manifest.headers import PageLinks, comment_text
from push_manifest.model import Manifest
from push_manifest.writers.base import WriterOptions

__all__ = ["rule_path", "write"]


def rule_path(route: str) -> str:
    """``route`` as a literal rule path: ``*`` (a splat) and a segment-leading ``:`` (a
    placeholder) are percent-encoded so that they match only themselves."""
    return re.sub(r"(?<=/):", "%3A", route.replace("*", "%2A"))


def write(manifest: Manifest, options: WriterOptions, pages: Sequence[PageLinks]) -> Iterator[str]:
    """Yield the ``_headers`` rules: one per page route, one ``Link`` line per link-value
    (``pages``: the pages' ``Link`` values)."""
    yield "# Preload headers by http2-push-manifest: save as _headers in the publish directory"
    yield "# (Netlify; for Cloudflare Pages, use --format cloudflare)."
    for page in pages:
        if not page.links:
            continue
        yield ""
        yield f"# {comment_text(page.page.key)}"
        for route in page.routes:
            yield rule_path(route)
            for link in page.links:
                yield f"  Link: {link.value}"
