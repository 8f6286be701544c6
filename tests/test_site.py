"""Site: every read and look at a file stays inside the root."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from push_manifest.site import FileState, RealPaths, Site

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


def test_real_paths_agree_with_realpath(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each directory resolved once, the name only when a link: the same answers as
    ``os.path.realpath`` for links to directories and files, relative links, ``..`` after a
    link (not lexical), dangling links, missing files and relative spellings."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "c").mkdir()
    (tmp_path / "a" / "b" / "x.html").write_text("x")
    (tmp_path / "c" / "y.html").write_text("y")
    (tmp_path / "link").symlink_to(tmp_path / "a" / "b")
    (tmp_path / "a" / "ylink.html").symlink_to(tmp_path / "c" / "y.html")
    (tmp_path / "a" / "rel").symlink_to("../c")
    (tmp_path / "dangling.html").symlink_to("nowhere")
    monkeypatch.chdir(tmp_path)
    base = str(tmp_path)
    cases = [
        "a/b/x.html", f"{base}/link/x.html", "link/x.html", f"{base}/a/ylink.html",
        "a/rel/y.html", f"{base}/link/../c/y.html", "./a//b/x.html", f"{base}/missing.html",
        "dangling.html", f"{base}/a/rel/../b/x.html", base, base + "/", ".",
    ]  # fmt: skip
    real_paths = RealPaths()
    for case in cases * 2:  # the second time from the directory cache
        assert real_paths(case) == os.path.realpath(case), case
    assert real_paths.directory("link") == os.path.realpath("link")
