"""Where the incremental cache lives, and what happens when it cannot be used: anchored to the
settings or the root (never the current directory), a warning when it is unusable, mode 0600
whenever it is created."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from push_manifest.cache import CACHE_DIR_NAME, default_cache_dir, user_cache_home
from push_manifest.cli import cli


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "project" / "dist"
    (root / "css").mkdir(parents=True)
    (root / "index.html").write_text('<link rel="stylesheet" href="css/app.css">')
    (root / "css/app.css").write_text("body { background: url(bg.png) }")
    (root / "css/bg.png").write_bytes(b"")
    return root


def run(*args: str | os.PathLike[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [os.fspath(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stderr


def cache_warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.endswith("[cache]")]


def the_cache_warning(*args: str | os.PathLike[str]) -> str:
    """Run with ``args``; the run succeeds and warns about the cache exactly once."""
    code, stderr = run(*args)
    assert code == 0, stderr
    warnings = cache_warnings(stderr)
    assert len(warnings) == 1, stderr
    return warnings[0]


def pages_in(cache: Path) -> int:
    with sqlite3.connect(cache / "cache.sqlite") as db:
        (count,) = db.execute("SELECT count(*) FROM pages").fetchone()
    return int(count)


def test_without_settings_the_cache_is_per_root_and_never_in_the_current_directory(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = default_cache_dir(dist)
    assert expected.parent == user_cache_home() / "sites"
    for cwd in (dist / "css", dist.parent):
        monkeypatch.chdir(cwd)
        code, stderr = run("-f", "index.html" if cwd == dist else dist, "-m", "-", "-q")
        assert code == 0, stderr
        assert not (cwd / CACHE_DIR_NAME).exists()
    assert not list(dist.rglob(CACHE_DIR_NAME))
    assert pages_in(expected) == 1  # both runs used the same cache


def test_with_settings_the_cache_is_beside_pyproject_toml(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = dist.parent
    (project / "pyproject.toml").write_text(
        '[tool.http2-push-manifest]\nfile = ["dist/**/*.html"]\nroot = "dist"\nmanifest = "-"\n'
    )
    monkeypatch.chdir(dist / "css")
    assert run("-q") == (0, "")
    assert pages_in(project / CACHE_DIR_NAME) == 1
    assert not (dist / "css" / CACHE_DIR_NAME).exists()

    (project / "pyproject.toml").write_text(
        '[tool.http2-push-manifest]\nfile = ["dist/**/*.html"]\nroot = "dist"\nmanifest = "-"\n'
        'cache-dir = "build/cache"\n'
    )
    assert run("-q") == (0, "")
    assert pages_in(project / "build/cache") == 1  # relative to pyproject.toml, like file


@pytest.mark.parametrize("how", ["database-is-a-directory", "parent-is-a-file"])
def test_an_unusable_cache_gives_one_warning_and_the_run_goes_on(
    dist: Path, tmp_path: Path, how: str
) -> None:
    cache = tmp_path / "cache"
    if how == "database-is-a-directory":
        (cache / "cache.sqlite").mkdir(parents=True)
    else:
        (tmp_path / "build").write_text("a file where a directory should be")
        cache = tmp_path / "build" / "cache"
    warning = the_cache_warning("-f", dist, "-m", "-", "--cache-dir", cache)
    assert warning.startswith(f"warning: {cache}: cannot use the cache: ")
    assert warning.endswith("pass --no-cache) [cache]")


@pytest.fixture
def small_fs(tmpfs: Callable[[str], Path]) -> Path:
    return tmpfs("256k")


def test_a_read_only_cache_gives_one_warning(dist: Path, small_fs: Path) -> None:
    cache = small_fs / "cache"
    assert run("-f", dist, "-m", "-", "--cache-dir", cache, "-q")[0] == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    (dist / "about.html").write_text("<img src=a.png>")
    warning = the_cache_warning("-f", f"{dist}/*.html", "-m", "-", "--cache-dir", cache)
    assert "cannot use the cache: the directory is not writable" in warning


def test_a_full_disk_under_the_cache_gives_one_warning(dist: Path, small_fs: Path) -> None:
    cache = small_fs / "cache"
    for i in range(300):  # about 300 KiB of results and documents: more than fits
        (dist / f"p{i}.html").write_text(
            f'<link rel="stylesheet" href="css/s{i}.css">' + f"<img src=i{i}.png>" * 50
        )
        (dist / f"css/s{i}.css").write_text(f".c{i} {{ color: red }}" * 100)
    warning = the_cache_warning("-f", f"{dist}/*.html", "-m", "-", "--cache-dir", cache)
    assert "cannot use the cache: database or disk is full" in warning


def test_a_cache_rebuilt_after_corruption_keeps_mode_0600(dist: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run("-f", dist, "-m", "-", "--cache-dir", cache, "-q")[0] == 0
    database = cache / "cache.sqlite"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    database.unlink()
    database.write_bytes(b"not a database at all" * 100)
    os.chmod(database, 0o644)
    assert run("-f", dist, "-m", "-", "--cache-dir", cache, "-q") == (0, "")
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert pages_in(cache) == 1
