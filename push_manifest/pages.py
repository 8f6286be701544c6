"""Input pages: ``-f`` arguments (files, directories, glob patterns) and the default root."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path

from push_manifest.errors import InputError
from push_manifest.site import RealPaths

_GLOB_MAGIC = frozenset("*?[")


def is_pattern(spec: str) -> bool:
    """True when ``spec`` is a glob pattern rather than a path."""
    return any(char in _GLOB_MAGIC for char in spec)


def expand_pages(
    specs: Sequence[str | os.PathLike[str]], real_paths: RealPaths | None = None
) -> list[Path]:
    """The page files ``specs`` name, in order, each once (the same real file, by
    ``real_paths``).

    A directory means its ``index.html``; a glob pattern (``**`` recursive) expands to the files it
    matches, sorted. Raises :class:`InputError` for a missing page or a pattern matching nothing.
    """
    pages: list[Path] = []
    seen: set[str] = set()
    real_path = real_paths or RealPaths()
    for spec in specs:
        text = os.fspath(spec)
        if is_pattern(text):
            matches = sorted(m for m in _glob(text) if os.path.isfile(m))
            if not matches:
                raise InputError(f"no page matches {text!r}; check the pattern (quote it)")
            found = [Path(m) for m in matches]
        else:
            path = Path(text)
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                if path.exists():
                    raise InputError(
                        f"page {str(path)!r} is not a regular file (a FIFO, device or socket); "
                        "give -f an HTML file, a directory or a glob pattern"
                    )
                raise InputError(f"page {str(path)!r} does not exist; check the -f argument")
            found = [path]
        for path in found:
            real = real_path(path)
            if real not in seen:
                seen.add(real)
                pages.append(path)
    return pages


def _glob(pattern: str) -> list[str]:
    """The paths ``pattern`` matches, as :func:`glob.glob` with ``recursive=True`` finds them
    (``*`` within a name, ``**`` across directories, hidden names only when spelled, never
    through ``**``), except that directory symlinks are never descended into: a link pointing
    out of the site must not make the tool list what lies behind it. Only directories some
    part of the pattern can still match are walked."""
    parts = pattern.split("/")
    literal = next((i for i, part in enumerate(parts) if is_pattern(part)), len(parts))
    base = "/".join(parts[:literal]) or ("/" if pattern.startswith("/") else ".")
    rest = tuple(parts[literal:])
    found: list[str] = []
    reached = {base: _after(rest, {0})}
    for directory, subdirs, files in os.walk(base, followlinks=False):
        states = reached.pop(directory)
        shown = directory if base != "." else os.path.relpath(directory)
        kept = []
        for name in subdirs:
            path = os.path.join(directory, name)
            following = _step(rest, states, name)
            if following and not os.path.islink(path):
                reached[path] = following
                kept.append(name)
        subdirs[:] = kept
        for name in files:
            if len(rest) in _step(rest, states, name):
                found.append(name if shown == "." else os.path.join(shown, name))
    return found


def _step(pattern: tuple[str, ...], states: frozenset[int], name: str) -> frozenset[int]:
    """The parts of ``pattern`` reached (as :func:`_after`) once a path segment ``name``
    follows the ``states`` reached before it; ``len(pattern)``: the whole pattern."""
    hidden = name.startswith(".")
    reached: set[int] = set()
    for state in states:
        if state == len(pattern):
            continue
        part = pattern[state]
        if part == "**":
            if not hidden:
                reached.add(state)
        elif (not hidden or part.startswith(".")) and fnmatch.fnmatchcase(name, part):
            reached.add(state + 1)
    return _after(pattern, reached)


def _after(pattern: tuple[str, ...], states: set[int]) -> frozenset[int]:
    """``states`` (indexes of the next part of ``pattern`` to match), with those a ``**``
    reaches by matching no directory at all."""
    reached = set(states)
    for state in states:
        while state < len(pattern) and pattern[state] == "**":
            state += 1
            reached.add(state)
    return frozenset(reached)


def default_root(pages: Sequence[Path], real_paths: RealPaths | None = None) -> Path:
    """The deepest directory that contains every page (a single page's own directory)."""
    if not pages:
        raise InputError("no pages given; pass -f PAGE")
    real_paths = real_paths or RealPaths()
    return Path(os.path.commonpath([real_paths.directory(p.parent) for p in pages]))
