"""Putting the manifest where ``-m`` says: refusing to overwrite an input, comparing for
``--check``, and replacing the file atomically. Every failure is an :class:`OutputError` that
names the file and the operating system's reason.

The CLI is the only caller: the rest of the library never writes output.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_to_bytes

from push_manifest.errors import OutputError
from push_manifest.model import Manifest

__all__ = ["guard_target", "holds_text", "stale_diff", "write_file", "written_by_this_tool"]

_LINK_VALUE = re.compile(r"<[^>]*>;[ \t]*rel=")
_HEADER_MARK = "by http2-push-manifest"
"""Every header-format writer (apache, nginx, netlify) says this in its first comment line."""


def _input_files(manifest: Manifest) -> Iterator[str]:
    """The paths of the pages of ``manifest`` and of the local files they list, once each."""
    urls = {page.key for page in manifest.pages}
    for page in manifest.pages:
        urls.update(resource.url for resource in page.resources)
    for url in urls:
        path = os.fsdecode(unquote_to_bytes(url.partition("?")[0].partition("#")[0]))
        yield os.path.join(manifest.root, path.lstrip("/"))


def _is_input(target: os.stat_result, manifest: Manifest) -> bool:
    """Whether the file ``target`` (its ``stat``) is a page of ``manifest`` or a file that the
    pages load (the same file: device and inode, links followed)."""
    for path in _input_files(manifest):
        try:
            found = os.stat(path)
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False


def guard_target(target: str, manifest: Manifest) -> None:
    """Refuse (:class:`OutputError`) to overwrite an input of the run.

    An existing ``target`` must not be a page of ``manifest`` or a file its pages load (the
    same file, whatever the path). One under the manifest's root must be a manifest this tool
    wrote (:func:`written_by_this_tool`): a page, a stylesheet or any other file of the site
    is never turned into a manifest.
    """
    real = os.path.realpath(target)
    try:
        status = os.stat(real)
    except OSError:
        return  # nothing there to overwrite
    if _is_input(status, manifest):
        raise OutputError(
            f"refusing to write the manifest to {target!r}: it is a page or a file that the "
            "pages load; give -m another file name"
        )
    root = manifest.root
    inside = real == root or real.startswith(root.rstrip(os.sep) + os.sep)
    if not inside or not os.path.isfile(real):
        return
    try:
        with open(real, "rb") as handle:
            head = handle.read(4 << 20)
            complete = not handle.read(1)
    except OSError as error:
        raise OutputError(f"cannot read {target!r}: {error.strerror}") from error
    if not (complete and written_by_this_tool(head)):
        raise OutputError(
            f"refusing to overwrite {target!r}: it lies under the site root and is not a "
            "manifest that http2-push-manifest wrote; give -m another file name, or delete "
            "the file first if it is an old manifest"
        )


def written_by_this_tool(data: bytes) -> bool:
    """True when ``data`` has the shape of one of this tool's outputs (any ``--format``), or
    is empty."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not text.strip():
        return True
    first = text.lstrip().partition("\n")[0]
    if first.startswith("#") and _HEADER_MARK in first:
        return True
    if first.startswith(("{", "[")):
        try:
            return _is_manifest_json(json.loads(text))
        except ValueError:
            return False
    return all(_is_link_line(line) for line in text.splitlines() if line.strip())


def _is_manifest_json(value: object) -> bool:
    """The JSON formats: single-page, multi-page, or Firebase's ``hosting.headers``."""
    if not isinstance(value, dict):
        return False
    hosting = value.get("hosting")
    if set(value) == {"hosting"} and isinstance(hosting, dict):
        return set(hosting) == {"headers"} and isinstance(hosting["headers"], list)
    entries = list(value.values())
    if all(_is_entry(entry) for entry in entries):
        return True  # single-page (or empty)
    return all(
        isinstance(page, dict) and all(_is_entry(entry) for entry in page.values())
        for page in entries
    )


def _is_entry(entry: object) -> bool:
    return isinstance(entry, dict) and {"type", "weight"} <= set(entry)


def _is_link_line(line: str) -> bool:
    """The ``link`` format: ``/page<TAB></url>; rel=…`` lines, or one page's bare value."""
    route, tab, value = line.partition("\t")
    if not tab:
        value = route
    elif not route.startswith("/"):
        return False
    return _LINK_VALUE.match(value) is not None


def stale_diff(target: str, text: str) -> str | None:
    """A unified diff from the file ``target`` to ``text``; ``None`` when they are equal. A
    missing file is empty."""
    if target == "-":
        raise OutputError("--check compares with a file; give -m FILE, not -m -")
    try:
        current = Path(target).read_text(encoding="utf-8")
    except FileNotFoundError:
        current = ""
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise OutputError(f"cannot read {target!r}: {reason}") from error
    if current == text:
        return None
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"{target} (on disk)",
            tofile=f"{target} (expected)",
        )
    )


def holds_text(target: str, text: str) -> bool:
    """Whether ``target`` is a regular file that holds ``text`` (UTF-8) already."""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if not os.path.isfile(target):
            return False
        with open(target, encoding="utf-8", newline="") as handle:
            return handle.read() == text
    return False


def write_file(target: str, text: str) -> bool:
    """Write ``text`` to ``target`` atomically (a temporary file beside it, flushed and synced,
    then renamed over it); False, and nothing touched, when the file already holds ``text``.

    A device or FIFO (``/dev/stdout``) is written into instead. On any failure (a full disk,
    a read-only directory) the old file is left as it was.
    """
    path = Path(target)
    with _reason(target):
        if path.is_dir():
            raise OutputError(f"cannot write {target!r}: it is a directory; give -m a file name")
        if path.exists() and not path.is_file():
            # Renaming over a device or FIFO would replace it with a regular file.
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            return True
        if holds_text(target, text):
            return False
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise OutputError(
                f"cannot write {target!r}: directory {str(directory)!r} does not exist"
            )
        _replace(path, directory, text)
    return True


@contextlib.contextmanager
def _reason(target: str) -> Iterator[None]:
    """An :class:`OSError` inside becomes an :class:`OutputError` with the system's reason."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(f"cannot write {target!r}: {reason}") from error


def _replace(path: Path, directory: Path, text: str) -> None:
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(
            f"cannot write in {str(directory)!r}: {error.strerror}; choose another -m FILE"
        ) from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        with contextlib.suppress(OSError):
            directory_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(directory_fd)  # the rename itself survives a power cut
            finally:
                os.close(directory_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
