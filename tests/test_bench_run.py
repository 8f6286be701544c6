"""The benchmark's own measuring: how often it samples memory, what CPU time it counts, where
the floor's time goes, how much CSS a page loads."""

import json
import sys
from pathlib import Path

import pytest

from bench.gen_site import generate_site
from bench.run import (
    SAMPLE_SECONDS,
    floor,
    measure,
    print_table,
    sample_interval,
    stylesheets_per_page,
)


def test_memory_is_sampled_often_at_first_then_less_often() -> None:
    shortest, longest = SAMPLE_SECONDS
    intervals = [sample_interval(elapsed) for elapsed in (0, 1, 5, 10, 20, 60, 600)]
    assert intervals[0] == shortest
    assert intervals[-1] == longest
    assert intervals == sorted(intervals)
    assert shortest < sample_interval(10) < longest


def test_cpu_time_includes_the_workers_the_child_reaped(tmp_path: Path) -> None:
    burn = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}], check=True)"
    run = measure([sys.executable, "-c", parent], tmp_path, timeout=60)
    assert run.returncode == 0
    assert run.cpu >= 0.4
    assert run.wall >= run.cpu * 0.9  # one process at a time: CPU cannot outrun the clock


def test_the_floor_says_where_its_time_went(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    generate_site(site, 6, seed=3)
    pages = sorted(site.rglob("*.html"))
    sheets = sorted(site.rglob("*.css"))
    parts = floor(site)
    assert (parts["html"], parts["css"]) == (len(pages), len(sheets))
    assert parts["html_bytes"] == sum(p.stat().st_size for p in pages)
    assert parts["css_bytes"] == sum(p.stat().st_size for p in sheets)
    assert parts["html_s"] > 0 and parts["css_s"] > 0
    print_table([], [], {"6": parts})
    shown = capsys.readouterr().out
    assert f"floor at 6 pages: lxml {parts['html_s']:.2f} s for {len(pages)} pages" in shown
    assert f"tinycss2 {parts['css_s']:.2f} s for {len(sheets)} stylesheets" in shown


def test_stylesheets_per_page_counts_each_page_s_style_entries_and_their_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("a" * 1024)
    (tmp_path / "b.css").write_text("b" * 3072)
    manifest = tmp_path / "push_manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "one.html": {
                    "/css/a.css": {"type": "style", "weight": 256},
                    "/b.css?v=2": {"type": "style", "weight": 256},
                    "/gone.css": {"type": "style", "weight": 256},
                    "/img/x.png": {"type": "image", "weight": 1},
                },
                "two.html": {"/css/a.css": {"type": "style", "weight": 256}},
            }
        )
    )
    per_page = stylesheets_per_page(manifest, tmp_path)
    assert per_page == {"sheets": 2.0, "kb": 2.5}  # (3 + 1) sheets, (1 + 3 + 0 + 1) KB, 2 pages
    assert stylesheets_per_page(tmp_path / "missing.json", tmp_path) is None
    print_table([], [], css_per_page={"2": per_page})
    assert "a page at 2 pages loads 2.00 stylesheets, 2 KB" in capsys.readouterr().out
