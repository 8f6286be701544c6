"""Which ``@font-face`` rules Chromium downloads for the text a page renders (CSS Fonts 4 §5).

For each character a text run renders (ASCII whitespace aside), the run's ``font-family`` list
is walked in order (§5.3, per-character fallback):

- a generic family, a system font (``font: menu``) or an installed family draws the character:
  the walk stops;
- a family with ``@font-face`` rules: of its faces, the group with the best
  ``font-weight``/``font-style`` descriptors for the run is chosen (§5.2 step 4); in that
  group, faces are checked last-declared first (§4.5) and the first whose ``unicode-range``
  holds the character draws it: it is downloaded, unless one of its ``local()`` names is an
  installed font (then nothing is fetched). Either way the walk stops. Chromium does the same:
  ``FontFallbackIterator`` does not start a second load for a character that a loading face
  already covers (``AlreadyLoadingRangeForHintChar``), so an earlier-declared face whose range
  overlaps is not fetched for that character. When no face of the group holds the character,
  the walk goes on;
- any other family is not available and is skipped.

A web family shadows an installed font of the same name (Chromium's ``CSSFontSelector`` asks
the ``@font-face`` cache first). Family names compare ASCII case-insensitively. Faces are
assumed to have a glyph for every character of their ``unicode-range``; installed and generic
fonts are assumed to have every glyph (see :data:`DEFAULT_INSTALLED`).
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from push_manifest.crawl_options import DEFAULT_INSTALLED
from push_manifest.rendering.values import GENERIC_FAMILIES, SYSTEM

__all__ = [
    "DEFAULT_INSTALLED",
    "FaceUse",
    "FontFace",
    "TextRun",
    "faces_fetched",
    "parse_unicode_range",
]


@dataclass(frozen=True, slots=True)
class FontFace:
    """One ``@font-face`` rule, its descriptors as written.

    ``local_names``: the ``local()`` names of ``src`` listed before the ``url()`` that would be
    fetched; when one is installed, the font is found locally and nothing is downloaded.
    """

    family: str
    weight: str | None = None
    style: str | None = None
    unicode_range: str | None = None
    local_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TextRun:
    """Text one element renders, with its computed font properties.

    ``families``: the computed ``font-family`` list; generic keywords unquoted, a quoted name
    that spells a generic keeps its quotes (``'"serif"'`` is a family called serif).
    ``style``: ``normal``, ``italic``, ``oblique`` or ``oblique <angle>``.
    """

    families: tuple[str, ...]
    weight: float
    style: str
    text: str
    """The characters rendered; ASCII whitespace is ignored except U+0020, which stands for a
    line's strut: the caller passes it where an empty inline box needs its primary font, the
    face that covers a space (CSS Fonts 4 §5.3; Chromium loads it)."""


@dataclass(frozen=True, slots=True)
class FaceUse:
    """Whether a face is downloaded, and why, in words for ``--verbose``."""

    fetched: bool
    reason: str


_ASCII_WHITESPACE: Final = "\t\n\f\r "
_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_MAX_CODE_POINT: Final = 0x10FFFF
_SAMPLE: Final = 24
"""Characters quoted in a reason before it is cut."""


def _fold(name: str) -> str:
    return name.translate(_ASCII_LOWER)


# -- unicode-range -----------------------------------------------------------------------------

_URANGE: Final = re.compile(
    r"""[uU]\+(?:
        (?P<start>[0-9a-fA-F]{1,6})-(?P<end>[0-9a-fA-F]{1,6})
      | (?P<wild>[0-9a-fA-F?]{1,6})
    )""",
    re.VERBOSE,
)


@lru_cache(maxsize=4096)
def parse_unicode_range(text: str | None) -> tuple[tuple[int, int], ...] | None:
    """The code point ranges of a ``unicode-range`` descriptor (CSS Fonts 4 §4.5), sorted and
    merged; None for every code point: the descriptor is absent, or invalid and so ignored.

    ``<urange>#`` (CSS Syntax 3 §7.1): ``U+26`` (one code point), ``U+0-7F`` (an interval),
    ``U+4??`` (trailing ``?`` wildcards: U+400-4FF). Invalid: anything else, an interval whose
    start is after its end, a value past U+10FFFF.
    """
    if text is None:
        return None
    ranges: list[tuple[int, int]] = []
    for item in text.split(","):
        match = _URANGE.fullmatch(item.strip(" \t\n\r\f"))
        if match is None:
            return None
        wild = match["wild"]
        if wild is None:
            start, end = int(match["start"], 16), int(match["end"], 16)
        else:
            digits = wild.rstrip("?")
            if "?" in digits:
                return None
            start = int(wild.replace("?", "0"), 16)
            end = int(wild.replace("?", "F"), 16)
        if start > end or end > _MAX_CODE_POINT:
            return None
        ranges.append((start, end))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _format_range(ranges: tuple[tuple[int, int], ...] | None) -> str:
    if ranges is None:
        return "U+0-10FFFF"
    return ", ".join(
        f"U+{start:04X}" if start == end else f"U+{start:04X}-{end:04X}" for start, end in ranges
    )


# -- weight and style matching (CSS Fonts 4 §5.2 step 4) ---------------------------------------

_Face = tuple[tuple[float, float], str]
"""A face's weight range and style category: the key faces are grouped by."""


