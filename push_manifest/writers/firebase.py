"""Firebase Hosting headers (``--format firebase``): the ``hosting.headers`` part of
``firebase.json``, to merge into the project's own.

Each page route gets ``{"source": "/path", "headers": [{"key": "Link", "value": "…"}]}``
(Firebase "Configure Hosting behavior": headers), its links joined into one value. ``source`` is
a glob; a route holding a glob character gets an anchored ``regex`` instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

from push_manifest.headers import PageLinks
from push_manifest.model import Manifest
from push_manifest.writers.base import WriterOptions

__all__ = ["header_rules", "write"]

_GLOB = re.compile(r"[*?\[\]{}()!+@\\]")


def header_rules(pages: Sequence[PageLinks]) -> list[dict[str, object]]:
    """The ``hosting.headers`` entries of ``pages`` (their ``Link`` values), one per page
    route, in manifest order."""
    rules: list[dict[str, object]] = []
    for page in pages:
        if not page.links:
            continue
        for route in page.routes:
            match = {"regex": f"^{re.escape(route)}$"} if _GLOB.search(route) else {"source": route}
            rules.append({**match, "headers": [{"key": "Link", "value": page.value}]})
    return rules


def write(manifest: Manifest, options: WriterOptions, pages: Sequence[PageLinks]) -> Iterator[str]:
    """Yield ``{"hosting": {"headers": [...]}}`` as 2-space indented JSON (``pages``: the
    pages' ``Link`` values)."""
    data = {"hosting": {"headers": header_rules(pages)}}
    yield from json.dumps(data, indent=2, ensure_ascii=False).splitlines()
