"""The manifest never replaces an input, and a failed write is a clear exit 2 that leaves the
old manifest as it was: ``-m`` naming a page or a stylesheet, a full file system, a full
standard output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from push_manifest import build_manifest
from push_manifest.cli import cli
from push_manifest.output import written_by_this_tool
from push_manifest.writers import FORMATS, render

from .conftest import REPO, subprocess_env

PAGE = '<link rel="stylesheet" href="css/main.css"><img src="logo.png">'
CSS = "body { background: url(../bg.png) }"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "s"
    (root / "css").mkdir(parents=True)
    (root / "index.html").write_text(PAGE)
    (root / "about.html").write_text(PAGE)
    (root / "css/main.css").write_text(CSS)
    (root / "logo.png").write_bytes(b"\x89PNG")
    (root / "bg.png").write_bytes(b"\x89PNG")
    (root / "notes.txt").write_text("my notes, not a manifest\n")
    return root


def invoke(*args: str | os.PathLike[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [os.fspath(a) for a in args])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("target", ["index.html", "css/main.css", "logo.png", "notes.txt"])
def test_m_naming_an_input_or_any_other_file_under_the_root_writes_nothing(
    site: Path, target: str
) -> None:
    before = (site / target).read_bytes()
    code, stderr = invoke("-f", site / "index.html", "-m", site / target)
    assert code == 2
    assert "refusing to" in stderr and "give -m another file name" in stderr
    assert (site / target).read_bytes() == before
    assert not list(site.rglob(".*.tmp"))


def test_m_naming_a_page_through_a_symlink_outside_the_root_writes_nothing(
    site: Path, tmp_path: Path
) -> None:
    (tmp_path / "link.json").symlink_to(site / "about.html")
    code, stderr = invoke("-f", f"{site}/*.html", "-m", tmp_path / "link.json")
    assert code == 2
    assert "it is a page or a file that the pages load" in stderr
    assert (site / "about.html").read_text() == PAGE


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_manifest_under_the_root_is_rewritten_in_every_format(site: Path, fmt: str) -> None:
    target = site / f"manifest.{fmt}"
    for _ in range(2):  # creates it, then recognises it as its own
        code, stderr = invoke("-f", f"{site}/*.html", "--format", fmt, "-m", target)
        assert code == 0, stderr
    assert "/css/main.css" in target.read_text()
    (site / "about.html").write_text('<link rel="stylesheet" href="css/other.css">')
    code, stderr = invoke("-f", f"{site}/*.html", "--format", fmt, "-m", target)
    assert code == 0, stderr
    assert "/css/other.css" in target.read_text()


@pytest.mark.parametrize("single", [True, False])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_output_is_recognised_and_inputs_are_not(site: Path, fmt: str, single: bool) -> None:
    pages = [site / "index.html"] if single else [site / "index.html", site / "about.html"]
    text = render(build_manifest(pages, root=site, single=single), fmt)
    assert written_by_this_tool(text.encode())
    for other in ["index.html", "css/main.css", "logo.png", "notes.txt"]:
        assert not written_by_this_tool((site / other).read_bytes()), other
    assert not written_by_this_tool(json.dumps({"name": "pkg", "version": "1"}).encode())
    assert not written_by_this_tool(b'{"/a.css": {"type": "style"}}')


@pytest.fixture
def full_disk(tmpfs: Callable[[str], Path]) -> Path:
    return tmpfs("64k")


def fill(directory: Path) -> None:
    with open(directory / "filler", "wb", buffering=0) as handle, pytest.raises(OSError):
        while True:
            handle.write(b"\0" * 4096)


def test_a_full_disk_is_exit_2_with_the_reason_and_the_old_manifest_intact(
    site: Path, full_disk: Path
) -> None:
    target = full_disk / "push_manifest.json"
    code, stderr = invoke("-f", site / "index.html", "-m", target)
    assert code == 0, stderr
    old = target.read_bytes()
    (site / "index.html").write_text(PAGE + "<script src=app.js></script>" * 2000)
    fill(full_disk)
    code, stderr = invoke("-f", site / "index.html", "-m", target)
    assert code == 2
    assert stderr.splitlines()[-1] == (
        f"Error: cannot write {str(target)!r}: No space left on device"
    )
    assert "internal error" not in stderr
    assert target.read_bytes() == old
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler", "push_manifest.json"]


def test_a_full_standard_output_is_exit_2_and_one_line(site: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "push_manifest", "-f", str(site / "index.html"), "-m", "-"],
            stdout=full, stderr=subprocess.PIPE, text=True, cwd=REPO, env=subprocess_env(),
            timeout=60, check=False,
        )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "Error: cannot write to standard output: No space left on device\n"