def _absolute_weight(value: str) -> float | None:
    if value in ("normal", "initial"):
        return 400
    if value == "bold":
        return 700
    try:
        number = float(value)
    except ValueError:
        return None
    return number if 1 <= number <= 1000 else None


def _style_category(value: str) -> str | None:
    """normal, italic or oblique for a style as written; None when unknown."""
    if value in ("normal", "initial"):
        return "normal"
    if value == "italic":
        return "italic"
    return "oblique" if value.startswith("oblique") else None


def _face_key(weight: str | None, style: str | None) -> _Face:
    """A face's ``font-weight`` and ``font-style`` descriptors (CSS Fonts 4 §4.5, §4.6);
    a missing or invalid one is ``normal``; ``auto`` is any weight."""
    low = high = 400.0
    words = _fold(weight or "normal").split()
    if words == ["auto"]:
        low, high = 1.0, 1000.0
    elif len(words) in (1, 2):
        bounds = [_absolute_weight(word) for word in words]
        if all(bound is not None for bound in bounds):
            numbers = [float(bound) for bound in bounds if bound is not None]
            low, high = min(numbers), max(numbers)
    return (low, high), _style_category(_fold(style or "normal").strip()) or "normal"


_STYLE_ORDER: Final = {
    "italic": ("italic", "oblique", "normal"),
    "oblique": ("oblique", "italic", "normal"),
    "normal": ("normal", "oblique", "italic"),
}


def _select(faces: set[_Face], weight: float, style: str | None) -> set[_Face]:
    """The face keys CSS Fonts 4 §5.2 step 4 picks for ``weight`` and ``style``: ``font-style``
    first (italic → oblique → normal; oblique → italic → normal; normal → oblique → italic),
    then ``font-weight``. An unknown style (None) may pick any. Ties all count."""
    chosen: set[_Face] = set()
    for wanted in _STYLE_ORDER if style is None else (style,):
        group = next(
            (
                [face for face in faces if face[1] == category]
                for category in _STYLE_ORDER[wanted]
                if any(face[1] == category for face in faces)
            ),
            [],
        )
        best = _closest_weight([face[0] for face in group], weight)
        chosen.update(face for face in group if face[0] in best)
    return chosen


def _closest_weight(ranges: list[tuple[float, float]], weight: float) -> set[tuple[float, float]]:
    """The weight ranges CSS Fonts 4 §5.2 step 4 ``font-weight`` picks for ``weight``: 400 to
    500 looks up to 500, then down, then up; below 400 down, then up; above 500 up, then down;
    a range is as near as its nearest end."""
    inside = {bounds for bounds in ranges if bounds[0] <= weight <= bounds[1]}
    if inside:
        return inside

    def above(limit: float = 1001) -> Iterator[set[tuple[float, float]]]:
        lows = [low for low, _ in ranges if weight < low <= limit]
        if lows:
            yield {bounds for bounds in ranges if bounds[0] == min(lows)}

    def below() -> Iterator[set[tuple[float, float]]]:
        highs = [high for _, high in ranges if high < weight]
        if highs:
            yield {bounds for bounds in ranges if bounds[1] == max(highs)}

    if 400 <= weight <= 500:
        order = [above(500), below(), above()]
    elif weight < 400:
        order = [below(), above()]
    else:
        order = [above(), below()]
    for step in order:
        for found in step:
            return found
    return set()


