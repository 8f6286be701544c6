"""The command line, through click's CliRunner and once as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from push_manifest import __version__
from push_manifest.cli import cli

from .conftest import FIXTURES

COMPAT = FIXTURES / "npm-compat"
SiteMaker = Callable[[dict[str, str | bytes]], Path]


def run(*args: str | os.PathLike[str]) -> click.testing.Result:
    return CliRunner().invoke(cli, [os.fspath(a) for a in args], catch_exceptions=False)


def test_every_option_is_documented_in_help() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for param in cli.params:
        for opt in param.opts:
            assert re.search(rf"(?<![\w-]){re.escape(opt)}\b", result.output), opt
        if isinstance(param, click.Option) and param.name not in ("help", "version"):
            assert param.help, f"{param.name} has no help text"


def test_short_help_and_version_flags() -> None:
    assert run("-h").exit_code == 0
    result = run("-v")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_single_page_writes_default_manifest_in_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("-f", COMPAT / "index.html")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "push_manifest.json").read_text())
    assert "/css/app.css" in data
    assert data["/css/app.css"]["type"] == "style"


def test_stdout_carries_only_the_manifest_and_warnings_go_to_stderr() -> None:
    result = run("-f", COMPAT / "index.html", "-m", "-")
    assert result.exit_code == 0
    json.loads(result.stdout)
    assert "doesntexist.json" in result.stderr
    assert all(line.startswith("warning: ") for line in result.stderr.splitlines())


def test_quiet_silences_warnings() -> None:
    result = run("-f", COMPAT / "index.html", "-m", "-", "--quiet")
    assert result.stderr == ""


def test_two_pages_give_multi_page_format(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    result = run("-f", COMPAT / "index.html", "-f", COMPAT / "page2.html", "-m", out)
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert list(data) == ["index.html", "page2.html"]
    assert list(data["page2.html"]) == ["/css/app.css", "/js/app.js"]


def test_directory_means_its_index_html() -> None:
    by_dir = run("-f", COMPAT, "-m", "-", "-q").stdout
    by_file = run("-f", COMPAT / "index.html", "-m", "-", "-q").stdout
    assert by_dir == by_file


def test_glob_pattern_expands_sorted_and_gives_multi_page_keys(make_site: SiteMaker) -> None:
    root = make_site(
        {
            "index.html": '<link rel="stylesheet" href="/a.css">',
            "blog/index.html": '<link rel="stylesheet" href="../a.css">',
            "blog/post.html": '<img src="p.png">',
            "a.css": "",
            "blog/p.png": "",
        }
    )
    result = run("-f", f"{root}/**/*.html", "--root", root, "-m", "-")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["blog/index.html", "blog/post.html", "index.html"]
    assert data["blog/index.html"] == data["index.html"]
    assert list(data["blog/post.html"]) == ["/blog/p.png"]


def test_root_makes_absolute_urls_resolve_against_it(make_site: SiteMaker) -> None:
    root = make_site({"sub/page.html": '<link rel="stylesheet" href="/css/x.css">', "css/x.css": ""})
    with_root = json.loads(run("-f", root / "sub/page.html", "--root", root, "-m", "-").stdout)
    assert with_root == {"/css/x.css": {"type": "style", "weight": 256}}
    default = run("-f", root / "sub/page.html", "-m", "-")
    assert "missing-file" in default.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "nope.html"], "does not exist"),
        (["-f", "nothing/**/*.html"], "no page matches"),
        (["-f", str(COMPAT / "index.html"), "--root", str(COMPAT / "css/app.css")], "is a file"),
        (["-f", str(COMPAT / "index.html"), "--root", str(COMPAT / "css")], "outside the root"),
        (["-f", str(COMPAT / "index.html"), "-m", "/nonexistent-dir/x.json"], "does not exist"),
        (["-f", str(COMPAT / "index.html"), "--format", "yaml"], "yaml"),
        ([], "-f"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_unchanged_manifest_is_not_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    assert run("-f", COMPAT / "index.html", "-m", out, "-q").exit_code == 0
    os.utime(out, (1_000_000, 1_000_000))
    assert run("-f", COMPAT / "index.html", "-m", out, "-q").exit_code == 0
    assert out.stat().st_mtime == 1_000_000
    out.write_text("{}\n")
    assert run("-f", COMPAT / "index.html", "-m", out, "-q").exit_code == 0
    assert out.read_text() != "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_check_reports_stale_and_fresh(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    stale = run("--check", "-f", COMPAT / "index.html", "-m", out, "-q")
    assert stale.exit_code == 1
    assert "+++" in stale.stdout
    assert not out.exists()
    run("-f", COMPAT / "index.html", "-m", out, "-q")
    assert run("--check", "-f", COMPAT / "index.html", "-m", out, "-q").exit_code == 0


def test_strict_fails_on_missing_files_after_reporting_all() -> None:
    result = run("--strict", "-f", COMPAT / "index.html", "-m", "-")
    assert result.exit_code == 1
    assert "doesntexist.json" in result.stderr
    assert "/api/endpoint" in result.stderr
    assert "2 broken reference" in result.stderr


def test_uniform_weights_writes_weight_one() -> None:
    data = json.loads(run("-f", COMPAT / "index.html", "-m", "-", "-q", "--uniform-weights").stdout)
    assert {entry["weight"] for entry in data.values()} == {1}


def test_python_dash_m_and_console_script_work(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "push_manifest", "-f", str(COMPAT / "index.html"), "-m", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "/js/app.js" in json.loads(result.stdout)
