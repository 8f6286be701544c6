"""Input pages: glob patterns expand as :func:`glob.glob` expands them (``recursive=True``),
directory symlinks aside."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import pytest

from push_manifest.errors import InputError
from push_manifest.pages import _glob, expand_pages

FILES = (
    "index.html", ".hidden.html", "a/page.html", "a/b/deep.html", "a/b/c/deeper.htm",
    "a/.secret/x.html", ".cache/y.html", ".cache/z/y.html", "blog/.well-known/w.html",
    "blog/post.html", "blog/post.txt", "img/a.png",
)  # fmt: skip

PATTERNS = (
    "**/*.html", "*.html", "*/*.html", "**", "**/*", "a/**/*.html", "a/**", "**/b/*.html",
    "**/.secret/*.html", ".cache/**/*.html", ".*", ".*/*.html", "**/*.htm?", "blog/*",
    "**/**/*.html", "a/*/*", "[ab]*/*.html", "**/post.*", "nothing/**/*.html",
)  # fmt: skip


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _files(paths: list[str]) -> list[str]:
    return sorted({path for path in paths if os.path.isfile(path)})


@pytest.mark.parametrize("pattern", PATTERNS)
def test_patterns_match_what_glob_matches(tree: Path, pattern: str) -> None:
    """Relative and absolute: ``**`` and ``*`` never take a hidden name that the pattern does
    not spell (a ``.git`` or ``.cache`` folder of the site), as :func:`glob.glob`."""
    assert _files(_glob(pattern)) == _files(glob.glob(pattern, recursive=True))
    absolute = f"{tree}/{pattern}"
    assert _files(_glob(absolute)) == _files(glob.glob(absolute, recursive=True))


def test_hidden_folders_are_not_pages_of_a_recursive_pattern(tree: Path) -> None:
    pages = [path.relative_to(tree).as_posix() for path in expand_pages([f"{tree}/**/*.html"])]
    assert pages == ["a/b/deep.html", "a/page.html", "blog/post.html", "index.html"]
    with pytest.raises(InputError, match="no page matches"):
        expand_pages([f"{tree}/nothing/**/*.html"])
