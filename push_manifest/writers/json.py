"""The JSON push manifest (SPEC §2), as the npm ``http2-push-manifest`` tool wrote it.

Single-page: ``{"/css/app.css": {"type": "style", "weight": 256}, ...}``. Multi-page: the page's
root-relative path → a single-page object. 2-space indentation, entries in manifest order:
byte for byte what ``json.dumps(..., indent=2, ensure_ascii=False)`` gives, written line by line
so that a manifest of millions of entries never exists as one object in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from push_manifest.model import Manifest, PageManifest, Resource

__all__ = ["page_object", "write"]


def page_object(page: PageManifest) -> dict[str, dict[str, str | int]]:
    """The single-page JSON object of ``page``: URL → ``{type, weight[, crossorigin]}``."""
    return {resource.url: _entry(resource) for resource in page.resources}


def _entry(resource: Resource) -> dict[str, str | int]:
    entry: dict[str, str | int] = {"type": str(resource.type), "weight": resource.weight}
    if resource.crossorigin is not None:
        entry["crossorigin"] = str(resource.crossorigin)
    return entry


def _page_lines(page: PageManifest, indent: str) -> Iterator[str]:
    """The lines of one single-page object whose opening brace is already written."""
    last = len(page.resources) - 1
    inner = indent + "  "
    for index, resource in enumerate(page.resources):
        yield f"{inner}{_string(resource.url)}: {{"
        yield f'{inner}  "type": {_string(str(resource.type))},'
        if resource.crossorigin is None:
            yield f'{inner}  "weight": {resource.weight}'
        else:
            yield f'{inner}  "weight": {resource.weight},'
            yield f'{inner}  "crossorigin": {_string(str(resource.crossorigin))}'
        yield f"{inner}}}" + ("," if index < last else "")


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write(manifest: Manifest, options: object = None, pages: object = ()) -> Iterator[str]:
    """Yield the lines of the JSON manifest."""
    if manifest.single and len(manifest.pages) == 1:
        page = manifest.pages[0]
        if not page.resources:
            yield "{}"
            return
        yield "{"
        yield from _page_lines(page, "")
        yield "}"
        return
    if not manifest.pages:
        yield "{}"
        return
    yield "{"
    last = len(manifest.pages) - 1
    for index, page in enumerate(manifest.pages):
        comma = "," if index < last else ""
        if not page.resources:
            yield f"  {_string(page.key)}: {{}}{comma}"
            continue
        yield f"  {_string(page.key)}: {{"
        yield from _page_lines(page, "  ")
        yield f"  }}{comma}"
    yield "}"
