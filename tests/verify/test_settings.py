"""``verify`` reads the settings of ``pyproject.toml`` as the main command does, shares its
crawl options, and passes over the main command's output keys; no browser needed (a missing
one stops the run after the crawl)."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

from click.testing import CliRunner

from push_manifest import cli
from push_manifest.cli_options import NOT_VERIFY
from push_manifest.config import option_keys
from push_manifest.verify import run as verify_run
from push_manifest.verify.command import verify_command

SHARED = {
    "file", "root", "max-page-size", "device", "viewport-width", "viewport-height", "dpr",
    "prune", "installed-font", "include-lazy", "uniform-weights", "jobs", "include", "exclude",
    "types", "max-depth", "max-resources", "budget", "quiet",
}  # fmt: skip


def test_every_main_setting_is_shared_or_passed_over() -> None:
    main = set(option_keys(cli.cli))
    own = set(option_keys(verify_command))
    assert main - NOT_VERIFY == SHARED
    assert own >= SHARED
    assert main >= NOT_VERIFY
    assert own & NOT_VERIFY == {"manifest"}  # verify's -m is a file to compare with


def _project(tmp_path: Path, settings: str) -> Path:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<!doctype html>", encoding="utf-8")
    config = tmp_path / "pyproject.toml"
    config.write_text(settings, encoding="utf-8")
    return config


def run(config: Path, *args: str) -> tuple[int, str]:
    """Run ``verify`` with a browser that does not exist, the Python driver taken as present
    (its own check is tested in ``test_pure.py``; the lowest-bounds run has no driver)."""
    nochrome = str(config.parent / "nochrome")
    with patch.object(verify_run, "require_driver", lambda: None):
        result = CliRunner().invoke(
            verify_command, ["-q", "--config", str(config), "--browser", nochrome, *args],
            catch_exceptions=False,
        )  # fmt: skip
    return result.exit_code, result.stderr


def test_pages_come_from_the_settings_and_output_keys_are_passed_over(tmp_path: Path) -> None:
    config = _project(
        tmp_path,
        '[tool.http2-push-manifest]\nfile = ["site/index.html"]\nroot = "site"\n'
        'manifest = "site/push.conf"\nformat = "nginx"\nheader-budget = 4000\n'
        'types = ["style,font"]\nbudget = "14kB"\ninstalled-font = ["Inter"]\n',
    )
    code, err = run(config)
    # The crawl ran (the pages and root were found); the run stopped at the missing browser,
    # not at the main command's keys, and -m was not taken from 'manifest'.
    assert (code, err) == (2, f"Error: {config.parent / 'nochrome'} not found: "
                              "apt-get install chromium, or pass --browser PATH\n")  # fmt: skip


def test_verify_has_a_table_of_its_own_that_the_main_command_passes_over(
    tmp_path: Path,
) -> None:
    config = _project(
        tmp_path,
        '[tool.http2-push-manifest]\nfile = ["site/index.html"]\n'
        "[tool.http2-push-manifest.verify]\nworkers = 0\n",
    )
    code, err = run(config)
    assert code == 2
    assert "[tool.http2-push-manifest] 'workers': 0 is not in the range x>=1" in err
    main = CliRunner().invoke(
        cli.cli, ["--config", str(config), "-q", "-m", "-"], catch_exceptions=False
    )
    assert main.exit_code == 0, main.stderr


def test_an_unknown_key_is_still_an_error(tmp_path: Path) -> None:
    config = _project(tmp_path, '[tool.http2-push-manifest]\nfile = ["site/index.html"]\nfoo = 1\n')
    code, err = run(config)
    assert code == 2
    assert "unknown key 'foo'" in err


def test_no_pages_is_a_usage_error(tmp_path: Path) -> None:
    config = _project(tmp_path, "[tool.http2-push-manifest]\njobs = 1\n")
    code, err = run(config)
    assert code == 2
    assert "no pages: pass -f PAGE" in err
