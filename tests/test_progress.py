"""The progress bar: drawn only on long runs, only on a terminal, erased when done."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from push_manifest import cli as cli_module
from push_manifest.progress import ProgressBar, progress_bar

SiteMaker = Callable[[dict[str, str | bytes]], Path]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_drawn_before_the_delay_and_close_is_silent() -> None:
    clock, out = Clock(), io.StringIO()
    bar = ProgressBar(out, delay=1.0, clock=clock)
    clock.now += 0.5
    bar.update(3, 10)
    bar.close()
    assert out.getvalue() == ""
    assert not bar.drawn


def test_bar_shows_done_total_and_rate_then_erases_itself() -> None:
    clock, out = Clock(), io.StringIO()
    bar = ProgressBar(out, delay=1.0, width=10, clock=clock)
    clock.now += 2.0
    bar.update(5, 20)
    assert out.getvalue() == "\r\x1b[K[##........]  5/20 pages  2.5 pages/s"
    bar.close()
    assert out.getvalue().endswith("\r\x1b[K")
    assert bar.drawn
    end = out.getvalue()
    bar.close()
    assert out.getvalue() == end


def test_redraws_are_throttled_but_the_last_one_is_always_drawn() -> None:
    clock, out = Clock(), io.StringIO()
    bar = ProgressBar(out, delay=0, interval=0.5, width=4, clock=clock)
    clock.now += 1
    bar.update(1, 4)
    clock.now += 0.1
    bar.update(2, 4)
    clock.now += 0.1
    bar.update(4, 4)
    frames = [frame for frame in out.getvalue().split("\r\x1b[K") if frame]
    assert frames == ["[#...] 1/4 pages  1.0 pages/s", "[####] 4/4 pages  3.3 pages/s"]


def test_zero_total_does_not_divide_by_zero() -> None:
    bar = ProgressBar(io.StringIO(), clock=Clock())
    assert bar.render(0, 0, 0.0).startswith("[########################] 0/0")


def test_progress_bar_only_on_a_terminal_and_not_when_quiet() -> None:
    assert progress_bar(io.StringIO()) is None
    assert isinstance(progress_bar(Tty()), ProgressBar)
    assert progress_bar(Tty(), enabled=False) is None


def test_cli_feeds_the_bar_and_erases_it(
    monkeypatch: pytest.MonkeyPatch, make_site: SiteMaker
) -> None:
    root = make_site({f"p{i}.html": '<img src="x.png">' for i in range(3)})
    out = io.StringIO()
    bars: list[ProgressBar] = []

    def fake(stream: object, *, enabled: bool = True) -> ProgressBar | None:
        if not enabled:
            return None
        bars.append(ProgressBar(out, delay=0, interval=0))
        return bars[-1]

    monkeypatch.setattr(cli_module, "progress_bar", fake)
    runner = CliRunner()
    result = runner.invoke(cli_module.cli, ["-f", f"{root}/*.html", "-m", "-"])
    assert result.exit_code == 0, result.output
    assert "3/3 pages" in out.getvalue()
    assert out.getvalue().endswith("\r\x1b[K")
    quiet = runner.invoke(cli_module.cli, ["-f", f"{root}/*.html", "-m", "-", "-q"])
    assert quiet.exit_code == 0
    assert len(bars) == 1


def _run_with_tty_stderr(args: list[str], cwd: Path) -> tuple[int, str, str]:
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    process = subprocess.run(
        [sys.executable, "-m", "push_manifest", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=slave,
        timeout=600,
        check=False,
    )
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return process.returncode, process.stdout.decode(), b"".join(chunks).decode()


@pytest.mark.slow
def test_long_run_on_a_terminal_shows_the_bar(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text("body { background: url(bg.png) }")
    for name in ["bg.png", *(f"i{j}.png" for j in range(40))]:
        (tmp_path / name).write_bytes(b"")
    page = '<link rel="stylesheet" href="a.css">' + "".join(
        f'<img src="i{j}.png">' for j in range(40)
    )
    for i in range(2500):
        (tmp_path / f"p{i:04}.html").write_text(page)
    code, stdout, stderr = _run_with_tty_stderr(
        ["-f", "p*.html", "-m", "-", "--jobs", "1", "--include", "*.css"], tmp_path
    )
    assert code == 0
    assert len(json.loads(stdout)) == 2500
    assert "/2500 pages" in stderr
    assert "pages/s" in stderr
    bar, erased, summary = stderr.rpartition("\r\x1b[K")
    assert bar and erased  # the bar is erased before the summary line is printed
    assert summary.startswith("wrote the manifest to standard output: 2500 page(s)")
    code, _, stderr = _run_with_tty_stderr(
        ["-f", "p*.html", "-m", "-", "--jobs", "1", "-q"], tmp_path
    )
    assert code == 0
    assert stderr == ""
