"""Bad invocations: one clear line on stderr and exit 2, never a traceback; an internal error is
a short message that says how to get the traceback (issue "Hostile and broken input", item 3).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner

import push_manifest.cli
from push_manifest.cli import cli

from .conftest import Area, subprocess_env


def run(*args: str | os.PathLike[str]) -> click.testing.Result:
    return CliRunner().invoke(cli, [os.fspath(a) for a in args], catch_exceptions=False)


def one_line_error(result: click.testing.Result, *words: str) -> str:
    """The single ``Error:`` line of a failed run (warnings may precede it), checked for
    ``words``; no traceback anywhere."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    assert result.stdout == ""
    return errors[0]


def only_line(result: click.testing.Result) -> str:
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def site(area: Area) -> Path:
    area.write({"index.html": "<link rel=stylesheet href=a.css>", "a.css": ""})
    return area.root


def test_missing_page(site: Path) -> None:
    result = run("-f", site / "nope.html", "-m", "-")
    one_line_error(result, "nope.html", "does not exist")
    assert only_line(result).startswith("Error:")


def test_directory_without_index_html(site: Path) -> None:
    (site / "empty").mkdir()
    result = run("-f", site / "empty", "-m", "-")
    one_line_error(result, "index.html", "does not exist")


def test_page_outside_the_root(area: Area, site: Path) -> None:
    result = run("-f", area.outside / "page.html", "--root", site, "-m", "-")
    one_line_error(result, "page.html", "outside the root")
    assert only_line(result).startswith("Error:")


def test_root_that_does_not_exist(site: Path) -> None:
    result = run("-f", site / "index.html", "--root", site / "missing", "-m", "-")
    one_line_error(result, "missing", "does not exist")
    assert only_line(result).startswith("Error:")


def test_root_that_is_a_file(site: Path) -> None:
    result = run("-f", site / "index.html", "--root", site / "a.css", "-m", "-")
    one_line_error(result, "a.css", "is a file")


@pytest.mark.parametrize("where", ["missing-dir", "file-as-dir", "read-only"])
def test_unwritable_output_directory(site: Path, tmp_path: Path, where: str) -> None:
    if where == "missing-dir":
        target = tmp_path / "no" / "such" / "m.json"
    elif where == "file-as-dir":
        target = site / "a.css" / "m.json"
    elif os.geteuid() == 0:
        target = Path("/sys/push_manifest.json")  # sysfs refuses new files, even to root
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "m.json"
    result = run("-f", site / "index.html", "-m", target)
    one_line_error(result, "cannot write")
    assert not target.exists()


def test_output_path_that_is_a_directory(site: Path, tmp_path: Path) -> None:
    result = run("-f", site / "index.html", "-m", tmp_path)
    one_line_error(result, "directory")


def test_output_path_that_is_a_directory_leaves_no_temporary_file(
    site: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "push_manifest.json"
    target.mkdir(parents=True)
    result = CliRunner().invoke(cli, ["-f", str(site / "index.html"), "-m", str(target)])
    assert result.exit_code in (2, 3) and "Traceback" not in result.output
    assert [p.name for p in target.parent.iterdir()] == ["push_manifest.json"]


def test_glob_matching_nothing(site: Path) -> None:
    result = run("-f", f"{site}/**/*.htm", "-m", "-")
    one_line_error(result, "no page matches", ".htm")
    assert only_line(result).startswith("Error:")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--check", "-m", "-"), ("--check",)),
        (("--quiet", "--verbose"), ("--quiet", "--verbose")),
    ],
    ids=["check-with-stdout", "quiet-and-verbose"],
)
def test_conflicting_options(site: Path, args: tuple[str, ...], words: tuple[str, ...]) -> None:
    result = run("-f", site / "index.html", *args)
    one_line_error(result, *words)


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (("--viewport-width", "0"), "--viewport-width"),
        (("--dpr", "-1"), "--dpr"),
        (("--format", "yaml"), "--format"),
        (("--jobs", "0"), "--jobs"),
        (("--max-depth", "many"), "--max-depth"),
        (("--budget", "lots"), "--budget"),
        (("--types", "style,sound"), "sound"),
        (("--no-such-option",), "--no-such-option"),
    ],
)
def test_invalid_option_values(site: Path, args: tuple[str, ...], word: str) -> None:
    result = run("-f", site / "index.html", "-m", "-", *args)
    one_line_error(result, word)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('viewport-width = "wide"', ("viewport-width", "pyproject.toml")),
        ("strict = 3", ("strict", "pyproject.toml")),
        ('types = ["style", "sound"]', ("sound",)),
        ("no-such-key = 1", ("no-such-key",)),
        ("this is not toml", ("pyproject.toml", "TOML")),
    ],
    ids=["float", "flag", "types", "unknown-key", "syntax"],
)
def test_invalid_config_value(
    site: Path, _elsewhere: Path, table: str, words: tuple[str, ...]
) -> None:
    (_elsewhere / "pyproject.toml").write_text(f"[tool.http2-push-manifest]\n{table}\n")
    result = run("-f", site / "index.html", "-m", "-")
    one_line_error(result, *words)
    assert only_line(result).startswith("Error:")


def test_config_file_that_does_not_exist(site: Path) -> None:
    result = run("-f", site / "index.html", "-m", "-", "--config", "missing.toml")
    one_line_error(result, "missing.toml")


@pytest.mark.parametrize("args", [("--quiet", "--verbose"), ("--jobs", "0")], ids=str)
def test_usage_errors_are_one_line(site: Path, args: tuple[str, ...]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "push_manifest", "-f", str(site / "index.html"), *args],
        capture_output=True, text=True, check=False, env=subprocess_env(),
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_internal_error_is_short_and_points_to_debug(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something impossible happened")

    monkeypatch.setattr(push_manifest.cli, "build", broken)
    result = CliRunner().invoke(cli, ["-f", str(site / "index.html"), "-m", "-"])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert "RuntimeError" in line and "something impossible happened" in line
    assert "--debug" in line

    debug = CliRunner().invoke(cli, ["-f", str(site / "index.html"), "-m", "-", "--debug"])
    assert debug.exit_code == 3  # the same code: 1 would mean "stale" to a CI step
    assert "Traceback (most recent call last)" in debug.stderr
    assert 'raise RuntimeError("something impossible happened")' in debug.stderr
    assert debug.stderr.splitlines()[-1] == line


def test_ctrl_c_is_one_line_not_a_traceback(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(push_manifest.cli, "build", interrupted)
    result = CliRunner().invoke(cli, ["-f", str(site / "index.html"), "-m", "-"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) <= 1


def test_bad_invocation_as_a_real_process(site: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "push_manifest", "-f", str(site / "missing.html")],
        capture_output=True, text=True, check=False, env=subprocess_env(),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: page {str(site / 'missing.html')!r} does not exist; check the -f argument"
    ]
