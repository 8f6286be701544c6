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


def expand_pages(specs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The page files ``specs`` name, in order, each once.

    A directory means its ``index.html``; a glob pattern (``**`` recursive) expands to the files it
    matches, sorted. Raises :class:`InputError` for a missing page or a pattern matching nothing.
    """
    pages: list[Path] = []
    seen: set[str] = set()
    real_path = RealPaths()
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
    (``*`` within a name, ``**`` across directories, hidden names only when spelled), except
    that directory symlinks are never descended into: a link pointing out of the site must not
    make the tool list what lies behind it."""
    parts = pattern.split("/")
    literal = next((i for i, part in enumerate(parts) if is_pattern(part)), len(parts))
    base = "/".join(parts[:literal]) or ("/" if pattern.startswith("/") else ".")
    rest = tuple(parts[literal:])
    found: list[str] = []
    for directory, subdirs, files in os.walk(base, followlinks=False):
        relative = os.path.relpath(directory, base)
        prefix = () if relative == "." else tuple(relative.split(os.sep))
        subdirs[:] = [d for d in subdirs if not os.path.islink(os.path.join(directory, d))]
        for name in files:
            if _match(rest, (*prefix, name)):
                found.append(os.path.join(directory, name) if base != "." else
                             os.path.join(*prefix, name))  # fmt: skip
    return found


def _match(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Glob matching of path segments: ``**`` spans any number of directories."""
    if not pattern:
        return not path
    head, tail = pattern[0], pattern[1:]
    if head == "**":
        return any(_match(tail, path[i:]) for i in range(len(path) + 1))
    if not path or (path[0].startswith(".") and not head.startswith(".")):
        return False
    return fnmatch.fnmatchcase(path[0], head) and _match(tail, path[1:])


def default_root(pages: Sequence[Path]) -> Path:
    """The deepest directory that contains every page (a single page's own directory)."""
    if not pages:
        raise InputError("no pages given; pass -f PAGE")
    real_paths = RealPaths()
    return Path(os.path.commonpath([real_paths.directory(p.parent) for p in pages]))
