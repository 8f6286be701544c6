"""Responsive image selection: the image a browser fetches for ``<img srcset sizes>``,
``<picture>`` and CSS ``image-set()`` in a given :class:`~push_manifest.model.Viewport`.

Parsing follows WHATWG HTML §4.8.4.3 "Images processing model" (parse a srcset attribute,
parse a sizes attribute). Where the specification leaves the choice of a candidate to the user
agent, this does what Chromium does (``HTMLSrcsetParser``, ``PickBestImageCandidate`` with
``SrcsetSelectionMatchesImageSet``, ``CSSImageSetValue::GetBestOption``): candidates sorted by
density, the first whose density reaches the device pixel ratio wins, else the densest.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import tinycss2

from push_manifest.media import length_in_px, media_condition_matches, media_matches
from push_manifest.model import Viewport

__all__ = [
    "SUPPORTED_IMAGE_TYPES",
    "ImageCandidate",
    "ImageSelection",
    "PictureSource",
    "parse_srcset",
    "select_density",
    "select_image",
    "select_picture",
    "source_size",
]


@dataclass(frozen=True, slots=True)
class ImageCandidate:
    """An image source of a source set: a URL as written, with at most one of a width
    descriptor (``w``) or a pixel density descriptor (``x``); neither means ``1x``."""

    url: str
    width: int | None = None
    density: float | None = None


@dataclass(frozen=True, slots=True)
class PictureSource:
    """The attributes of one ``<source>`` child of ``<picture>`` (``None``: absent)."""

    srcset: str
    sizes: str | None = None
    media: str | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class ImageSelection:
    """The URL a browser fetches, with the ``srcset``/``sizes`` of the element it came from
    (``<img>`` or ``<source>``), for ``imagesrcset``/``imagesizes`` preload headers."""

    url: str
    srcset: str | None = None
    sizes: str | None = None


SUPPORTED_IMAGE_TYPES = frozenset(
    {
        "image/apng",
        "image/avif",
        "image/bmp",
        "image/gif",
        "image/jpeg",
        "image/jpg",
        "image/jxl",
        "image/pjpeg",
        "image/png",
        "image/svg+xml",
        "image/vnd.microsoft.icon",
        "image/webp",
        "image/x-icon",
        "image/x-png",
        "image/x-xbitmap",
    }
)
"""MIME types for which Chromium uses a ``<source type>`` (measured on Chromium 156, which
decodes JPEG XL again); parameters after ``;`` are ignored, the essence is case-insensitive."""

_WHITESPACE = "\t\n\f\r "
_FLOAT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INT_MAX = 2**31 - 1


def _f32(value: float) -> float:
    """``value`` rounded to single precision, as Chromium stores densities and sizes."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _tokenize_descriptors(value: str, position: int) -> tuple[list[str], int]:
    """Steps 8.1-8.4: the descriptor tokenizer. Returns the descriptors and the position after
    them (past the comma that ends the candidate, if any)."""
    descriptors: list[str] = []
    # 8.1 Skip ASCII whitespace. 8.2 current descriptor is empty. 8.3 state is in descriptor.
    while position < len(value) and value[position] in _WHITESPACE:
        position += 1
    current = ""
    state = "in descriptor"
    # 8.4 Consume one character at a time according to the state.
    while True:
        c = value[position] if position < len(value) else None
        if state == "in descriptor":
            if c is None or c == ",":
                if current:
                    descriptors.append(current)
                return descriptors, position + (c is not None)
            if c in _WHITESPACE:
                if current:
                    descriptors.append(current)
                current = ""
                state = "after descriptor"
            else:
                current += c
                if c == "(":
                    state = "in parens"
        elif state == "in parens":
            if c is None:
                descriptors.append(current)
                return descriptors, position
            current += c
            if c == ")":
                state = "in descriptor"
        else:  # after descriptor
            if c is None:
                return descriptors, position
            if c not in _WHITESPACE:
                state = "in descriptor"
                position -= 1
        position += 1


def _candidate(url: str, descriptors: Sequence[str]) -> ImageCandidate | None:
    """Steps 9-15: the descriptor parser; None when the candidate is dropped."""
    # 9-12. error is no; width, density and future-compat-h are absent.
    width: int | None = None
    density: float | None = None
    height: int | None = None
    # 13. For each descriptor, by its last character.
    for descriptor in descriptors:
        number, kind = descriptor[:-1], descriptor[-1]
        if kind in ("w", "h"):
            # A valid non-negative integer, not zero (and fitting Chromium's int).
            if not number.isascii() or not number.isdigit():
                return None
            parsed = int(number)
            if parsed == 0 or parsed > _INT_MAX:
                return None
            if kind == "w":
                if width is not None or density is not None:
                    return None
                width = parsed
            else:
                if height is not None or density is not None:
                    return None
                height = parsed
        elif kind == "x":
            if width is not None or density is not None or height is not None:
                return None
            # A valid floating-point number, not negative (nor infinite once parsed).
            if not _FLOAT.fullmatch(number):
                return None
            parsed_density = float(number)
            if parsed_density < 0 or parsed_density == float("inf"):
                return None
            density = parsed_density
        else:
            return None
    # 14. A future-compat-h without a width is an error.
    if height is not None and width is None:
        return None
    # 15. Append the image source.
    return ImageCandidate(url, width, density)


