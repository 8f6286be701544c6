"""``[tool.http2-push-manifest]`` in pyproject.toml: finding it, checking it, merging it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from push_manifest.cli import cli
from push_manifest.config import (
    Config,
    ConfigError,
    default_map,
    find_config,
    load_config,
    option_keys,
    read_config,
)

from .conftest import FIXTURES

COMPAT = FIXTURES / "npm-compat"


def run(*args: str | os.PathLike[str]) -> Result:
    return CliRunner().invoke(cli, [os.fspath(a) for a in args], catch_exceptions=False)


def write_config(directory: Path, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


def defaults(config: Config) -> dict[str, object]:
    with click.Context(cli) as ctx:
        return default_map(config, cli, ctx)


def test_every_option_has_a_key_named_like_the_option() -> None:
    keys = option_keys(cli)
    long_names = {
        opt[2:]
        for param in cli.params
        for opt in param.opts
        if opt.startswith("--") and opt not in ("--help", "--version", "--config")
    }
    assert set(keys) == long_names
    assert {"file", "manifest", "max-depth", "uniform-weights", "strict", "budget"} <= set(keys)


def test_nearest_pyproject_with_the_table_wins(tmp_path: Path) -> None:
    top = write_config(tmp_path, "[tool.http2-push-manifest]\nstrict = true\n")
    write_config(tmp_path / "sub", "[tool.other]\nx = 1\n")
    inner = write_config(tmp_path / "sub/site", "[tool.http2-push-manifest]\nquiet = true\n")
    (tmp_path / "sub/site/deep").mkdir()
    assert find_config(tmp_path / "sub/site/deep") == inner.resolve()
    assert find_config(tmp_path / "sub") == top.resolve()
    assert load_config(tmp_path / "sub").values == {"strict": True}


def test_no_config_anywhere(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    assert load_config(tmp_path) == Config()
    assert read_config(write_config(tmp_path / "x", "[project]\n")).values == {}


def test_relative_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[tool.http2-push-manifest]\nfile = "dist/**/*.html"\nroot = "dist"\nmanifest = "-"\n'
        "max-depth = 2\ntypes = ['style', 'font']\nbudget = '14kB'\n",
    )
    got = defaults(read_config(path))
    base = str(tmp_path.resolve())
    assert got == {
        "files": [os.path.join(base, "dist/**/*.html")],
        "root": os.path.join(base, "dist"),
        "manifest": "-",
        "max_depth": 2,
        "types": ["style", "font"],
        "budget": "14kB",
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("max_depth = 2", "unknown key 'max_depth' (did you mean 'max-depth'?"),
        ("stirct = true", "unknown key 'stirct' (did you mean 'strict'?"),
        ("zzz = 1", "unknown key 'zzz'; valid keys: budget, cache-dir, check, debug"),
        ("help = true", "unknown key 'help'"),
        ("strict = 'yes'", "'strict': expected true or false, got 'yes'"),
        ("max-depth = 'deep'", "'max-depth': 'deep' is not a valid integer"),
        ("max-depth = 0", "'max-depth': 0 is not in the range x>=1"),
        ("max-depth = true", "'max-depth': expected a string or a number, got True"),
        ("manifest = ['a', 'b']", "'manifest': expected one value, got a list"),
        ("format = 'yaml'", "'format': 'yaml' is not one of"),
        ("types = 'css'", "'types': unknown type 'css'"),
        ("budget = 'lots'", "'budget': 'lots' is not a size in bytes"),
        ("exclude = [{a = 1}]", "'exclude': expected a string or a number"),
    ],
)
def test_bad_settings_name_the_file_and_the_key(tmp_path: Path, body: str, message: str) -> None:
    path = write_config(tmp_path, f"[tool.http2-push-manifest]\n{body}\n")
    with pytest.raises(ConfigError) as caught:
        defaults(read_config(path))
    assert message in str(caught.value)
    assert str(path.resolve()) in str(caught.value)


def test_invalid_toml_and_non_table(tmp_path: Path) -> None:
    bad = write_config(tmp_path / "a", "[tool.http2-push-manifest\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        read_config(bad)
    scalar = write_config(tmp_path / "b", '[tool]\n"http2-push-manifest" = 3\n')
    with pytest.raises(ConfigError, match="must be a table"):
        read_config(scalar)
    with pytest.raises(ConfigError, match="does not exist"):
        read_config(tmp_path / "nope.toml")


# -- through the command line ---------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a site under ``site/`` and the current directory in a subdirectory."""
    site = tmp_path / "site"
    (site / "css").mkdir(parents=True)
    (site / "index.html").write_text(
        '<link rel="stylesheet" href="css/a.css"><img src="hero.png"><img src="gone.png">'
    )
    (site / "css/a.css").write_text("body { color: red }")
    (site / "hero.png").write_bytes(b"x" * 100)
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    return tmp_path


def test_cli_reads_the_nearest_config_from_a_subdirectory(project: Path) -> None:
    write_config(
        project,
        '[tool.http2-push-manifest]\nfile = ["site/index.html"]\nmanifest = "site/m.json"\n'
        'exclude = ["*.png"]\nquiet = true\n',
    )
    result = run()
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert json.loads((project / "site/m.json").read_text()) == {
        "/css/a.css": {"type": "style", "weight": 256}
    }


def test_command_line_wins_over_the_config(project: Path) -> None:
    write_config(
        project,
        '[tool.http2-push-manifest]\nfile = ["site/index.html"]\nmanifest = "site/m.json"\n'
        'exclude = ["*.png"]\nstrict = true\nuniform-weights = true\n',
    )
    strict = run("-q")
    assert strict.exit_code == 1
    assert "gone.png" in strict.stderr
    result = run("--no-strict", "-q", "-m", "-", "--exclude", "/gone.png", "--no-uniform-weights")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "/css/a.css": {"type": "style", "weight": 256},
        "/hero.png": {"type": "image", "weight": 128},
    }


def test_explicit_config_file(project: Path, tmp_path: Path) -> None:
    other = write_config(
        tmp_path / "elsewhere",
        f'[tool.http2-push-manifest]\nfile = ["{project / "site"}"]\ntypes = "style"\n',
    )
    result = run("--config", other, "-m", "-", "-q")
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)) == ["/css/a.css"]


def test_quiet_in_config_and_verbose_on_command_line(project: Path) -> None:
    write_config(project, "[tool.http2-push-manifest]\nquiet = true\n")
    result = run("-f", project / "site", "-m", "-", "--verbose")
    assert result.exit_code == 0
    assert "settings: " in result.stderr
    assert "warning: " in result.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("max_depth = 2", "did you mean 'max-depth'"),
        ("budget = 'lots'", "'budget'"),
        ("[broken", "invalid TOML"),
    ],
)
def test_bad_config_is_exit_2_with_one_line(project: Path, body: str, message: str) -> None:
    header = "" if body.startswith("[") else "[tool.http2-push-manifest]\n"
    write_config(project, header + body + "\n")
    result = run("-f", project / "site", "-m", "-")
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_help_works_even_with_a_broken_config(project: Path) -> None:
    write_config(project, "[tool.http2-push-manifest]\nnope = 1\n")
    assert run("--help").exit_code == 0
