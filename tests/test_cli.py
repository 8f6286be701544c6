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
from push_manifest.writers import FORMATS

from .conftest import FIXTURES

COMPAT = FIXTURES / "npm-compat"
SUMMARY = (
    r"wrote the manifest to standard output: \d+ page\(s\), \d+ resource entries "
    r"\(\d+ distinct\)(, \d+ warning\(s\))?"
)
SiteMaker = Callable[[dict[str, str | bytes]], Path]


def run(*args: str | os.PathLike[str]) -> click.testing.Result:
    return CliRunner().invoke(cli, [os.fspath(a) for a in args], catch_exceptions=False)


def console_script() -> Path:
    """The installed ``http2-push-manifest``, next to the interpreter running the tests (a
    virtual environment's ``bin/``), whether or not that directory is on ``PATH``."""
    script = Path(sys.executable).parent / "http2-push-manifest"
    if not os.access(script, os.X_OK):
        pytest.fail(
            f"the console script is not installed next to {sys.executable} (looked for {script});"
            f" install the package with this interpreter: {sys.executable} -m pip install -e"
            " '.[test]'",
            pytrace=False,
        )
    return script


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
    *warnings, summary = result.stderr.splitlines()
    assert all(line.startswith("warning: ") for line in warnings)
    assert re.fullmatch(SUMMARY, summary), summary


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
    root = make_site(
        {"sub/page.html": '<link rel="stylesheet" href="/css/x.css">', "css/x.css": ""}
    )
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