# -- the walk ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parsed:
    face: FontFace
    key: _Face
    ranges: tuple[tuple[int, int], ...] | None
    local: str | None
    """The installed font a ``local()`` source finds, if any."""


@dataclass(frozen=True, slots=True)
class _Table:
    """One group of faces (one key) as a map from code point to the face that draws it:
    ``owners[i]`` (a face index, or -1) from ``starts[i]`` to the next start."""

    starts: tuple[int, ...]
    owners: tuple[int, ...]

    def owner(self, code_point: int) -> int:
        at = bisect_right(self.starts, code_point) - 1
        return self.owners[at] if at >= 0 else -1


def _table(members: list[int], parsed: list[_Parsed]) -> _Table:
    """Sweep the members' ranges; where they overlap the last declared wins (CSS Fonts 4 §4.5)."""
    spans = sorted(
        (start, end, index)
        for index in members
        for start, end in parsed[index].ranges or ((0, _MAX_CODE_POINT),)
    )
    if all(spans[at][0] > spans[at - 1][1] for at in range(1, len(spans))):
        return _disjoint(spans)
    events: list[tuple[int, int, int]] = []  # (position, 0 = end / 1 = start, face index)
    for start, end, index in spans:
        events.append((start, 1, index))
        events.append((end + 1, 0, index))
    events.sort()
    active: dict[int, int] = {}
    heap: list[int] = []
    starts: list[int] = []
    owners: list[int] = []
    at = 0
    while at < len(events):
        position = events[at][0]
        while at < len(events) and events[at][0] == position:
            _, is_start, index = events[at]
            active[index] = active.get(index, 0) + (1 if is_start else -1)
            if is_start:
                heapq.heappush(heap, -index)
            at += 1
        while heap and active.get(-heap[0], 0) <= 0:
            heapq.heappop(heap)
        owner = -heap[0] if heap else -1
        if not owners or owners[-1] != owner:
            starts.append(position)
            owners.append(owner)
    return _Table(tuple(starts), tuple(owners))


def _disjoint(spans: list[tuple[int, int, int]]) -> _Table:
    """The table of sorted ranges that do not overlap (the usual subset split): no sweep."""
    starts: list[int] = []
    owners: list[int] = []
    for start, end, index in spans:
        if starts and starts[-1] == start:
            owners[-1] = index  # a gap of zero width
        else:
            starts.append(start)
            owners.append(index)
        starts.append(end + 1)
        owners.append(-1)
    return _Table(tuple(starts), tuple(owners))


@dataclass(slots=True)
class _Hit:
    """The first request that made a face draw characters, and the characters."""

    request: str
    chars: dict[str, None]


def faces_fetched(
    faces: Sequence[FontFace],
    runs: Iterable[TextRun],
    installed: frozenset[str] = DEFAULT_INSTALLED,
) -> tuple[FaceUse, ...]:
    """For each of ``faces`` (all the page's ``@font-face`` rules, in declaration order),
    whether Chromium downloads it to draw ``runs``, and why; one :class:`FaceUse` per face, in
    the same order. ``installed``: family names of installed fonts, any case. The walk is
    described in the module docstring.
    """
    faces = tuple(faces)
    have = frozenset(_fold(name) for name in installed)
    parsed, by_family = _parse_faces(faces, have)
    texts: dict[tuple[tuple[str, ...], float, str | None], list[str]] = {}
    for run in runs:
        if run.text:
            style = _style_category(_fold(run.style).strip())
            texts.setdefault((run.families, run.weight, style), []).append(run.text)

    tables: dict[tuple[str, float, str | None], tuple[list[int], tuple[_Table, ...]]] = {}

    def selection(family: str, weight: float, style: str | None) -> tuple[_Table, ...]:
        key = (family, weight, style)
        if key not in tables:
            members = by_family[family]
            chosen = _select({parsed[index].key for index in members}, weight, style)
            groups = [[i for i in members if parsed[i].key == face] for face in sorted(chosen)]
            tables[key] = (
                [i for group in groups for i in group],
                tuple(_table(group, parsed) for group in groups),
            )
        return tables[key][1]

    hits: dict[int, _Hit] = {}
    passed_over: dict[int, str] = {}  # face index → a request that picked other faces
    reached: list[tuple[list[int], str, list[str]]] = []  # (selected faces, request, chars)
    for (families, weight, style), parts in texts.items():
        chars = dict.fromkeys("".join(parts))
        # U+0020 stays: the caller passes it for an element that lays out a line, whose
        # primary font (the first that covers a space, CSS Fonts 4 §5.3) Chromium loads.
        remaining = [char for char in chars if char == " " or char not in _ASCII_WHITESPACE]
        request = f"{weight:g} {style or 'any style'}"
        for name in families:
            if not remaining:
                break
            family = _family_key(name)
            if family is None:
                break
            if family in by_family:
                group_tables = selection(family, weight, style)
                selected = tables[(family, weight, style)][0]
                for index in by_family[family]:
                    if index not in selected:
                        passed_over.setdefault(index, request)
                reached.append((selected, request, remaining))
                remaining = _draw(remaining, group_tables, hits, request)
            elif family in have:
                break

    return tuple(
        _use(index, parsed[index], hits, passed_over, reached) for index in range(len(faces))
    )


