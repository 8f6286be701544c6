"""Hostile-input helpers: a spy on every file-system access, a site with a secret beside it,
and the hypothesis profiles of the fuzz tests.

The spy wraps the Python-level entry points the package reaches files through (``open``,
``io.open``, ``os.open``, ``os.stat``/``lstat``, ``os.scandir``/``listdir``, ``os.readlink``, and
what writes), so ``pathlib``, ``glob`` and ``os.path`` are covered too. Each access is recorded
with where it physically lands: symlinks in the directories above it are resolved, and the last
component too unless the call does not follow it (``lstat``, ``readlink``, ``O_NOFOLLOW``).
"""

from __future__ import annotations

import builtins
import io
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from push_manifest import Manifest, build_manifest

# -- hypothesis profiles ---------------------------------------------------------------------

# The autouse ``_elsewhere`` fixture only changes directory: harmless to share across examples.
_SHARED_FIXTURE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=_SHARED_FIXTURE
)
settings.register_profile(
    "dev", max_examples=150, deadline=None, suppress_health_check=_SHARED_FIXTURE
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=_SHARED_FIXTURE
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
FUZZ = settings.get_profile(PROFILE)
"""The settings the fuzz tests run with: ``ci`` when ``CI`` is set, ``dev`` by default,
``HYPOTHESIS_PROFILE=long`` for a long local run. Applied per test, not loaded globally, so the
other suites keep their own settings."""

REPO = Path(__file__).resolve().parents[2]


def subprocess_env() -> dict[str, str]:
    """The environment for a child ``python``: this checkout's package first on the path, so a
    child runs the code under test even where the installed copy lives elsewhere."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), path]))}


# -- the spy ---------------------------------------------------------------------------------

_METADATA = frozenset({"stat", "lstat", "readlink"})


@dataclass(frozen=True, slots=True)
class Access:
    """One file-system call: what it did and where it physically landed."""

    op: str
    path: str
    """Absolute, with symlinks resolved as the call resolves them."""


@dataclass
class FileSpy:
    """Records every file-system access made while :meth:`active` is entered."""

    accesses: list[Access] = field(default_factory=list)
    _local: threading.local = field(default_factory=threading.local)

    @contextmanager
    def active(self) -> Iterator[FileSpy]:
        originals = _patch(self)
        try:
            yield self
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)

    def record(self, op: str, path: Any, *, dir_fd: int | None = None, follow: bool = True) -> None:
        if getattr(self._local, "busy", False) or isinstance(path, int):
            return
        self._local.busy = True
        try:
            self.accesses.append(Access(op, _physical(path, dir_fd, follow)))
        except (TypeError, ValueError, OSError):
            pass
        finally:
            self._local.busy = False

    def under(self, area: Path) -> list[Access]:
        """The accesses that land in ``area`` (physically)."""
        prefix = os.path.realpath(area)
        return [a for a in self.accesses if _within(a.path, prefix)]

    def escapes(self, area: Path, root: Path, allowed: tuple[Path, ...] = ()) -> list[Access]:
        """Accesses in ``area`` that are not inside ``root``.

        Allowed besides: looking up (not opening or listing) the directories above the root, and
        any access to ``allowed`` paths (the symlink a root is given by, the manifest written).
        """
        real_root = os.path.realpath(root)
        permitted = {os.path.abspath(p) for p in allowed} | {os.path.realpath(p) for p in allowed}
        bad = []
        for access in self.under(area):
            if _within(access.path, real_root) or access.path in permitted:
                continue
            if access.op in _METADATA and _within(real_root, access.path):
                continue
            bad.append(access)
        return bad


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


_real_readlink = os.readlink
_real_realpath = os.path.realpath


def _physical(path: Any, dir_fd: int | None, follow: bool) -> str:
    text = os.fsdecode(os.fspath(path))
    if dir_fd is not None and not os.path.isabs(text):
        text = os.path.join(_real_readlink(f"/proc/self/fd/{dir_fd}"), text)
    text = os.path.abspath(text)
    if follow:
        return _real_realpath(text)
    head, tail = os.path.split(text)
    return os.path.join(_real_realpath(head), tail)


def _patch(spy: FileSpy) -> list[tuple[Any, str, Any]]:
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
        original = getattr(owner, name)
        saved.append((owner, name, original))
        setattr(owner, name, make(original))

    def opener(original: Any) -> Any:
        def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            spy.record("open", file)
            return original(file, *args, **kwargs)

        return spy_open

    def os_open(original: Any) -> Any:
        def spy_os_open(path: Any, flags: int, *args: Any, dir_fd: int | None = None,
                        **kwargs: Any) -> Any:  # fmt: skip
            follow = not flags & getattr(os, "O_NOFOLLOW", 0)
            spy.record("open", path, dir_fd=dir_fd, follow=follow)
            return original(path, flags, *args, dir_fd=dir_fd, **kwargs)

        return spy_os_open

    def stat(op: str) -> Callable[[Any], Any]:
        def make(original: Any) -> Any:
            def spy_stat(path: Any, *args: Any, dir_fd: int | None = None,
                         follow_symlinks: bool = True, **kwargs: Any) -> Any:  # fmt: skip
                follow = follow_symlinks and op != "lstat"
                spy.record("stat" if follow else "lstat", path, dir_fd=dir_fd, follow=follow)
                if op == "lstat":
                    return original(path, *args, dir_fd=dir_fd, **kwargs)
                return original(
                    path, *args, dir_fd=dir_fd, follow_symlinks=follow_symlinks, **kwargs
                )

            return spy_stat

        return make

    def lister(op: str, follow: bool = True) -> Callable[[Any], Any]:
        def make(original: Any) -> Any:
            def spy_list(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
                spy.record(op, path, dir_fd=kwargs.get("dir_fd"), follow=follow)
                return original(path, *args, **kwargs)

            return spy_list

        return make

    wrap(builtins, "open", opener)
    wrap(io, "open", opener)
    wrap(os, "open", os_open)
    wrap(os, "stat", stat("stat"))
    wrap(os, "lstat", stat("lstat"))
    wrap(os, "scandir", lister("list"))
    wrap(os, "listdir", lister("list"))
    wrap(os, "readlink", lister("readlink", follow=False))
    for name in ("unlink", "remove", "mkdir", "rmdir", "chmod", "utime"):
        wrap(os, name, lister("write"))
    for name in ("replace", "rename"):
        wrap(os, name, lister("write"))
    return saved


@pytest.fixture
def file_spy() -> Iterator[FileSpy]:
    """A fresh :class:`FileSpy`; enter ``file_spy.active()`` around the code under watch."""
    yield FileSpy()


def crawl_all(pages: list[Any], root: Path, **options: Any) -> Manifest:
    """``build_manifest`` without render-aware pruning: every reference found is listed and
    followed, so these tests watch the whole crawl, not the selector and font matching."""
    return build_manifest(pages, root, prune=False, **options)


# -- a site with a secret beside it ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Area:
    """A test area: ``root`` (the site) and ``outside`` (a sibling holding ``secret``)."""

    base: Path
    root: Path
    outside: Path
    secret: Path

    def write(self, files: dict[str, str | bytes]) -> Path:
        """Write ``{root-relative path: content}`` and return the root."""
        for name, content in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return self.root


def make_area(base: Path) -> Area:
    """A fresh area under ``base``: ``site/`` and ``outside/secret.css`` beside it."""
    root = base / "site"
    outside = base / "outside"
    root.mkdir(parents=True)
    outside.mkdir()
    secret = outside / "secret.css"
    secret.write_text("@import 'stolen.css'; body { background: url(stolen.png) }\n")
    (outside / "page.html").write_text("<link rel=stylesheet href=secret.css>\n")
    return Area(base, root, outside, secret)


@pytest.fixture
def area(tmp_path: Path) -> Area:
    return make_area(tmp_path)


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty directory of its own: the CLI's default cache and manifest land there,
    not in the checkout, and outside every test area the spy checks."""
    cwd = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(cwd)
    return cwd