def test_a_warm_rerun_reads_the_written_manifest_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing changed: the text is the file's, so nothing is guarded, crawled or written;
    the summary's counts are the first run's."""
    out, cache = tmp_path / "m.json", tmp_path / "cache"
    args = ("-f", f"{COMPAT}/*.html", "--root", COMPAT, "-m", out, "--cache-dir", cache)
    first = run(*args)
    assert first.exit_code == 0 and f"wrote {out}: " in first.stderr and "warning: " in first.stderr
    guarded: list[str] = []
    monkeypatch.setattr(
        "push_manifest.cli.guard_target", lambda target, manifest: guarded.append(target)
    )
    monkeypatch.setattr("push_manifest.api.apply_filters", None)  # nothing is filtered again
    monkeypatch.setattr("push_manifest.cli.holds_text", None)  # nor the file read twice
    again = run(*args)
    assert again.exit_code == 0, again.output
    assert again.stderr == first.stderr.replace(f"wrote {out}", f"{out} unchanged")
    assert guarded == []
    assert run("--check", *args).exit_code == 0


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


@pytest.mark.parametrize("how", ["python -m", "console script"])
def test_python_dash_m_and_console_script_work(how: str) -> None:
    command = [sys.executable, "-m", "push_manifest"] if how == "python -m" else [console_script()]
    result = subprocess.run(
        [*command, "-f", COMPAT / "index.html", "-m", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "/js/app.js" in json.loads(result.stdout)


# -- build-step ergonomics: --check, --strict, filters, --verbose ------------------------------


@pytest.fixture
def site(make_site: SiteMaker) -> Path:
    return make_site(
        {
            "index.html": '<link rel="stylesheet" href="css/app.css"><script src="js/app.js">'
            '</script><img src="img/hero.png"><img src="img/logo.png"><p>Text in font x</p>',
            "css/app.css": '@import "base.css"; body { background: url(../img/bg.png) }',
            "css/base.css": "@font-face { font-family: x; src: url(../f.woff2) format('woff2') }"
            " html { font-family: x }",
            "js/app.js": "x" * 3000,
            "img/hero.png": "x" * 5000,
            "img/logo.png": "x" * 100,
            "img/bg.png": "x" * 100,
            "f.woff2": "x" * 1000,
        }
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_check_works_with_every_format(site: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    base = ["-f", site / "index.html", "--format", fmt, "-m", out]
    missing = run("--check", *base)
    assert missing.exit_code == 1
    assert not out.exists()
    assert run(*base).exit_code == 0
    fresh = out.read_text()
    assert run("--check", *base).exit_code == 0
    out.write_text(fresh.replace("/css/app.css", "/css/old.css"))
    stale = run("--check", *base)
    assert stale.exit_code == 1
    assert "+" + next(line for line in fresh.splitlines() if "/css/app.css" in line) in stale.stdout
    assert f"{out} is stale" in stale.stderr
    assert out.read_text() != fresh


def test_check_prints_a_unified_diff_of_the_json(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    run("-f", site / "index.html", "-m", out)
    data = json.loads(out.read_text())
    data["/img/logo.png"]["weight"] = 7
    out.write_text(json.dumps(data, indent=2) + "\n")
    result = run("--check", "-f", site / "index.html", "-m", out)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"--- {out} (on disk)"
    assert lines[1] == f"+++ {out} (expected)"
    assert '-    "weight": 7' in lines
    assert '+    "weight": 128' in lines
    assert json.loads(out.read_text())["/img/logo.png"]["weight"] == 7


def test_strict_reports_each_problem_on_one_line_and_writes_nothing(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    root = make_site(
        {
            "index.html": '<link rel="stylesheet" href="a.css">\n<img src="gone.png">\n'
            '<img src="/..%2f..%2fetc/passwd">',
            "a.css": "body { background: url(missing-bg.png) }",
        }
    )
    out = tmp_path / "m.json"
    result = run("--strict", "-q", "-f", root / "index.html", "-m", out)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4
    assert any("index.html:2" in e and "'gone.png'" in e and "does not exist" in e for e in errors)
    assert any("a.css" in e and "'missing-bg.png'" in e and "missing-file" in e for e in errors)
    assert any("etc/passwd" in e and "outside-root" in e for e in errors)
    assert errors[-1] == "error: --strict: 3 broken reference(s); nothing written"
    assert not out.exists()
    relaxed = run("-q", "-f", root / "index.html", "-m", out)
    assert relaxed.exit_code == 0
    assert out.exists()


def test_strict_passes_on_a_clean_site(site: Path) -> None:
    result = run("--strict", "-f", site / "index.html", "-m", "-")
    assert result.exit_code == 0, result.output
    [summary] = result.stderr.splitlines()
    assert re.fullmatch(SUMMARY, summary), summary


def test_filters_from_the_command_line(site: Path) -> None:
    def keys(*args: str | os.PathLike[str]) -> list[str]:
        result = run("-f", site / "index.html", "-m", "-", *args)
        assert result.exit_code == 0, result.output
        return list(json.loads(result.stdout))

    everything = keys()
    assert everything == [
        "/css/app.css", "/css/base.css", "/js/app.js", "/f.woff2",
        "/img/hero.png", "/img/logo.png", "/img/bg.png",
    ]  # fmt: skip
    assert keys("--exclude", "/img/**", "--exclude", "*.js") == [
        "/css/app.css", "/css/base.css", "/f.woff2",
    ]  # fmt: skip
    assert keys("--include", "/css/*") == ["/css/app.css", "/css/base.css"]
    assert keys("--types", "font,script") == ["/js/app.js", "/f.woff2"]
    assert keys("--max-depth", "1") == [
        "/css/app.css", "/js/app.js", "/img/hero.png", "/img/logo.png",
    ]  # fmt: skip
    assert keys("--max-resources", "2") == everything[:2]
    assert keys("--budget", "4.3kB") == [
        "/css/app.css", "/css/base.css", "/js/app.js", "/f.woff2", "/img/logo.png",
    ]  # fmt: skip


def test_verbose_explains_every_resource_and_every_cut(site: Path) -> None:
    result = run("-f", site / "index.html", "-m", "-", "--verbose", "--budget", "1KiB")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == "index.html: 4 resource(s), 3 cut"
    assert "  256 style    /css/base.css  (css-import in css/app.css)" in lines
    assert (
        "  112 image    /img/bg.png  (css-url in css/app.css: background-image of <body> from "
        "'body' in css/app.css)"
    ) in lines  # the render model says which declaration and element fetch it
    assert (
        "  cut /f.woff2: 1000 bytes do not fit in the 874 bytes left of --budget 1024 [budget]"
        in lines
    )
    assert sum(line.startswith("  cut ") for line in lines) == 3
    plain = run("-f", site / "index.html", "-m", "-", "--budget", "1KiB")
    assert plain.stderr == (
        "wrote the manifest to standard output: 1 page(s), 4 resource entries (4 distinct)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--types", "css"], "unknown type 'css'"),
        (["--budget", "lots"], "not a size in bytes"),
        (["--max-depth", "0"], "--max-depth"),
        (["--quiet", "--verbose"], "--quiet and --verbose exclude each other"),
        (["--config", "nope.toml"], "does not exist"),
    ],
)
def test_bad_option_values_are_exit_2(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("-f", site / "index.html", "-m", "-", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_jobs_do_not_change_the_output(make_site: SiteMaker) -> None:
    pages = {
        f"p{i:03}.html": f'<img src="i{i % 7}.png"><link rel=stylesheet href=a.css>'
        for i in range(80)
    }
    root = make_site({**pages, "a.css": "b { background: url(bg.png) }"})
    one = run("-f", f"{root}/*.html", "-m", "-", "-q", "--jobs", "1").stdout
    two = run("-f", f"{root}/*.html", "-m", "-", "-q", "--jobs", "2").stdout
    assert one == two
    assert len(json.loads(one)) == 80


def test_ci_step_from_the_readme_end_to_end(tmp_path: Path) -> None:
    """The GitHub Actions step: settings in pyproject.toml, then ``--check --strict``."""
    site = tmp_path / "public"
    (site / "css").mkdir(parents=True)
    (site / "index.html").write_text('<link rel="stylesheet" href="css/app.css">')
    (site / "css/app.css").write_text("body { color: red }")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.http2-push-manifest]\nfile = ["public/**/*.html"]\nroot = "public"\n'
        'manifest = "public/push_manifest.json"\n'
    )

    def tool(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [console_script(), *args], cwd=tmp_path, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip

    stale = tool("--check", "--strict")
    assert stale.returncode == 1
    assert "+++ " in stale.stdout
    assert tool().returncode == 0
    fresh = tool("--check", "--strict")
    assert (fresh.returncode, fresh.stdout) == (0, "")
    assert fresh.stderr == (
        f"{site / 'push_manifest.json'} is up to date: 1 page(s), 1 resource entries (1 distinct)\n"
    )
    assert tool("--check", "--strict", "-q").stderr == ""
    (site / "index.html").write_text('<link rel="stylesheet" href="css/app.css"><img src=x.png>')
    assert tool().returncode == 0
    broken = tool("--check", "--strict")
    assert broken.returncode == 1
    assert "index.html" in broken.stderr
    assert "'x.png'" in broken.stderr
    assert "error: --strict: 1 broken reference(s)" in broken.stderr


# -- help, usage errors and the summary line ---------------------------------------------------


def test_help_lists_the_exit_codes_and_does_not_mark_file_required() -> None:
    text = run("--help").output
    assert "[required]" not in text
    for code, meaning in [("0", "success"), ("1", "stale"), ("2", "usage error"), ("3", "bug")]:
        assert re.search(rf"^ +{code} +.*{meaning}", text, re.MULTILINE), (code, text)


def test_no_page_anywhere_is_a_usage_error_naming_both_ways_to_give_one() -> None:
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 2
    assert "pass -f PAGE" in result.stderr and "pyproject.toml" in result.stderr


def test_a_shell_expanded_glob_gets_a_hint_to_quote_it(site: Path) -> None:
    (site / "about.html").write_text("<p>about</p>")
    done = subprocess.run(
        [console_script(), "-f", "index.html", "about.html", "-m", "-"],
        cwd=site, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert "unexpected extra argument(s): about.html" in done.stderr
    assert "Quote it" in done.stderr and "-f 'dist/**/*.html'" in done.stderr
    stray = subprocess.run(
        [console_script(), "-f", "index.html", "no-such-file", "-m", "-"],
        cwd=site, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert stray.returncode == 2
    assert "Quote it" not in stray.stderr


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_fifo_or_device_as_page_is_not_a_regular_file(tmp_path: Path, special: str) -> None:
    if special == "fifo":
        os.mkfifo(tmp_path / "fifo")
        special = str(tmp_path / "fifo")
    result = CliRunner().invoke(cli, ["-f", special, "-m", "-"])
    assert result.exit_code == 2
    assert f"page {special!r} is not a regular file" in result.stderr
    assert "does not exist" not in result.stderr


def test_the_summary_line_says_what_became_of_the_manifest(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    counts = "1 page(s), 7 resource entries (7 distinct)"
    assert run("-f", site / "index.html", "-m", out).stderr == f"wrote {out}: {counts}\n"
    assert run("-f", site / "index.html", "-m", out).stderr == f"{out} unchanged: {counts}\n"
    checked = run("-f", site / "index.html", "-m", out, "--check")
    assert checked.stderr == f"{out} is up to date: {counts}\n"
    assert run("-f", site / "index.html", "-m", out, "-q").stderr == ""
