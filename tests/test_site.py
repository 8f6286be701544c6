"""Site: every read and look at a file stays inside the root."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from push_manifest.site import FileState, Site

MakeSite = Callable[[dict[str, str | bytes]], Path]


def test_stat_gives_the_size_and_time_of_a_file_inside(make_site: MakeSite) -> None:
    root = make_site({"css/a.css": "a{}"})
    status = Site(root).stat(root / "css" / "a.css")
    assert status.st_size == 3
    assert status.st_mtime_ns == (root / "css" / "a.css").stat().st_mtime_ns


def test_stat_and_read_refuse_a_path_outside_the_root(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"a.css": "a{}"})
    (tmp_path / "secret.css").write_text("s{}")
    site = Site(root)
    for method in (site.stat, site.read):
        with pytest.raises(ValueError):
            method(tmp_path / "secret.css")
        with pytest.raises(IsADirectoryError):
            method(root)


def test_stat_does_not_follow_a_symlink_swapped_in(make_site: MakeSite, tmp_path: Path) -> None:
    """A link put where a located file was, or in a directory on its way, is not followed:
    the file outside is neither looked at nor read."""
    root = make_site({"a.css": "a{}", "dir/b.css": "b{}"})
    site = Site(root)
    located = site.locate("http://site.invalid/a.css")
    assert located.state is FileState.FILE and located.path is not None
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.css").write_text("x" * 1000)
    (root / "a.css").unlink()
    (root / "a.css").symlink_to(outside / "b.css")
    status = site.stat(located.path)
    assert status.st_size != 1000 and os.path.islink(located.path)
    with pytest.raises(OSError):
        site.read(located.path)
    (root / "dir" / "b.css").unlink()
    (root / "dir").rmdir()
    (root / "dir").symlink_to(outside)
    for method in (site.stat, site.read):
        with pytest.raises(OSError):
            method(root / "dir" / "b.css")


def test_stat_of_a_missing_file_raises(make_site: MakeSite) -> None:
    root = make_site({"a.css": "a{}"})
    with pytest.raises(FileNotFoundError):
        Site(root).stat(root / "nope.css")


def test_real_path_resolves_links(make_site: MakeSite) -> None:
    root = make_site({"a.html": ""})
    (root / "b.html").symlink_to(root / "a.html")
    assert Site(root).real_path(root / "b.html") == Path(os.path.realpath(root / "a.html"))


@pytest.mark.parametrize(
    ("name", "state"),
    [("a.css", FileState.FILE), ("dir/", FileState.FILE), ("dir", FileState.DIRECTORY),
     ("nope.css", FileState.MISSING), ("fifo", FileState.MISSING)],
)  # fmt: skip
def test_locate_tells_what_a_url_names(make_site: MakeSite, name: str, state: FileState) -> None:
    root = make_site({"a.css": "", "dir/index.html": ""})
    os.mkfifo(root / "fifo")
    assert Site(root).locate(f"http://site.invalid/{name}").state is state
