"""The incremental cache: a re-run re-crawls only pages whose inputs changed.

One SQLite file (``.push-manifest-cache/cache.sqlite`` by default) holds, per page, the result
of its crawl and the state of every file the crawl looked at (its dependencies), and, per file
content hash, the scanned references of stylesheets, scripts and HTML imports. A file's state is
its size, modification time and content hash: a file whose size and mtime are unchanged is taken
as unchanged (as git's index does); otherwise its bytes are hashed again.

The cache is a hint, never trusted blindly: a file that is not a SQLite database, a schema or
fingerprint (tool version, options) that differs, or any database error means the cache is
discarded and rebuilt. Entries are pickles written by this tool only, inside a directory the user
chose; the file is created with mode 0600.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = 1


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a crawl saw of one path: absent, a directory, or a file with its content hash."""

    kind: str
    """``"file"``, ``"dir"`` or ``"missing"``."""
    size: int = -1
    mtime_ns: int = -1
    digest: str = ""


def content_digest(data: bytes) -> str:
    """The content hash the cache keys documents by."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def observe(path: str, *, content: bool) -> Snapshot:
    """The current state of ``path``; with ``content``, a file's bytes are hashed."""
    try:
        st = os.stat(path)
    except OSError:
        return Snapshot("missing")
    if os.path.isdir(path):
        return Snapshot("dir")
    if not content:
        return Snapshot("file")
    try:
        with open(path, "rb") as handle:
            digest = content_digest(handle.read())
    except OSError:
        return Snapshot("missing")
    return Snapshot("file", st.st_size, st.st_mtime_ns, digest)


class Cache:
    """A page and document cache in one SQLite file; every failure degrades to a miss."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.path = directory / "cache.sqlite"
        self._db: sqlite3.Connection | None = None
        self._states: dict[tuple[str, bool], Snapshot] = {}
        with contextlib.suppress(OSError, sqlite3.Error):
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text(
                    "# Created by http2-push-manifest: a cache, never commit it.\n*\n"
                )
            self._db = self._open(fingerprint)

    def _open(self, fingerprint: str) -> sqlite3.Connection:
        fresh = not self.path.exists()
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        if fresh:
            os.chmod(self.path, 0o600)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
            expected = f"{_SCHEMA}:{fingerprint}"
            if row is None or row[0] != expected:
                db.executescript(
                    "DROP TABLE IF EXISTS pages; DROP TABLE IF EXISTS docs;"
                    "CREATE TABLE pages (path TEXT PRIMARY KEY, deps BLOB, result BLOB);"
                    "CREATE TABLE docs (digest TEXT PRIMARY KEY, data BLOB);"
                )
                db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (expected,))
            return db
        except sqlite3.Error:
            db.close()
            # Not ours, or corrupt: start over.
            self.path.unlink(missing_ok=True)
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            db.executescript(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                "CREATE TABLE pages (path TEXT PRIMARY KEY, deps BLOB, result BLOB);"
                "CREATE TABLE docs (digest TEXT PRIMARY KEY, data BLOB);"
            )
            db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (f"{_SCHEMA}:{fingerprint}",))
            return db

    def state(self, path: str, recorded: Snapshot) -> Snapshot:
        """The current state of ``path``, compared the way ``recorded`` was taken: a file with a
        digest is re-hashed only when its size or mtime changed."""
        key = (path, bool(recorded.digest))
        current = self._states.get(key)
        if current is None:
            current = observe(path, content=False)
            if recorded.digest and current.kind == "file":
                try:
                    st = os.stat(path)
                except OSError:
                    current = Snapshot("missing")
                else:
                    unchanged = (st.st_size, st.st_mtime_ns) == (recorded.size, recorded.mtime_ns)
                    current = recorded if unchanged else observe(path, content=True)
            self._states[key] = current
        return current

    def page(self, path: str) -> Any | None:
        """The cached result for page ``path`` if none of its dependencies changed, else None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT deps, result FROM pages WHERE path=?", (path,)
            ).fetchone()
            if row is None:
                return None
            deps: Mapping[str, Snapshot] = pickle.loads(row[0])
            for dep, recorded in deps.items():
                current = self.state(dep, recorded)
                if current.kind != recorded.kind or current.digest != recorded.digest:
                    return None
            return pickle.loads(row[1])
        except Exception:
            return None

    def store_pages(self, rows: Iterable[tuple[str, Mapping[str, Snapshot], Any]]) -> None:
        """Record page results with their dependencies."""
        self._write(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
            (
                (p, pickle.dumps(dict(d), protocol=5), pickle.dumps(r, protocol=5))
                for p, d, r in rows
            ),
        )

    def document(self, digest: str) -> Any | None:
        """The scanned form of a document with this content hash, or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT data FROM docs WHERE digest=?", (digest,)).fetchone()
            return None if row is None else pickle.loads(row[0])
        except Exception:
            return None

    def store_documents(self, rows: Iterable[tuple[str, Any]]) -> None:
        """Record scanned documents by content hash."""
        self._write(
            "INSERT OR REPLACE INTO docs VALUES (?, ?)",
            ((d, pickle.dumps(v, protocol=5)) for d, v in rows),
        )

    def _write(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(sql, rows)
        except sqlite3.Error:
            pass

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
