"""The JSON push manifest (SPEC §2), as the npm ``http2-push-manifest`` tool wrote it.

Single-page: ``{"/css/app.css": {"type": "style", "weight": 256}, ...}``. Multi-page: the page's
root-relative path → a single-page object. 2-space indentation, entries in manifest order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from push_manifest.model import Manifest, PageManifest

__all__ = ["page_object", "write"]


def page_object(page: PageManifest) -> dict[str, dict[str, str | int]]:
    """The single-page JSON object of ``page``: URL → ``{type, weight[, crossorigin]}``."""
    out: dict[str, dict[str, str | int]] = {}
    for resource in page.resources:
        entry: dict[str, str | int] = {"type": str(resource.type), "weight": resource.weight}
        if resource.crossorigin is not None:
            entry["crossorigin"] = str(resource.crossorigin)
        out[resource.url] = entry
    return out


def write(manifest: Manifest, options: object = None) -> Iterator[str]:
    """Yield the lines of the JSON manifest."""
    if manifest.single and len(manifest.pages) == 1:
        data: object = page_object(manifest.pages[0])
    else:
        data = {page.key: page_object(page) for page in manifest.pages}
    yield from json.dumps(data, indent=2, ensure_ascii=False).splitlines()
