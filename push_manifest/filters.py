"""Per-page filters and budgets applied to a crawled manifest (``--include``, ``--exclude``,
``--types``, ``--max-depth``, ``--max-resources``, ``--budget``).

:func:`apply_filters` never prints and never raises on content: what it leaves out comes back
as :class:`Cut` values, so the caller can report them (``--verbose``). Sizes for the budget are
file sizes on disk, found through :class:`~push_manifest.site.Site`, so nothing outside the
root is ever looked at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from urllib.parse import unquote

from push_manifest.model import Destination, Manifest, PageManifest, Resource
from push_manifest.site import ORIGIN, FileState, Site

__all__ = [
    "Cut",
    "CutReason",
    "FilterOptions",
    "apply_filters",
    "glob_match",
    "parse_size",
    "parse_types",
]

UNTYPED = "none"
"""How ``--types`` names the empty destination (``"type": ""``)."""


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """What to keep of each page's resources. The defaults keep everything."""

    include: tuple[str, ...] = ()
    """Glob patterns on the URL path; when any is given, only matching resources are kept."""
    exclude: tuple[str, ...] = ()
    """Glob patterns on the URL path; matching resources are dropped (exclude beats include)."""
    types: frozenset[Destination] | None = None
    """Fetch destinations to keep; ``None`` keeps every type."""
    max_depth: int | None = None
    """Keep resources found at most this many documents away (1: referenced by the page)."""
    max_resources: int | None = None
    """Keep at most this many resources per page, the highest-weight ones."""
    budget: int | None = None
    """Keep, in manifest order, each resource whose file still fits in this many bytes per
    page. Files that do not exist on disk count 0 bytes."""

    @property
    def active(self) -> bool:
        """True when any filter would apply."""
        return bool(
            self.include
            or self.exclude
            or self.types is not None
            or self.max_depth is not None
            or self.max_resources is not None
            or self.budget is not None
        )


class CutReason(StrEnum):
    """Which filter left a resource out."""

    NOT_INCLUDED = "not-included"
    EXCLUDED = "excluded"
    TYPE = "type"
    DEPTH = "max-depth"
    MAX_RESOURCES = "max-resources"
    BUDGET = "budget"


@dataclass(frozen=True, slots=True)
class Cut:
    """A resource left out of one page's manifest, and why."""

    page: str
    """The page key (``blog/post.html``)."""
    resource: Resource
    reason: CutReason
    detail: str
    """A short human explanation (the pattern that matched, the bytes that did not fit…)."""

    def __str__(self) -> str:
        return f"{self.page}: cut {self.resource.url}: {self.detail} [{self.reason}]"


def apply_filters(
    manifest: Manifest,
    options: FilterOptions,
    root: Site | str | os.PathLike[str] | None = None,
) -> tuple[Manifest, tuple[Cut, ...]]:
    """``manifest`` with each page's resources filtered by ``options``, and what was cut.

    Selection runs first (``exclude``, ``include``, ``types``, ``max_depth``); then the limits
    walk the survivors in manifest order (highest weight first) and keep each resource while
    fewer than ``max_resources`` are kept and its file still fits in what is left of
    ``budget``. A resource too big for the rest of the budget is cut and smaller, later ones
    may still fit. ``root`` (the site root) is needed only for ``budget``; the warnings and
    the format of ``manifest`` are kept as they are.
    """
    if not options.active:
        return manifest, ()
    site: Site | None = None
    if options.budget is not None:
        if root is None:
            raise ValueError("a budget needs the site root to measure files")
        site = root if isinstance(root, Site) else Site(root)
    sizes: dict[str, int] = {}
    pages: list[PageManifest] = []
    cuts: list[Cut] = []
    for page in manifest.pages:
        kept, page_cuts = _filter_page(page, options, site, sizes)
        pages.append(replace(page, resources=kept))
        cuts.extend(page_cuts)
    return replace(manifest, pages=tuple(pages)), tuple(cuts)


def _filter_page(
    page: PageManifest, options: FilterOptions, site: Site | None, sizes: dict[str, int]
) -> tuple[tuple[Resource, ...], list[Cut]]:
    cuts: list[Cut] = []
    selected: list[Resource] = []
    for resource in page.resources:
        reason = _selection_cut(resource, options)
        if reason is None:
            selected.append(resource)
        else:
            cuts.append(Cut(page.key, resource, *reason))
    kept: list[Resource] = []
    used = 0
    for resource in selected:
        if options.max_resources is not None and len(kept) >= options.max_resources:
            cuts.append(
                Cut(page.key, resource, CutReason.MAX_RESOURCES,
                    f"over --max-resources {options.max_resources}")
            )  # fmt: skip
            continue
        if site is not None and options.budget is not None:
            size = _size(site, resource.url, sizes)
            if used + size > options.budget:
                cuts.append(
                    Cut(page.key, resource, CutReason.BUDGET,
                        f"{size} bytes do not fit in the {options.budget - used} bytes left of "
                        f"--budget {options.budget}")
                )  # fmt: skip
                continue
            used += size
        kept.append(resource)
    return tuple(kept), cuts


