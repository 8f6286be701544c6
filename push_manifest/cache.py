"""The incremental cache: a re-run re-crawls only pages whose inputs changed.

One SQLite file (``.push-manifest-cache/cache.sqlite`` by default) holds, per page, the result
of its crawl and the state of every file the crawl looked at (its dependencies), and, per file
content hash, the scanned references of stylesheets, scripts and HTML imports. A file's state is
its size, modification time and content hash: a file whose size and mtime are unchanged is taken
as unchanged (as git's index does); otherwise its bytes are hashed again.

The cache is a hint, never trusted blindly: a file that is not a SQLite database, a schema or
fingerprint (tool version, options) that differs, or any database error means the cache is
discarded and rebuilt. Entries are compressed pickles (:func:`pack`), and a pickle can run code
when loaded, so every entry is signed (HMAC-SHA256) with a key private to the user, kept outside
the repository (``$XDG_CACHE_HOME/http2-push-manifest/key``, mode 0600): an entry that is not
signed with that key, such as one planted in a cache committed to a repository, is never
unpickled.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import os
import pickle
import secrets
import sqlite3
import stat
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from push_manifest.model import pickled_as_values

_SCHEMA = 8
_SIGNATURE = 32


UNREAD = "unread:"
"""The prefix of the digest of a file the crawl did not read (over the size limit): the rest
is its size and modification time."""

CACHE_DIR_NAME = ".push-manifest-cache"
"""The cache's directory name beside a project's ``pyproject.toml``."""


def user_cache_home() -> Path:
    """This user's directory for the tool: ``$XDG_CACHE_HOME/http2-push-manifest``, else
    ``~/.cache/http2-push-manifest``. It holds the signing key and the caches of sites that
    have no ``pyproject.toml`` settings."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "http2-push-manifest"


def project_cache_dir(project: Path) -> Path:
    """Where the cache lives when no ``--cache-dir`` is given and the settings come from a
    ``pyproject.toml`` in the directory ``project``: beside it."""
    return project / CACHE_DIR_NAME


def default_cache_dir(root: str | os.PathLike[str]) -> Path:
    """Where a site's cache lives when no ``--cache-dir`` is given and no ``pyproject.toml``
    holds the settings: in :func:`user_cache_home`, under a name derived from the root's real
    path. Never the current directory: run from inside the published folder, that would
    publish the cache."""
    real = os.fsencode(os.path.realpath(root))
    return user_cache_home() / "sites" / hashlib.blake2b(real, digest_size=8).hexdigest()


def _user_key() -> bytes:
    """The user's private signing key, created on first use (mode 0600)."""
    path = user_cache_home() / "key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    with contextlib.suppress(OSError):
        stored = path.read_bytes()
        if len(stored) >= 32:
            return stored
    return key  # an unwritable home: this run's entries are unreadable by the next one


_TABLES = (
    "DROP TABLE IF EXISTS pages; DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS runs;"
    "DROP TABLE IF EXISTS attachments;"
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE pages (path BLOB PRIMARY KEY, deps BLOB, result BLOB);"
    "CREATE TABLE docs (digest BLOB PRIMARY KEY, data BLOB);"
    "CREATE TABLE runs (key BLOB PRIMARY KEY, deps BLOB, result BLOB);"
    "CREATE TABLE attachments (run BLOB, name BLOB, value BLOB, PRIMARY KEY (run, name));"
)


def _reset(db: sqlite3.Connection, fingerprint: str) -> None:
    """Empty tables, stamped with ``fingerprint``."""
    db.executescript(_TABLES)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))