@lru_cache(maxsize=8192)
def _parse_srcset(value: str) -> tuple[ImageCandidate, ...]:
    # 1-3. input, position at its start, candidates empty.
    candidates: list[ImageCandidate] = []
    position = 0
    while True:
        # 4. Splitting loop: skip whitespace and commas.
        while position < len(value) and value[position] in _WHITESPACE + ",":
            position += 1
        # 5. Past the end: done.
        if position >= len(value):
            return tuple(candidates)
        # 6. url is the run of non-whitespace. 7. descriptors is empty.
        start = position
        while position < len(value) and value[position] not in _WHITESPACE:
            position += 1
        url = value[start:position]
        descriptors: list[str] = []
        # 8. A url ending in commas ends the candidate; otherwise tokenize its descriptors.
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            descriptors, position = _tokenize_descriptors(value, position)
        # 9-15. Parse the descriptors, keep the candidate if valid. 16. Loop.
        candidate = _candidate(url, descriptors)
        if candidate is not None:
            candidates.append(candidate)


def parse_srcset(value: str) -> list[ImageCandidate]:
    """The image candidates of a ``srcset`` attribute (WHATWG HTML §4.8.4.3.10 "parse a srcset
    attribute"), in order. URLs may contain commas; candidates with invalid, duplicate or
    conflicting descriptors are dropped; ``h`` descriptors are checked and then ignored."""
    return list(_parse_srcset(value))


def _trim(tokens: list[tinycss2.ast.Node]) -> list[tinycss2.ast.Node]:
    start, end = 0, len(tokens)
    while start < end and tokens[start].type == "whitespace":
        start += 1
    while end > start and tokens[end - 1].type == "whitespace":
        end -= 1
    return tokens[start:end]


@lru_cache(maxsize=8192)
def _source_size(sizes: str, viewport: Viewport) -> float:
    entries: list[list[tinycss2.ast.Node]] = [[]]
    for token in tinycss2.parse_component_value_list(sizes, skip_comments=True):
        if token.type == "literal" and token.value == ",":
            entries.append([])
        else:
            entries[-1].append(token)
    for raw in entries:
        # 3.1 Trim whitespace; an empty entry is skipped.
        entry = _trim(raw)
        if not entry:
            continue
        # 3.2-3.3 A bare `auto` needs layout (the rendered width of a lazy image); Chromium
        # then stops with 100vw, and so do we.
        if len(entry) == 1 and entry[0].type == "ident" and entry[0].lower_value == "auto":
            break
        # The last component value is the size: a non-negative length (Chromium clamps a
        # negative math function to 0).
        size_token = entry[-1]
        if size_token.type == "function":
            size = length_in_px(size_token, viewport)
            size = max(size, 0.0) if size is not None else None
        else:
            size = length_in_px(size_token, viewport)
            size = size if size is not None and size >= 0 else None
        if size is None:
            continue
        # 3.4-3.6 What precedes it is a media condition (none: always true).
        condition = tinycss2.serialize(entry[:-1]).strip()
        if not condition or media_condition_matches(
            condition, viewport, unknown_features_match=False
        ):
            return _f32(size)
    # 4. Return 100vw.
    return _f32(viewport.width)


def source_size(sizes: str | None, viewport: Viewport) -> float:
    """The source size in CSS px of a ``sizes`` attribute in ``viewport`` (WHATWG HTML
    §4.8.4.3.11 "parse a sizes attribute"): the length of the first entry whose media condition
    matches; ``100vw`` when the attribute is absent or no entry applies. Entries whose length is
    invalid (a percentage, a unitless number, ``auto``) are skipped."""
    if sizes is None:
        return _f32(viewport.width)
    return _source_size(sizes, viewport)


