"""The site: its root directory, the URL ⇄ file mapping, and every read of a file.

All file access of a crawl goes through :class:`Site`, which never opens, reads or lists anything
that does not lie inside the root once symbolic links are resolved.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

from ada_url import URL

from push_manifest.errors import InputError

ORIGIN = "http://site.invalid"
"""The made-up origin a site is crawled under: every local URL is same-origin with it."""

_PATH_SAFE = "/!$&'()*+,;=:@~"
_MAX_SYMLINKS = 40
_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


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
    """The real (symlink-free) path; for :attr:`FileState.MISSING`, where the file would be;
    ``None`` for :attr:`FileState.OUTSIDE`."""


class RealPaths:
    """:func:`os.path.realpath` for many files in few directories, each answered once per
    instance (one run: a path that becomes a symlink later is not seen): each directory is
    resolved once, a file name only when it is a symlink itself. A path that holds ``..`` is
    resolved in full, as ``realpath`` does (``..`` after a symlink is not lexical). One
    instance serves a run's pages from their expansion to their cache keys."""

    def __init__(self) -> None:
        self._directories: dict[str, str] = {}
        self._files: dict[str, str] = {}

    def __call__(self, path: str | os.PathLike[str]) -> str:
        text = os.fspath(path)
        known = self._files.get(text)
        if known is None:
            known = self._files[text] = self._resolve(text)
        return known

    def _resolve(self, text: str) -> str:
        if ".." in text.split(os.sep):
            return os.path.realpath(text)
        text = os.path.abspath(text)  # lexical: "." and "//" only, with no ".."
        directory, name = os.path.split(text)
        if name in ("", "."):
            return os.path.realpath(text)
        try:
            if stat.S_ISLNK(os.lstat(text).st_mode):
                return os.path.realpath(text)
        except OSError:
            pass  # missing: realpath keeps the name as it is too
        real = self._directories.get(directory)
        if real is None:
            real = self._directories[directory] = os.path.realpath(directory)
        return os.path.join(real, name)

    def directory(self, path: str | os.PathLike[str]) -> str:
        """The real path of a directory (resolved once per instance)."""
        text = os.path.abspath(os.fspath(path))
        real = self._directories.get(text)
        if real is None:
            real = self._directories[text] = os.path.realpath(text)
        return real