def _read_regular(path: str) -> bytes:
    """Read a regular file without following a final symlink or blocking on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ValueError(f"{path} is not a regular file")
        return handle.read()


def _key_bytes(text: str) -> bytes:
    """A key that may hold undecodable file names (lone surrogates), as bytes for SQLite."""
    return text.encode("utf-8", "surrogatepass")


def _connect(path: Path) -> sqlite3.Connection:
    """Open (or create, mode 0600: entries reveal the site's files) the cache database."""
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    return sqlite3.connect(path, timeout=5, isolation_level=None)


class Packed(bytes):
    """A value pickled (protocol 5) and compressed (zlib, level 1): how a worker process sends
    a result, and how the cache stores it, as it is. Compressed, a 10,000-page site's cache
    takes a third of the space, and the parent writes and receives a third of the bytes."""


def pack(value: object) -> Packed:
    """``value`` pickled and compressed (:class:`Packed`)."""
    return Packed(zlib.compress(pickle.dumps(value, protocol=5), 1))


def unpack(packed: bytes) -> object:
    """The value :func:`pack` packed. Only for bytes this process or the user's cache made
    (a pickle can run code when loaded)."""
    return pickle.loads(zlib.decompress(packed))


def _seal(key: bytes, value: object) -> bytes:
    data = value if isinstance(value, Packed) else pack(value)
    return hmac.new(key, data, hashlib.sha256).digest() + data


def _open(key: bytes, blob: bytes) -> object:
    """The value a signed blob holds; ``ValueError`` for a blob this user did not sign."""
    signature, data = blob[:_SIGNATURE], blob[_SIGNATURE:]
    if len(signature) != _SIGNATURE or not hmac.compare_digest(
        signature, hmac.new(key, data, hashlib.sha256).digest()
    ):
        raise ValueError("cache entry not signed by this user")
    return unpack(data)


@pickled_as_values
@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a crawl saw of one path: absent, a directory, or a file with its content hash."""

    kind: str
    """``"file"``, ``"dir"``, ``"missing"``, or ``"other"`` (a link, FIFO or device now stands
    there: never read, and equal to nothing recorded)."""
    size: int = -1
    mtime_ns: int = -1
    digest: str = ""


_Row = tuple[str, str, int, int, str]
"""A dependency as stored: path, then its :class:`Snapshot`'s kind, size, time, digest."""


_RunFiles = tuple[list[_Row], tuple[tuple[int, ...], ...]]
"""A run's recorded files, and each page's share of them as indexes."""


def _columns(files: Mapping[str, Snapshot]) -> tuple[tuple[Any, ...], ...]:
    """How dependencies are stored: paths, kinds, sizes, times and digests, each a tuple (a
    tuple of values unpickles in C, a :class:`Snapshot` each would not)."""
    return (
        tuple(files),
        tuple(each.kind for each in files.values()),
        tuple(each.size for each in files.values()),
        tuple(each.mtime_ns for each in files.values()),
        tuple(each.digest for each in files.values()),
    )


def content_digest(data: bytes) -> str:
    """The content hash the cache keys documents by."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Cache:
    """A page and document cache in one SQLite file; every failure degrades to a miss."""

    def __init__(
        self,
        directory: Path,
        fingerprint: str,
        inside: str = "",
        read: Callable[[str], bytes] | None = None,
    ) -> None:
        """``inside``: only dependency paths under this directory (the site root) are ever
        looked at, an entry naming another path is stale; ``read``: how a changed file is read
        again to hash it (the site's confined reader, :meth:`Site.read`)."""
        self.directory = directory
        self.path = directory / "cache.sqlite"
        self.problem: str | None = None
        """Why the cache could not be used (opened, or written), the first time it failed;
        ``None`` while it works. The run goes on without what failed."""
        self._read = read or _read_regular
        self._key = _user_key()
        self._inside = inside.rstrip(os.sep) + os.sep if inside else ""
        self._db: sqlite3.Connection | None = None
        self._digests: dict[str, str] = {}
        """Files read and hashed again this run (their size or time moved), by path."""
        self._unchanged_runs: set[bytes] = set()
        """Runs whose record this process found, or wrote, up to date."""
        self._run_rows: dict[bytes, _RunFiles | None] = {}
        self._verdicts: dict[_Row, bool] = {}
        self._snapshots: dict[_Row, Snapshot] = {}
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if not os.access(directory, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, "the directory is not writable")
            ignore = directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text(
                    "# Created by http2-push-manifest: a cache, never commit it.\n*\n"
                )
            self._db = self._open(fingerprint)
        except (OSError, sqlite3.Error) as error:
            self._failed(error)

    def _failed(self, error: OSError | sqlite3.Error) -> None:
        """Remember the first failure; later ones add nothing the user can act on."""
        if self.problem is None:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.problem = str(reason)

    def _open(self, fingerprint: str) -> sqlite3.Connection:
        expected = f"{_SCHEMA}:{fingerprint}"
        db = _connect(self.path)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # A cache may lose its last writes in a power cut, never its consistency (WAL):
            # no fsync per transaction, which cost seconds on a large site.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
            if row is None or row[0] != expected:
                _reset(db, expected)
            return db
        except sqlite3.DatabaseError as error:
            db.close()
            if not isinstance(error, sqlite3.OperationalError) or "malformed" in str(error):
                # Not a database, or a corrupt one: start over.
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                db = _connect(self.path)
                _reset(db, expected)
                return db
            raise

    def page(self, path: str, seen: dict[tuple[str, bool], Snapshot] | None = None) -> Any | None:
        """The cached result for page ``path`` if none of its dependencies changed, else None.
        On a hit, its dependencies are added to ``seen`` (by path and whether hashed)."""
        return self._entry("SELECT deps, result FROM pages WHERE path=?", os.fsencode(path), seen)

    def run(self, key: bytes) -> Any | None:
        """What a whole run with this ``key`` returned, if none of the files any of its pages
        depends on changed (:meth:`store_run`), else None: a re-run with nothing changed
        checks each file once and unpacks one entry, not one per page."""
        load = self.run_loader(key)
        try:
            return None if load is None else load()
        except Exception:
            return None

    def run_loader(self, key: bytes) -> Callable[[], Any] | None:
        """As :meth:`run`, but the entry is only read now: the function returned unpacks it
        (and raises ``ValueError`` for an entry this user did not sign)."""
        if key not in self._unchanged_runs:
            recorded = self._run_files(key)
            if recorded is None or not all(map(self._row_unchanged, recorded[0])):
                return None
            self._unchanged_runs.add(key)
        blob = self._value("SELECT result FROM runs WHERE key=?", (key,))
        if blob is None:
            return None
        return lambda: _open(self._key, blob)

    def attachment(self, key: bytes, name: bytes) -> Any | None:
        """The value attached under ``name`` to the run ``key`` (:meth:`attach`), if that run's
        files are unchanged."""
        if self.run_loader(key) is None:
            return None
        blob = self._value("SELECT value FROM attachments WHERE run=? AND name=?", (key, name))
        try:
            return None if blob is None else _open(self._key, blob)
        except Exception:
            return None

    def attach(self, key: bytes, name: bytes, value: Any) -> None:
        """Keep ``value`` under ``name`` with the run ``key`` for as long as its record stands:
        what the caller derived from the run's result alone (its text in one format)."""
        sealed = (key, name, _seal(self._key, value))
        self._write("INSERT OR REPLACE INTO attachments VALUES (?, ?, ?)", [sealed])

    def store_run(
        self,
        key: bytes,
        deps: Mapping[tuple[str, bool], Snapshot],
        result: Any,
        page_deps: Sequence[Iterable[tuple[str, bool]]] = (),
    ) -> None:
        """Record what a whole run returned, with every file its pages depend on (a file both
        hashed and only looked at is checked by its hash), in place of the run recorded
        before (and what was attached to it). ``page_deps``: each page's own dependencies
        (keys of ``deps``), kept as indexes so that a later run can tell which pages a
        changed file concerns (:meth:`run_changes`)."""
        files: dict[str, Snapshot] = {}
        for (path, hashed), snapshot in deps.items():
            if hashed or path not in files:
                files[path] = snapshot
        index = {path: number for number, path in enumerate(files)}
        per_page = tuple(tuple(sorted({index[path] for path, _ in keys})) for keys in page_deps)
        columns = _columns(files)
        self._write("DELETE FROM runs", [()])
        self._write("DELETE FROM attachments", [()])
        sealed = (key, _seal(self._key, (columns, per_page)), _seal(self._key, result))
        self._write("INSERT INTO runs VALUES (?, ?, ?)", [sealed])
        self._unchanged_runs.add(key)
        self._run_rows.pop(key, None)

    def run_changes(
        self, key: bytes
    ) -> tuple[list[dict[tuple[str, bool], Snapshot] | None], Callable[[], Any]] | None:
        """For the run ``key`` (:meth:`store_run`), whose files may have changed since: for
        each page, its dependencies (by path and whether hashed) when none of them changed
        (the page's recorded result holds), else None; and a function that unpacks the
        recorded result. None without such a record."""
        recorded = self._run_files(key)
        result = self._value("SELECT result FROM runs WHERE key=?", (key,))
        if recorded is None or result is None:
            return None
        rows, per_page = recorded
        unchanged = list(map(self._row_unchanged, rows))
        pages: list[dict[tuple[str, bool], Snapshot] | None] = [
            {(rows[n][0], bool(rows[n][4])): self._snapshot(rows[n]) for n in numbers}
            if all(unchanged[n] for n in numbers)
            else None
            for numbers in per_page
        ]
        return pages, lambda: _open(self._key, result)

    def _run_files(self, key: bytes) -> _RunFiles | None:
        """The files the run ``key`` recorded (:meth:`store_run`) and each page's share (as
        indexes), read and unpacked once per key."""
        if key not in self._run_rows:
            found: _RunFiles | None = None
            blob = self._value("SELECT deps FROM runs WHERE key=?", (key,))
            with contextlib.suppress(Exception):
                opened: Any = _open(self._key, blob) if blob is not None else None
                columns, per_page = opened
                rows: list[_Row] = list(zip(*columns, strict=True))
                if all(0 <= n < len(rows) for numbers in per_page for n in numbers):
                    found = (rows, tuple(per_page))
            self._run_rows[key] = found
        return self._run_rows[key]

    def _value(self, sql: str, parameters: tuple[Any, ...]) -> bytes | None:
        """The one column of the row ``sql`` selects, or None (none, or a database error)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(sql, parameters).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else bytes(row[0])

    def _entry(
        self, sql: str, key: bytes, seen: dict[tuple[str, bool], Snapshot] | None
    ) -> Any | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(sql, (key,)).fetchone()
            if row is None or not self._unchanged(row[0], seen):
                return None
            return _open(self._key, row[1])
        except Exception:
            return None

    def _unchanged(self, blob: bytes, seen: dict[tuple[str, bool], Snapshot] | None) -> bool:
        """Whether no file of the signed dependencies ``blob`` (:func:`_columns`) changed; if
        so, they are added to ``seen`` (by path and whether hashed)."""
        try:
            columns: Any = _open(self._key, blob)
            rows = list(zip(*columns, strict=True))
            if not all(map(self._row_unchanged, rows)):
                return False
        except Exception:
            return False
        if seen is not None:
            for row in rows:
                seen[(row[0], bool(row[4]))] = self._snapshot(row)
        return True

    def _row_unchanged(self, row: _Row) -> bool:
        """Whether the file of ``row`` is as recorded, decided once per run and row."""
        known = self._verdicts.get(row)
        if known is None:
            known = self._verdicts[row] = self._check(row)
        return known

    def _check(self, row: _Row) -> bool:
        """Whether ``path`` is as the rest of ``row`` recorded it: looked at with ``lstat``
        (never followed); a file with a digest read (through the confined reader) and hashed
        again only when its size or time moved; a link, FIFO or device now standing there is
        equal to nothing recorded."""
        path, kind, size, mtime_ns, digest = row
        if not path.startswith(self._inside):
            return False
        try:
            st = os.lstat(path)
        except OSError:
            return kind == "missing"
        if not stat.S_ISREG(st.st_mode):
            return kind == "dir" and stat.S_ISDIR(st.st_mode)
        if kind != "file" or not digest or (st.st_size, st.st_mtime_ns) == (size, mtime_ns):
            return kind == "file"
        if digest.startswith(UNREAD):
            return False  # not read by the crawl (over the size limit), nor here: changed
        current = self._digests.get(path)
        if current is None:
            try:
                current = content_digest(self._read(path))
            except (OSError, ValueError):
                current = ""
            self._digests[path] = current
        return current == digest

    def _snapshot(self, row: _Row) -> Snapshot:
        """The :class:`Snapshot` of ``row``, one object per distinct row."""
        found = self._snapshots.get(row)
        if found is None:
            found = self._snapshots[row] = Snapshot(*row[1:])
        return found

    def store_pages(self, rows: Iterable[tuple[str, Mapping[str, Snapshot], Any]]) -> None:
        """Record page results with their dependencies."""
        self._write(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
            (
                (os.fsencode(p), _seal(self._key, _columns(d)), _seal(self._key, r))
                for p, d, r in rows
            ),
        )

    def document(self, digest: str) -> Any | None:
        """The scanned form of a document with this content hash, or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT data FROM docs WHERE digest=?", (_key_bytes(digest),)
            ).fetchone()
            return None if row is None else _open(self._key, row[0])
        except Exception:
            return None

    def store_documents(self, rows: Iterable[tuple[str, Any]]) -> None:
        """Record scanned documents by content hash."""
        self._write(
            "INSERT OR REPLACE INTO docs VALUES (?, ?)",
            ((_key_bytes(d), _seal(self._key, v)) for d, v in rows),
        )

    def _write(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(sql, rows)
        except sqlite3.Error as error:
            self._failed(error)

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