def _parse_faces(
    faces: Sequence[FontFace], have: frozenset[str]
) -> tuple[list[_Parsed], dict[str, list[int]]]:
    """The faces parsed (selection key, ``unicode-range``, an installed ``local()`` name),
    and their indexes by folded family name."""
    parsed: list[_Parsed] = []
    by_family: dict[str, list[int]] = {}
    for index, face in enumerate(faces):
        local = next((name for name in face.local_names if _fold(name) in have), None)
        key = _face_key(face.weight, face.style)
        parsed.append(_Parsed(face, key, parse_unicode_range(face.unicode_range), local))
        by_family.setdefault(_fold(face.family), []).append(index)
    return parsed, by_family


def _draw(
    remaining: list[str], tables: tuple[_Table, ...], hits: dict[int, _Hit], request: str
) -> list[str]:
    """Draw ``remaining`` characters with a family's selected faces (``tables``, best first):
    every face whose range covers a character is downloaded for it (``hits``); returns the
    characters none covers, for the next family."""
    left = []
    for char in remaining:
        code_point = ord(char)
        drawn = False
        for table in tables:
            owner = table.owner(code_point)
            if owner >= 0:
                drawn = True
                hits.setdefault(owner, _Hit(request, {})).chars[char] = None
        if not drawn:
            left.append(char)
    return left


def _family_key(name: str) -> str | None:
    """A ``font-family`` entry folded for lookup; None for a generic or system family, which
    draws everything. A quoted name is a family name even when it spells a generic."""
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        return _fold(name[1:-1])
    folded = _fold(name)
    if folded in GENERIC_FAMILIES or name in SYSTEM:
        return None
    return folded


def _sample(chars: Iterable[str]) -> str:
    """The distinct characters, in order of first use, quoted; cut after a few."""
    listed = list(chars)
    text = "".join(listed[:_SAMPLE])
    return f"'{text}…' ({len(listed)} characters)" if len(listed) > _SAMPLE else f"'{text}'"


def _use(
    index: int,
    face: _Parsed,
    hits: dict[int, _Hit],
    passed_over: dict[int, str],
    reached: list[tuple[list[int], str, list[str]]],
) -> FaceUse:
    name = f"'{face.face.family}'"
    span = _format_range(face.ranges)
    hit = hits.get(index)
    if hit is not None:
        what = f"{name} {hit.request} renders {_sample(hit.chars)} ({span})"
        if face.local is not None:
            return FaceUse(False, f"{what} with the installed font '{face.local}' (local())")
        return FaceUse(True, what)
    for selected, request, chars in reached:
        if index in selected:
            covered = [char for char in chars if _contains(face.ranges, ord(char))]
            if covered:
                return FaceUse(
                    False,
                    f"{name} {request}: {_sample(covered)} in its range ({span}) is drawn by a "
                    "later @font-face of the family whose unicode-range overlaps",
                )
    if index in passed_over:
        return FaceUse(
            False,
            f"text in {name} asks for {passed_over[index]}, which picks other faces than "
            f"{face.face.weight or 'normal'} {face.face.style or 'normal'}",
        )
    return FaceUse(False, f"no rendered text in {span} uses {name}")


def _contains(ranges: tuple[tuple[int, int], ...] | None, code_point: int) -> bool:
    if ranges is None:
        return True
    at = bisect_right(ranges, (code_point, _MAX_CODE_POINT + 1)) - 1
    return at >= 0 and ranges[at][0] <= code_point <= ranges[at][1]
