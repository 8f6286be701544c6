"""``http2-push-manifest verify`` against the real Chromium, on a site with known differences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from push_manifest.verify.command import verify_command

from .conftest import needs_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(120)]


@pytest.fixture(autouse=True)
def _browser() -> None:
    needs_browser()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(verify_command, ["-q", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_reports_exactly_the_known_differences(site: Path, hand_manifest: Path) -> None:
    code, out, _ = run("-f", str(site / "*.html"), "--root", str(site), "-m", str(hand_manifest),
                       "--json")  # fmt: skip
    assert code == 0
    report = json.loads(out)
    pages = {page["page"]: page for page in report["pages"]}
    index = {e["url"]: (e["outcome"], e["initiator"]) for e in pages["index.html"]["entries"]}
    assert index == {
        "/css/app.css": ("listed", "parser"),
        "/css/late.css": ("script", "script"),
        "/img/logo.png": ("missed", "parser"),
        "/img/ghost.png": ("extra", None),
    }
    extra = next(e for e in pages["index.html"]["entries"] if e["outcome"] == "extra")
    assert extra["listed_because"] == "listed in hand.json"
    assert pages["index.html"]["blocked"] == ["http://example.com/tracker.png"]
    assert pages["index.html"]["recall"] == {"found": 1, "total": 2, "ratio": 0.5}
    assert pages["index.html"]["precision"] == {"found": 1, "total": 2, "ratio": 0.5}
    assert [e["outcome"] for e in pages["simple.html"]["entries"]] == ["listed"]
    assert report["recall"] == {"found": 2, "total": 3, "ratio": 2 / 3}
    assert report["precision"] == {"found": 2, "total": 3, "ratio": 2 / 3}


def test_the_crawled_manifest_agrees_and_the_table_reads(site: Path) -> None:
    code, out, _ = run("-f", str(site / "*.html"), "--root", str(site))
    assert code == 0
    assert out.splitlines() == [
        "index.html: recall 2/2 (100%)  precision 2/2 (100%)  fetched and listed 2",
        "  script-inserted (only running scripts reveal these):",
        "    /css/late.css  (script from /index.html)",
        "  blocked (other origins, aborted):",
        "    http://example.com/tracker.png",
        "",
        "1 page(s) agree with the browser in full",
        "total: 2 page(s); recall 3/3 (100%), precision 3/3 (100%)",
    ]


def test_exit_code_follows_the_thresholds(site: Path, hand_manifest: Path) -> None:
    args = ("-f", str(site / "*.html"), "--root", str(site), "-m", str(hand_manifest))
    code, _, err = run(*args, "--min-recall", "0.7")
    assert code == 1
    assert "recall 2/3 is below --min-recall 0.7" in err
    assert run(*args, "--min-recall", "0.6", "--min-precision", "0.6")[0] == 0
    code, _, err = run(*args, "--min-precision", "0.9")
    assert (code, err.strip()) == (1, "error: precision 2/3 is below --min-precision 0.9")


def test_observe_adds_the_script_inserted_stylesheet(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "observed.json"
    code, _, err = run("-f", str(site / "index.html"), "--root", str(site), "--observe",
                       str(target))  # fmt: skip
    assert code == 0
    assert f"wrote {target}" in err
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == {
        "index.html": {
            "/css/app.css": {"type": "style", "weight": 256},
            "/img/logo.png": {"type": "image", "weight": 128},
            # Typed from the request; weighed as a stylesheet added after parsing.
            "/css/late.css": {"type": "style", "weight": 212, "observed": True},
        }
    }


def test_the_settings_shape_the_manifest_compared(site: Path, tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        f'[tool.http2-push-manifest]\nfile = ["{site / "index.html"}"]\nroot = "{site}"\n'
        'types = ["style"]\nformat = "nginx"\n[tool.http2-push-manifest.verify]\n'
        "min-recall = 0.9\n",
        encoding="utf-8",
    )
    code, out, err = run("--config", str(config), "--json")
    page = json.loads(out)["pages"][0]
    assert {e["url"]: e["outcome"] for e in page["entries"]} == {
        "/css/app.css": "listed",
        "/css/late.css": "script",
        "/img/logo.png": "missed",  # left out by types = ["style"]
    }
    assert (code, err.strip()) == (1, "error: recall 1/2 is below --min-recall 0.9")
    assert run("--config", str(config), "--types", "style,image")[0] == 0


def test_a_missing_browser_is_one_line(site: Path, tmp_path: Path) -> None:
    code, _, err = run("-f", str(site / "index.html"), "--browser", str(tmp_path / "nochrome"))
    assert code == 2
    assert err == (
        f"Error: {tmp_path / 'nochrome'} not found: apt-get install chromium, "
        "or pass --browser PATH\n"
    )


def test_a_page_that_never_goes_quiet_is_reported_and_the_run_goes_on(site: Path) -> None:
    (site / "busy.html").write_text(
        "<!doctype html><script>setInterval(() => fetch('/css/app.css?' + Date.now()), 100)"
        "</script>",
        encoding="utf-8",
    )
    # 8 s: time for simple.html to load and go quiet beside it on a busy 2-core machine.
    code, out, _ = run("-f", str(site / "*.html"), "--root", str(site), "--json",
                       "--timeout", "8")  # fmt: skip
    assert code == 0
    pages = {page["page"]: page for page in json.loads(out)["pages"]}
    assert pages["busy.html"]["timed_out"]
    assert pages["simple.html"]["error"] is None
    assert not pages["simple.html"]["timed_out"]


def test_a_page_that_hangs_the_browser_is_reported_and_the_run_goes_on(site: Path) -> None:
    (site / "spin.html").write_text(
        '<!doctype html><img src="/img/logo.png"><script>for (;;) {}</script>', encoding="utf-8"
    )
    code, out, _ = run("-f", str(site / "*.html"), "--root", str(site), "--json",
                       "--timeout", "2")  # fmt: skip
    assert code == 0
    pages = {page["page"]: page for page in json.loads(out)["pages"]}
    assert pages["spin.html"]["error"] or pages["spin.html"]["timed_out"]
    assert pages["simple.html"]["error"] is None
    assert pages["index.html"]["error"] is None
