"""The parts of ``verify`` that need no browser: comparison, renderers, manifest files,
thresholds, the command line's dispatch, and that only ``verify`` imports Playwright."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from push_manifest import cli
from push_manifest.errors import InputError
from push_manifest.verify import recorder
from push_manifest.verify.compare import Outcome, compare_page
from push_manifest.verify.observe import observed_entry
from push_manifest.verify.recorder import Initiator, PageRecording, RecordedRequest
from push_manifest.verify.report import render_table, to_json
from push_manifest.verify.run import VerifyResult, read_listing


def _request(url: str, initiator: Initiator, kind: str = "Image") -> RecordedRequest:
    return RecordedRequest(url, kind, initiator, "/index.html", 200)


RECORDING = PageRecording(
    "/index.html",
    (
        _request("/a.css", Initiator.PARSER, "Stylesheet"),
        _request("/font.woff2", Initiator.STYLESHEET, "Font"),
        _request("/late.js", Initiator.SCRIPT, "Script"),
        _request("/favicon.png", Initiator.OTHER),
        _request("/a.css", Initiator.SCRIPT, "Stylesheet"),
    ),
    ("http://example.com/x.png",),
    (),
    True,
)


def test_every_url_falls_in_one_class() -> None:
    listed = {"/a.css": "html-stylesheet in /index.html", "/gone.png": "html-img in /index.html"}
    report = compare_page("index.html", "/index.html", RECORDING, listed)
    assert [(e.url, e.outcome, e.reason) for e in report.entries] == [
        ("/a.css", Outcome.LISTED, "html-stylesheet in /index.html"),
        ("/font.woff2", Outcome.MISSED, ""),
        ("/late.js", Outcome.SCRIPT, ""),
        ("/favicon.png", Outcome.OTHER, ""),
        ("/gone.png", Outcome.EXTRA, "html-img in /index.html"),
    ]
    assert report.recall == (1, 2)
    assert report.precision == (1, 2)


def test_the_table_puts_failed_and_worst_pages_first() -> None:
    bad = compare_page("bad.html", "/bad.html", RECORDING, {"/gone.png": "html-img in /bad.html"})
    good = compare_page("good.html", "/good.html", RECORDING, {"/a.css": "x", "/font.woff2": "y"})
    from push_manifest.verify.compare import PageReport

    broken = PageReport("crash.html", "/crash.html", error="Error: Target crashed")
    result = VerifyResult((good, bad, broken), {})
    text = render_table(result)
    assert text.splitlines()[0] == "crash.html: FAILED: Error: Target crashed"
    assert text.index("bad.html") < text.index("good.html")
    assert "    /gone.png  (html-img in /bad.html)" in text
    assert text.splitlines()[-1] == (
        "total: 3 page(s), 1 page(s) failed; recall 2/4 (50%), precision 2/3 (67%)"
    )
    data = to_json(result)
    assert data["recall"] == {"found": 2, "total": 4, "ratio": 0.5}
    assert [page["page"] for page in data["pages"]] == ["good.html", "bad.html", "crash.html"]  # type: ignore[index]


def test_a_manifest_file_in_either_format(tmp_path: Path) -> None:
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"/a.css": {"type": "style", "weight": 256}}))
    assert read_listing(single, ["index.html"]) == {
        "index.html": {"/a.css": "listed in single.json"}
    }
    with pytest.raises(InputError, match="single-page manifest"):
        read_listing(single, ["a.html", "b.html"])
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(InputError, match="cannot read the manifest"):
        read_listing(broken, ["index.html"])


def test_main_help_names_verify() -> None:
    result = CliRunner().invoke(cli.cli, ["--help"])
    assert result.exit_code == 0
    assert "verify  check the manifest against what headless Chromium fetches" in result.output


def test_main_dispatches_only_the_first_argument() -> None:
    command, args, prog = cli._command(["verify", "-f", "x.html"])
    assert (command.name, args, prog) == ("verify", ["-f", "x.html"], "http2-push-manifest verify")
    assert cli._command(["-f", "verify"]) == (cli.cli, ["-f", "verify"], "http2-push-manifest")


def test_importing_the_cli_does_not_import_playwright() -> None:
    code = (
        "import sys, push_manifest.cli, push_manifest.verify, push_manifest.verify.command; "
        "print(sorted(m for m in sys.modules if m.startswith('playwright')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_missing_driver_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    with pytest.raises(recorder.BrowserUnavailable) as caught:
        recorder.require_driver()
    assert str(caught.value) == (
        "the Python browser driver (playwright) is missing: "
        "pip install 'http2-push-manifest[verify]'"
    )
    (tmp_path / "index.html").write_text("<!doctype html>")
    from push_manifest.verify.command import verify_command

    result = CliRunner().invoke(verify_command, ["-q", "-f", str(tmp_path / "index.html")])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {caught.value}\n"


def test_verify_runs_through_python_m(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "push_manifest", "verify", "--help"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.startswith("Usage: http2-push-manifest verify [OPTIONS]")


def _seen(
    url: str, kind: str, initiator: Initiator, by: str = "/index.html", mime: str = ""
) -> RecordedRequest:
    return RecordedRequest(url, kind, initiator, by, 200, mime)


def test_observed_entries_are_typed_from_the_request_and_weighed_as_their_kind() -> None:
    listed: dict[str, dict[str, object]] = {
        "/css/app.css": {"type": "style", "weight": 256},
        "/js/app.js": {"type": "script", "weight": 180},
    }
    cases = [
        (_seen("/late.css", "Stylesheet", Initiator.SCRIPT), {"type": "style", "weight": 212}),
        (
            _seen("/f.woff2", "Font", Initiator.STYLESHEET, "/css/app.css"),
            {"type": "font", "weight": 220, "crossorigin": "anonymous"},
        ),
        (
            _seen("/bg.png", "Other", Initiator.STYLESHEET, "/css/app.css", "image/png"),
            {"type": "image", "weight": 112},
        ),
        (
            _seen("/data.json", "XHR", Initiator.SCRIPT, "/js/app.js"),
            {"type": "fetch", "weight": 180, "crossorigin": "anonymous"},
        ),
        # Deeper discovery never weighs more than the document that asked.
        (
            _seen("/x.css", "Stylesheet", Initiator.SCRIPT, "/js/app.js"),
            {"type": "style", "weight": 180},
        ),
        (
            _seen("/song", "Media", Initiator.PARSER, mime="audio/mpeg"),
            {"type": "audio", "weight": 48},
        ),
        (_seen("/ping", "Ping", Initiator.SCRIPT), {"type": "", "weight": 1}),
    ]
    for request, expected in cases:
        assert observed_entry(request, listed) == {**expected, "observed": True}, request.url
    uniform = observed_entry(cases[1][0], listed, uniform=True)
    assert uniform == {"type": "font", "weight": 1, "crossorigin": "anonymous", "observed": True}
