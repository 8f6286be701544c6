"""Input pages: ``-f`` arguments (files, directories, glob patterns) and the default root."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path

from push_manifest.errors import InputError

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
    for spec in specs:
        text = os.fspath(spec)
        if is_pattern(text):
            matches = sorted(m for m in glob.glob(text, recursive=True) if os.path.isfile(m))
            if not matches:
                raise InputError(f"no page matches {text!r}; check the pattern (quote it)")
            found = [Path(m) for m in matches]
        else:
            path = Path(text)
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                raise InputError(f"page {str(path)!r} does not exist; check the -f argument")
            found = [path]
        for path in found:
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                pages.append(path)
    return pages


def default_root(pages: Sequence[Path]) -> Path:
    """The deepest directory that contains every page (a single page's own directory)."""
    if not pages:
        raise InputError("no pages given; pass -f PAGE")
    return Path(os.path.commonpath([os.path.realpath(p.parent) for p in pages]))
