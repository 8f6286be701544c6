"""The benchmark's "warm + 1% pages edited" run: which pages it edits, how, and the restore.

:func:`edited` inserts a paragraph right after the ``<body ...>`` tag of a seeded 1% of a site's
pages (at least one), so each edited file changes bytes and size, and puts the original bytes
and modification times back afterwards, whatever happened in between. While the pages are
edited the site's marker (:data:`bench.gen_site.MARKER`) is moved aside: a run killed in the
middle leaves a site that :func:`bench.gen_site.ensure_site` regenerates instead of reusing.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path

from bench.gen_site import MARKER, WORDS

EDIT_FRACTION = 0.01
BODY_TAG = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def pages_to_edit(site: Path, seed: int, fraction: float = EDIT_FRACTION) -> list[Path]:
    """A ``fraction`` of the site's ``.html`` files (rounded, at least one), sorted; the same
    site and seed always give the same pages."""
    pages = sorted(site.rglob("*.html"))
    if not pages:
        return []
    count = max(1, round(len(pages) * fraction))
    rng = random.Random(f"{seed}:edit:{len(pages)}")
    return sorted(rng.sample(pages, count))


def edit_html(data: bytes, rng: random.Random) -> bytes:
    """``data`` with a paragraph of words inserted after its ``<body>`` tag (at the start when it
    has none): always longer, so the bytes and the size change."""
    words = " ".join(rng.choices(WORDS, k=rng.randint(8, 24)))
    paragraph = f'\n<p class="bench-edit">Edited: {words}.</p>\n'.encode()
    body = BODY_TAG.search(data)
    at = body.end() if body else 0
    return data[:at] + paragraph + data[at:]


@contextlib.contextmanager
def edited(site: Path, pages: list[Path], seed: int) -> Iterator[list[Path]]:
    """Edit ``pages`` of ``site`` (:func:`edit_html`) for the ``with`` block, then restore their
    bytes and times and the site's marker."""
    marker = site / MARKER
    saved = {page: (page.read_bytes(), page.stat()) for page in [*pages, marker] if page.is_file()}
    rng = random.Random(f"{seed}:edit-text")
    marker.unlink(missing_ok=True)
    try:
        for page in pages:
            page.write_bytes(edit_html(saved[page][0], rng))
        yield pages
    finally:
        for path, (data, stat) in saved.items():
            path.write_bytes(data)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