class Site:
    """A static site rooted at a directory.

    URLs are absolute under :data:`ORIGIN`; a URL's path ``/a/b.css`` is the file ``root/a/b.css``.
    """

    def __init__(self, root: str | os.PathLike[str], real_paths: RealPaths | None = None) -> None:
        """``real_paths``: how the pages' real paths are found (shared with
        :func:`~push_manifest.pages.expand_pages`, which found them first)."""
        given = Path(root)
        if not given.exists():
            raise InputError(f"root directory {str(given)!r} does not exist; pass --root DIR")
        if not given.is_dir():
            raise InputError(f"root {str(given)!r} is not a directory; pass --root DIR")
        self.root = Path(os.path.realpath(given))
        self._real = real_paths or RealPaths()
        self._prefix = str(self.root).rstrip(os.sep) + os.sep
        self._given = os.path.abspath(given)
        # URL paths that spell the site's location on disk are file paths, not URLs.
        places = {str(self.root), self._given}
        places |= {os.path.dirname(p) for p in places if os.path.dirname(p).count(os.sep) > 1}
        self._file_path_prefixes = tuple(sorted(p.rstrip(os.sep) + os.sep for p in places))

    def contains(self, path: str | os.PathLike[str]) -> bool:
        """True when ``path``, once symlinks are resolved, lies inside the root."""
        real = self._real(path)
        return real == str(self.root) or real.startswith(self._prefix)

    def relative_key(self, path: Path) -> str:
        """The page key of a file inside the root: its root-relative URL path, percent-encoded
        as a browser requests it (the path of :meth:`url_for` without its leading ``/``).

        ``blog/post.html`` stays as it is; every byte of the file name outside ASCII letters,
        digits and ``-._~!$&'()*+,;=:@`` is ``%XX`` (``a b.html`` → ``a%20b.html``,
        ``café.html`` → ``caf%C3%A9.html``, a name that is not UTF-8 byte for byte), so two
        files never share a key and a key holds no control character, ``\\``, ``#`` or ``?``.
        """
        return self._url_path(path)[1:]

    def url_for(self, path: Path) -> str:
        """The absolute URL (under :data:`ORIGIN`) a browser requests ``path`` by."""
        return URL(self._url_path(path), base=ORIGIN).href

    def _url_path(self, path: Path) -> str:
        # Bytes, so a file name that is not UTF-8 is percent-encoded byte for byte. The WHATWG
        # URL parser keeps this path as it is: it holds nothing the path state would encode.
        return "/" + quote(os.fsencode(self._relative(path)), safe=_PATH_SAFE)

    def _relative(self, path: Path) -> str:
        return Path(self._real(path)).relative_to(self.root).as_posix()

    def locate(self, url: str) -> Located:
        """Map an absolute same-origin URL to the file it names.

        The path is percent-decoded as a static server does; a path ending in ``/`` means its
        ``index.html``. The path is resolved one component at a time from the root, reading
        symbolic links only inside it (see :meth:`_resolve`), so nothing outside the root is
        ever opened, listed or even looked up. :attr:`FileState.OUTSIDE`: a NUL byte, ``..``
        after decoding (also between backslashes, as a Windows server splits), a symlink that
        points out or loops, or a missing file whose URL path spells the root's own absolute
        file system path (a file path written where a URL belongs). FIFOs, sockets and devices
        are :attr:`FileState.MISSING`: they are never read.
        """
        pathname = URL(url).pathname
        raw = unquote_to_bytes(pathname)
        if b"\x00" in raw:
            return Located(FileState.OUTSIDE)
        decoded = os.fsdecode(raw)
        if any(part == ".." for part in decoded.replace("\\", "/").split("/")):
            return Located(FileState.OUTSIDE)
        parts = decoded.split("/")
        if pathname.endswith("/"):
            parts.append("index.html")
        located = self._resolve(parts)
        if located.state is FileState.MISSING and decoded.startswith(self._file_path_prefixes):
            return Located(FileState.OUTSIDE)
        return located

    def _resolve(self, parts: list[str]) -> Located:
        """Resolve root-relative path ``parts`` as the kernel would, confined to the root.

        Each component is looked up (``lstat``) in a directory already known to be inside the
        root; a symlink's target is read and resolved the same way: relative targets from the
        link's directory, absolute ones only when they name a path under the root. ``..``
        above the root, an absolute target elsewhere, or more than 40 links (Linux's limit:
        a loop) give :attr:`FileState.OUTSIDE` before anything outside is touched.
        """
        root = str(self.root).rstrip(os.sep)
        done: list[str] = []
        pending = list(reversed(parts))
        links = 0
        while pending:
            name = pending.pop()
            if name in ("", "."):
                continue
            if name == "..":
                if not done:
                    return Located(FileState.OUTSIDE)
                done.pop()
                continue
            path = os.sep.join((root, *done, name))
            try:
                mode = os.lstat(path).st_mode
            except PermissionError:
                # A directory on the way is not searchable: reading reports it as unreadable.
                return Located(FileState.FILE, Path(path))
            except OSError:
                return Located(FileState.MISSING, Path(path))
            if stat.S_ISLNK(mode):
                links += 1
                try:
                    target = os.readlink(path)
                except OSError:
                    return Located(FileState.MISSING, Path(path))
                if os.path.isabs(target):
                    inside = self._under_root(target)
                    if inside is None:
                        return Located(FileState.OUTSIDE)
                    done, target = [], inside
                if links > _MAX_SYMLINKS:
                    return Located(FileState.OUTSIDE)
                pending.extend(reversed(target.split("/")))
                continue
            done.append(name)
            if not stat.S_ISDIR(mode) and any(p not in ("", ".") for p in pending):
                return Located(FileState.MISSING, Path(path))
        return _located(os.sep.join((root, *done)) or os.sep)

    def _under_root(self, target: str) -> str | None:
        """The part of absolute ``target`` below the root (real or as given), else ``None``."""
        for root in (str(self.root), self._given):
            if target == root:
                return ""
            if target.startswith(root.rstrip(os.sep) + os.sep):
                return target[len(root.rstrip(os.sep)) + 1 :]
        return None

    def read(self, path: Path) -> bytes:
        """The bytes of a regular file inside the root.

        The file is opened by walking down from the root one directory at a time without
        following any symlink (``openat`` with ``O_NOFOLLOW``), so a link swapped in after
        :meth:`locate` cannot redirect the read outside. Raises ``OSError`` when the file is
        unreadable or not a regular file; ``ValueError`` when ``path`` is outside the root,
        which the crawl never asks for.
        """
        name, directory = self._open_parent(path)
        try:
            # O_NONBLOCK: opening a FIFO swapped in must not hang the run.
            fd = os.open(name, _READ | _NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
        finally:
            os.close(directory)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
            return handle.read()

    def stat(self, path: Path) -> os.stat_result:
        """The status of the file at ``path`` inside the root (its size and modification time,
        looked at before reading it), found as :meth:`read` finds it: no symlink is followed,
        so nothing outside the root is looked at. Raises ``OSError`` and ``ValueError`` as
        :meth:`read` does."""
        name, directory = self._open_parent(path)
        try:
            return os.stat(name, dir_fd=directory, follow_symlinks=False)
        finally:
            os.close(directory)

    def real_path(self, path: str | os.PathLike[str]) -> Path:
        """``path`` with every symbolic link resolved (a page given by the user)."""
        return Path(self._real(path))

    def _open_parent(self, path: str | os.PathLike[str]) -> tuple[str, int]:
        """The last component of ``path`` and an open descriptor of its directory (the
        caller closes it), reached from the root without following a symlink."""
        parts = self._parts(path)
        if not parts:
            raise IsADirectoryError(errno.EISDIR, "is the root directory", os.fspath(path))
        directory = os.open(self.root, _READ | _DIRECTORY)
        try:
            for part in parts[:-1]:
                inner = os.open(part, _READ | _NOFOLLOW | _DIRECTORY, dir_fd=directory)
                os.close(directory)
                directory = inner
        except BaseException:
            os.close(directory)
            raise
        return parts[-1], directory

    def _parts(self, path: str | os.PathLike[str]) -> list[str]:
        """The components of ``path`` below the real root (``ValueError`` when outside)."""
        text = os.fspath(path)
        if not (os.path.isabs(text) and ".." not in text.split(os.sep)):
            text = os.path.realpath(text)
        if text == str(self.root):
            return []
        if not text.startswith(self._prefix):
            text = os.path.realpath(text)
            if not text.startswith(self._prefix):
                raise ValueError(f"refusing to read {path}: outside the root {self.root}")
        return [part for part in text[len(self._prefix) :].split(os.sep) if part]


def _located(path: str) -> Located:
    """What the symlink-free ``path`` is: a directory, a regular file, or missing (absent, or a
    FIFO, socket or device, which is never read)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return Located(FileState.MISSING, Path(path))
    if stat.S_ISDIR(mode):
        return Located(FileState.DIRECTORY, Path(path))
    if stat.S_ISREG(mode):
        return Located(FileState.FILE, Path(path))
    return Located(FileState.MISSING, Path(path))