def _is_data_url(url: str) -> bool:
    stripped = url.strip(_WHITESPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    return stripped[:5].lower() == "data:"


def _pick(
    candidates: Sequence[ImageCandidate], source_origin: int | None, size: float, dpr: float
) -> ImageCandidate | None:
    """Chromium's ``PickBestImageCandidate``. ``source_origin`` is the index of the ``src``
    candidate, which is dropped when any candidate has a width descriptor (HTML §4.8.4.3.5
    "update the source set")."""
    has_width = any(c.width is not None for c in candidates)
    densities: list[tuple[float, int, ImageCandidate]] = []
    for index, candidate in enumerate(candidates):
        if candidate.width is not None:
            density = _f32(_f32(candidate.width) / size) if size else float("inf")
        else:
            density = _f32(candidate.density) if candidate.density is not None else 1.0
        densities.append((density, index, candidate))
    densities.sort(key=lambda item: item[0])
    unique: list[tuple[float, ImageCandidate]] = []
    previous: float | None = None
    for density, index, candidate in densities:
        if density != previous and not (has_width and index == source_origin):
            unique.append((density, candidate))
        previous = density
    if not unique:
        return None
    winner = _pick_index([density for density, _ in unique], dpr)
    # A denser candidate already in memory is preferred; data: URLs always are.
    for index in range(len(unique) - 1, winner, -1):
        if _is_data_url(unique[index][1].url):
            return unique[index][1]
    return unique[winner][1]


def _pick_index(sorted_densities: Sequence[float], dpr: float) -> int:
    """The first density that reaches ``dpr``, else the last (the densest)."""
    target = _f32(dpr)
    for index, density in enumerate(sorted_densities[:-1]):
        if density >= target:
            return index
    return len(sorted_densities) - 1


def select_image(
    srcset: str | None, sizes: str | None, src: str | None, viewport: Viewport
) -> ImageSelection | None:
    """The image an ``<img>`` with these attributes (``None``: absent) loads in ``viewport``.

    The source set is ``srcset``'s candidates plus ``src`` as a ``1x`` candidate when it is not
    empty, no candidate has density 1 and none has a width descriptor (HTML §4.8.4.3.5); ``w``
    descriptors become densities through :func:`source_size`. Returns None when nothing is
    selectable (no ``src`` and no valid candidate, or the winner is a blank ``src``).
    """
    return _select_image(srcset, sizes, src, viewport)


@lru_cache(maxsize=8192)
def _select_image(
    srcset: str | None, sizes: str | None, src: str | None, viewport: Viewport
) -> ImageSelection | None:
    if srcset is None:
        if src is None or not src.strip(_WHITESPACE):
            return None
        return ImageSelection(src.strip(_WHITESPACE))
    candidates = list(_parse_srcset(srcset))
    source_origin: int | None = None
    if src:
        source_origin = len(candidates)
        candidates.append(ImageCandidate(src))
    size = source_size(sizes, viewport) if any(c.width for c in candidates) else 0.0
    winner = _pick(candidates, source_origin, size, viewport.dpr)
    if winner is None or not winner.url.strip(_WHITESPACE):
        return None
    has_srcset = bool(_parse_srcset(srcset))
    return ImageSelection(
        winner.url.strip(_WHITESPACE),
        srcset if has_srcset else None,
        sizes if has_srcset else None,
    )


def _type_supported(mime_type: str | None) -> bool:
    if mime_type is None:
        return True
    essence = mime_type.split(";", 1)[0].strip(_WHITESPACE).lower()
    return not essence or essence in SUPPORTED_IMAGE_TYPES


def select_picture(
    sources: Sequence[PictureSource],
    img_src: str | None,
    img_srcset: str | None,
    img_sizes: str | None,
    viewport: Viewport,
) -> ImageSelection | None:
    """The image a ``<picture>`` loads in ``viewport`` (HTML §4.8.4.3.5 "update the source
    set"): the first ``<source>`` (before the ``<img>``, in order) whose ``srcset`` has a
    valid candidate, whose ``type`` Chromium decodes (absent or empty: any) and whose
    ``media`` matches (absent or empty: always), picked with its own ``sizes``; otherwise the
    ``<img>`` as :func:`select_image` has it."""
    return _select_picture(tuple(sources), img_src, img_srcset, img_sizes, viewport)


@lru_cache(maxsize=8192)
def _select_picture(
    sources: tuple[PictureSource, ...],
    img_src: str | None,
    img_srcset: str | None,
    img_sizes: str | None,
    viewport: Viewport,
) -> ImageSelection | None:
    for source in sources:
        if not source.srcset or not _type_supported(source.type):
            continue
        if source.media is not None and not media_matches(
            source.media, viewport, unknown_features_match=False
        ):
            continue
        candidates = _parse_srcset(source.srcset)
        if not candidates:
            continue
        size = source_size(source.sizes, viewport) if any(c.width for c in candidates) else 0.0
        winner = _pick(candidates, None, size, viewport.dpr)
        if winner is None:
            continue
        return ImageSelection(winner.url, source.srcset, source.sizes)
    return _select_image(img_srcset, img_sizes, img_src, viewport)


def select_density(candidates: Sequence[tuple[str, float]], viewport: Viewport) -> str | None:
    """The URL CSS ``image-set()`` loads among ``(url, resolution in dppx)`` options whose
    ``type()`` is supported (css-images-4 §2.2): later options repeating a resolution are
    dropped, then the lowest resolution that reaches the device pixel ratio wins, else the
    highest. None when there are no options."""
    options = sorted(
        ((_f32(density), index, url) for index, (url, density) in enumerate(candidates)),
        key=lambda item: (item[0], item[1]),
    )
    unique: list[tuple[float, str]] = []
    for density, _, url in options:
        if not unique or unique[-1][0] != density:
            unique.append((density, url))
    if not unique:
        return None
    return unique[_pick_index([density for density, _ in unique], viewport.dpr)][1]