def _selection_cut(resource: Resource, options: FilterOptions) -> tuple[CutReason, str] | None:
    path = resource.url.split("?", 1)[0]
    for pattern in options.exclude:
        if glob_match(pattern, path):
            return CutReason.EXCLUDED, f"matches --exclude {pattern!r}"
    if options.include and not any(glob_match(p, path) for p in options.include):
        listed = " ".join(repr(p) for p in options.include)
        return CutReason.NOT_INCLUDED, f"matches no --include ({listed})"
    if options.types is not None and resource.type not in options.types:
        return CutReason.TYPE, f"type {_type_name(resource.type)!r} is not in --types"
    if options.max_depth is not None and resource.depth > options.max_depth:
        return CutReason.DEPTH, f"depth {resource.depth} is over --max-depth {options.max_depth}"
    return None


def _size(site: Site, url: str, cache: dict[str, int]) -> int:
    """Bytes on disk of the file ``url`` names; 0 when there is none (a generated endpoint)."""
    path = url.split("?", 1)[0]
    if path not in cache:
        located = site.locate(ORIGIN + path)
        size = 0
        if located.state is FileState.FILE and located.path is not None:
            try:
                size = located.path.stat().st_size
            except OSError:
                size = 0
        cache[path] = size
    return cache[path]


def glob_match(pattern: str, path: str) -> bool:
    """True when the URL path ``path`` matches the glob ``pattern``.

    ``*`` and ``?`` match within one path segment, ``**`` across segments (``/img/**``,
    ``/a/**/b.png``), ``[abc]`` / ``[!abc]`` one character of a set. A pattern starting with
    ``/`` is anchored at the root; any other pattern may match the path's last segments
    (``*.png`` matches every PNG, ``vendor/*.js`` every ``…/vendor/x.js``). The path is tried as
    written (percent-encoded) and percent-decoded.
    """
    regex = _compile(pattern)
    if regex.fullmatch(path):
        return True
    decoded = unquote(path)
    return decoded != path and regex.fullmatch(decoded) is not None


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str]:
    parts: list[str] = [] if pattern.startswith("/") else ["(?:.*/)?"]
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif char == "*":
            parts.append("[^/]*")
            i += 1
        elif char == "?":
            parts.append("[^/]")
            i += 1
        elif char == "[" and (end := _class_end(pattern, i)) > 0:
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            escaped = "".join(c if c == "-" else re.escape(c) for c in body)
            parts.append(f"[^/{escaped}]" if negate else f"[{escaped}]")
            i = end + 1
        else:
            parts.append(re.escape(char))
            i += 1
    return re.compile("".join(parts), re.DOTALL)


def _class_end(pattern: str, start: int) -> int:
    """Index of the ``]`` closing the class opened at ``start``, or -1 (then ``[`` is literal)."""
    j = start + 1
    if j < len(pattern) and pattern[j] == "!":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    return pattern.find("]", j)


def parse_types(values: Iterable[str]) -> frozenset[Destination]:
    """The destinations named by ``values`` (each may be a comma- or space-separated list).

    Names are the manifest's ``type`` values; ``none`` names the empty type. Raises
    ``ValueError`` naming an unknown type and the valid ones.
    """
    known = {_type_name(d): d for d in Destination}
    found: set[Destination] = set()
    for value in values:
        for name in re.split(r"[\s,]+", value.strip()):
            if not name:
                continue
            destination = known.get(name.lower())
            if destination is None:
                valid = ", ".join(sorted(known))
                raise ValueError(f"unknown type {name!r}; choose from {valid}")
            found.add(destination)
    if not found:
        raise ValueError("no type given")
    return frozenset(found)


def _type_name(destination: Destination) -> str:
    return destination.value or UNTYPED


_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kKmMgG]i?)?[bB]?")
_UNITS = {"": 1, "k": 1000, "ki": 1024, "m": 1000**2, "mi": 1024**2, "g": 1000**3, "gi": 1024**3}


def parse_size(text: str | int) -> int:
    """Bytes from ``text``: ``14000``; ``14k``, ``14kB``, ``1M``, ``1G`` (powers of 1000);
    ``16KiB``, ``1MiB`` (powers of 1024). Raises ``ValueError`` for anything else."""
    if isinstance(text, int) and not isinstance(text, bool):
        if text < 0:
            raise ValueError(f"{text} is negative")
        return text
    match = _SIZE.fullmatch(str(text).strip())
    if match is None:
        raise ValueError(f"{text!r} is not a size in bytes (like 14000, 14kB or 16KiB)")
    number, unit = match.groups()
    return int(float(number) * _UNITS[(unit or "").lower()])
