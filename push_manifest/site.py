"""The site: its root directory, the URL ⇄ file mapping, and every read of a file.

All file access of a crawl goes through :class:`Site`, which never opens, reads or lists anything
that does not lie inside the root once symbolic links are resolved.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

from ada_url import URL

from push_manifest.errors import InputError

ORIGIN = "http://site.invalid"
"""The made-up origin a site is crawled under: every local URL is same-origin with it."""

_PATH_SAFE = "/!$&'()*+,;=:@~"


class FileState(Enum):
    """What a URL path points at inside the site."""

    FILE = "file"
    MISSING = "missing"
    OUTSIDE = "outside"
    DIRECTORY = "directory"


@dataclass(frozen=True, slots=True)
class Located:
    """The outcome of mapping a URL path to the file system."""

    state: FileState
    path: Path | None = None
    """The real (symlink-free) path, for :attr:`FileState.FILE` only."""


class Site:
    """A static site rooted at a directory.

    URLs are absolute under :data:`ORIGIN`; a URL's path ``/a/b.css`` is the file ``root/a/b.css``.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        given = Path(root)
        if not given.exists():
            raise InputError(f"root directory {str(given)!r} does not exist; pass --root DIR")
        if not given.is_dir():
            raise InputError(f"root {str(given)!r} is not a directory; pass --root DIR")
        self.root = Path(os.path.realpath(given))
        self._prefix = str(self.root).rstrip(os.sep) + os.sep

    def contains(self, path: str | os.PathLike[str]) -> bool:
        """True when ``path``, once symlinks are resolved, lies inside the root."""
        real = os.path.realpath(path)
        return real == str(self.root) or real.startswith(self._prefix)

    def relative_key(self, path: Path) -> str:
        """The page key of a file inside the root: its root-relative path with ``/`` separators."""
        real = Path(os.path.realpath(path))
        return real.relative_to(self.root).as_posix()

    def url_for(self, path: Path) -> str:
        """The absolute URL (under :data:`ORIGIN`) a browser requests ``path`` by."""
        key = self.relative_key(path)
        return URL("/" + quote(key, safe=_PATH_SAFE), base=ORIGIN).href

    def locate(self, url: str) -> Located:
        """Map an absolute same-origin URL to the file it names.

        The path is percent-decoded as a static server does; a directory means its
        ``index.html``. Anything that resolves outside the root (``..`` after decoding, a
        symlink pointing out, an absolute path) is :attr:`FileState.OUTSIDE` and is never touched.
        """
        pathname = URL(url).pathname
        raw = unquote_to_bytes(pathname)
        if b"\x00" in raw:
            return Located(FileState.OUTSIDE)
        decoded = os.fsdecode(raw)
        relative = decoded.lstrip("/")
        if any(part == ".." for part in relative.replace("\\", "/").split("/")):
            return Located(FileState.OUTSIDE)
        candidate = self.root / relative
        if pathname.endswith("/"):
            candidate = candidate / "index.html"
        if not self.contains(candidate):
            return Located(FileState.OUTSIDE)
        real = Path(os.path.realpath(candidate))
        try:
            if real.is_dir():
                return Located(FileState.DIRECTORY, real)
            if real.is_file():
                return Located(FileState.FILE, real)
        except OSError:
            pass
        return Located(FileState.MISSING)

    def read(self, path: Path) -> bytes:
        """The bytes of a file inside the root (``OSError`` when unreadable; ``ValueError`` when
        the path is outside the root, which the crawl never asks for)."""
        if not self.contains(path):
            raise ValueError(f"refusing to read {path}: outside the root {self.root}")
        with open(os.path.realpath(path), "rb") as handle:
            return handle.read()
