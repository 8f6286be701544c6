"""The benchmark's own measuring: how often it samples memory, what CPU time it counts, where
the floor's time goes, how much CSS a page loads, the paired min/median/max figures and their
targets, the JSON report, and one real run on tiny sites."""

import hashlib
import json
import statistics
import sys
from pathlib import Path
from typing import Any

import pytest

import bench.run
from bench.gen_site import generate_site
from bench.run import (
    REPORT_FORMAT,
    SAMPLE_SECONDS,
    Figure,
    Report,
    Row,
    Sample,
    Spread,
    checks,
    figures,
    floor,
    main,
    measure,
    paired,
    print_report,
    sample_interval,
    sample_of,
    stylesheets_per_page,
)

BURN = "import time\nend = time.process_time() + {s}\nwhile time.process_time() < end: pass"


def test_memory_is_sampled_often_at_first_then_less_often() -> None:
    shortest, longest = SAMPLE_SECONDS
    intervals = [sample_interval(elapsed) for elapsed in (0, 1, 5, 10, 20, 60, 600)]
    assert intervals[0] == shortest
    assert intervals[-1] == longest
    assert intervals == sorted(intervals)
    assert shortest < sample_interval(10) < longest


def test_cpu_time_includes_the_workers_the_child_reaped(tmp_path: Path) -> None:
    burn = BURN.format(s=0.4)
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}], check=True)"
    run = measure([sys.executable, "-c", parent], tmp_path, timeout=60)
    assert run.returncode == 0
    assert run.cpu >= 0.4
    assert run.wall >= run.cpu * 0.9  # one process at a time: CPU cannot outrun the clock


def _report(rows: list[Row], **extra: Any) -> Report:
    machine = {
        "nproc": 2,
        "cpu": "test cpu",
        "memory_gb": 1.0,
        "os": "test os",
        "python": "3.11",
        "lxml": "6",
        "tinycss2": "1.5",
        "node": "",
        "loadavg_1m": 0.5,
        "loadavg_1m_before": 0.25,
    }
    tool = {"version": "test 1.0", "reason": ""}
    return Report(machine, tool, "classic", 0, 2, 2, rows, **extra)


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
    print_report(_report([], floor_parts={"6": parts}))
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
    print_report(_report([], css_per_page={"2": per_page}))
    assert "a page at 2 pages loads 2.00 stylesheets, 2 KB" in capsys.readouterr().out


# --- min / median / max, paired ratios, targets -------------------------------------------


def _row(pages: int, kind: str, cpu: list[float | None], wall: list[float] | None = None) -> Row:
    samples = [
        Sample("ok" if c is not None else "exit 1", w if c is not None else None, c, 50.0, 100.0)
        for c, w in zip(cpu, wall or [c or 0.0 for c in cpu], strict=True)
    ]
    return Row(pages, kind, kind, samples)


def _by_name(found: list[Figure], name: str, at: str) -> Figure:
    return next(f for f in found if f.name == name and f.at == at)


def test_spread_is_min_median_max_of_the_measured_repeats() -> None:
    assert Spread.of([3.0, None, 1.0, 2.0, 10.0]) == Spread(1.0, 2.5, 10.0, 4)
    assert Spread.of([None, None]) is None
    assert Spread.of([]) is None
    assert paired([2.0, None, 6.0, 1.0], [1.0, 4.0, 3.0, 0.0]) == [2.0, None, 2.0, None]


def test_ratios_are_paired_within_a_repeat_not_medians_over_medians() -> None:
    # The machine got slower in repeat 2 and faster in repeat 3: each repeat's pair moves
    # together, so the paired ratio is steady while the ratio of medians is not.
    floor_1k = [10.0, 20.0, 5.0]
    cold_1k = [8.0, 16.0, 4.0]  # 0.8 of its own floor every time
    floor_10k = [100.0, 200.0, 50.0]
    cold_10k = [70.0, 200.0, 45.0]  # 0.7, 1.0, 0.9
    rows = [
        _row(1000, "floor", floor_1k),
        _row(1000, "cold", cold_1k, wall=[2.0, 6.0, 2.0]),
        _row(1000, "warm", [0.2, 0.4, 0.1]),
        _row(1000, "edit", [0.3, 0.5, 0.2]),
        _row(10000, "floor", floor_10k),
        _row(10000, "cold", cold_10k, wall=[40.0, 120.0, 30.0]),
        _row(10000, "warm", [2.0, 8.0, 1.0]),
        _row(10000, "edit", [4.0, 12.0, 4.0]),
    ]
    found = figures(rows)
    cold = _by_name(found, "cold CPU / floor CPU", "1000")
    assert cold.spread == Spread(0.8, 0.8, 0.8, 3)
    cold_10k_ratio = _by_name(found, "cold CPU / floor CPU", "10000").spread
    assert cold_10k_ratio == Spread(0.7, 0.9, 1.0, 3)
    assert statistics.median(cold_10k) / statistics.median(floor_10k) != cold_10k_ratio.median
    wall = _by_name(found, "cold wall / floor wall", "1000").spread
    assert wall == Spread(0.2, 0.3, 0.4, 3)  # walls 2, 6, 2 over floors 10, 20, 5
    growth = _by_name(found, "cold growth (CPU)", "10000/1000")
    assert growth.spread == Spread(8.75, 11.25, 12.5, 3)  # 70/8, 200/16, 45/4
    assert growth.limit == pytest.approx(10.5) and growth.note == "1.05 x 10000/1000"
    assert growth.ok is False
    floor_growth = _by_name(found, "floor growth (CPU)", "10000/1000")
    assert floor_growth.spread == Spread(10.0, 10.0, 10.0, 3) and floor_growth.limit is None
    per_page = _by_name(found, "cold CPU per page", "10000").spread
    assert per_page == Spread(4.5, 7.0, 20.0, 3)  # ms a page
    warm = _by_name(found, "warm CPU / floor CPU", "10000")
    assert warm.spread == Spread(0.02, 0.02, 0.04, 3) and warm.ok is True
    edit = _by_name(found, "warm+1% CPU / floor CPU", "10000")
    assert edit.spread == Spread(0.04, 0.06, 0.08, 3) and edit.ok is False
    assert _by_name(found, "warm+1% CPU", "10000").spread == Spread(4.0, 4.0, 12.0, 3)


def test_targets_cold_at_every_size_warm_and_memory_at_the_largest() -> None:
    rows = [_row(n, kind, [1.0, 1.0]) for n in (50, 200, 1000) for kind in ("floor", "cold")]
    limits = {(f.name, f.at): f.limit for f in figures(rows) if f.limit is not None}
    assert limits == {
        ("cold CPU / floor CPU", "50"): 1.0,
        ("cold CPU / floor CPU", "200"): 1.0,
        ("cold CPU / floor CPU", "1000"): 1.0,
        ("cold wall / floor wall", "50"): 0.5,
        ("cold wall / floor wall", "200"): 0.5,
        ("cold wall / floor wall", "1000"): 0.5,
        ("cold growth (CPU)", "1000/50"): pytest.approx(21.0),  # 1.05 x 20
        ("warm CPU / floor CPU", "1000"): 0.03,
        ("warm+1% CPU / floor CPU", "1000"): 0.05,
        ("peak tree PSS, cold", "1000"): 350.0,
    }


def test_a_failed_repeat_leaves_its_pair_out_and_a_target_with_no_figure_is_not_applicable() -> (
    None
):
    rows = [
        _row(100, "floor", [10.0, 10.0, 10.0]),
        _row(100, "cold", [5.0, None, 7.0]),
        _row(100, "warm", [None, None, None]),
        _row(100, "edit", [0.2, 0.3, 0.4]),
    ]
    found = figures(rows)
    assert _by_name(found, "cold CPU / floor CPU", "100").spread == Spread(0.5, 0.6, 0.7, 2)
    assert rows[1].status == "exit 1"
    warm = _by_name(found, "warm CPU / floor CPU", "100")
    assert warm.spread is None and warm.ok is None
    verdicts = {c["target"]: c["ok"] for c in checks(found)}
    assert verdicts == {
        "cold CPU / floor CPU at 100": True,
        "cold wall / floor wall at 100": False,
        "warm CPU / floor CPU at 100": None,
        "warm+1% CPU / floor CPU at 100": True,  # 0.02, 0.03, 0.04
        "peak tree PSS, cold at 100": True,
    }


def test_paired_ratios_of_real_measured_runs(tmp_path: Path) -> None:
    """Two repeats of a 0.1 s and a 0.3 s CPU burner, measured and paired."""
    rows = [Row(1, "floor", "floor"), Row(1, "cold", "cold")]
    for _ in range(2):
        for row, seconds in zip(rows, (0.3, 0.1), strict=True):
            cmd = [sys.executable, "-c", BURN.format(s=seconds)]
            row.samples.append(sample_of(measure(cmd, tmp_path, timeout=60), 1, row.kind))
    ratios = paired(rows[1].values("cpu_s"), rows[0].values("cpu_s"))
    spread = _by_name(figures(rows), "cold CPU / floor CPU", "1").spread
    assert spread is not None
    known = [r for r in ratios if r is not None]
    assert len(known) == 2
    assert (spread.min, spread.max) == (min(known), max(known))
    assert spread.median == pytest.approx(statistics.median(known))
    assert 0.2 < spread.median < 0.6  # about (0.1 + start-up) / (0.3 + start-up)


def test_a_failed_run_is_a_sample_with_its_status_and_no_figures(tmp_path: Path) -> None:
    run = measure([sys.executable, "-c", "raise SystemExit(3)"], tmp_path, timeout=60)
    assert sample_of(run, 10, "cold") == Sample("exit 3")


# --- the report ---------------------------------------------------------------------------


def test_the_json_report_round_trips_and_carries_rows_figures_and_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        _row(1000, "floor", [10.0, 12.0]),
        _row(1000, "cold", [9.0, 13.0], wall=[4.0, 8.0]),
        _row(1000, "warm", [0.2, 0.3]),
        _row(1000, "edit", [0.4, 0.5]),
        Row(1000, "npm", "npm 1.0.1", [Sample("not available: npm/node not installed")] * 2),
    ]
    report = _report(rows, edited_pages={"1000": 10})
    data = json.loads(json.dumps(report.to_json()))
    assert data["format"] == REPORT_FORMAT
    assert [r["kind"] for r in data["rows"]] == ["floor", "cold", "warm", "edit", "npm"]
    target = next(t for t in data["targets"] if t["target"] == "cold CPU / floor CPU at 1000")
    assert target == {
        "target": "cold CPU / floor CPU at 1000",
        "value": pytest.approx((0.9 + 13 / 12) / 2),
        "min": pytest.approx(0.9),
        "max": pytest.approx(13 / 12),
        "limit": 1.0,
        "note": "",
        "ok": True,
    }
    assert Report.from_json(data).to_json() == data
    saved = tmp_path / "figures.json"
    saved.write_text(json.dumps(data))
    assert main(["--show", str(saved)]) == 0
    shown = capsys.readouterr().out
    assert "load average (1 min): 0.25 before, 0.5 after" in shown
    assert "warm+1% at 1000 pages: 10 page(s) edited" in shown
    assert "not available: npm/node not installed" in shown
    lines = shown.splitlines()
    assert "PASS  cold CPU / floor CPU at 1000: 0.992 (median of 2, 0.900-1.083); target <= 1" in (
        lines
    )
    assert (
        "FAIL  cold wall / floor wall at 1000: 0.533 (median of 2, 0.400-0.667); target <= 0.5"
        in (lines)
    )
    assert (
        "PASS  warm+1% CPU / floor CPU at 1000: 0.041 (median of 2, 0.040-0.042); target <= 0.05"
        in (lines)
    )


def test_show_refuses_an_old_format_report_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"machine": {}, "rows": [], "targets": [], "seed": 0, "repeat": 2}))
    assert main(["--show", str(old)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert f"not a report of format {REPORT_FORMAT}" in captured.err


# --- one real run -------------------------------------------------------------------------


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


FAKE_TOOL = """#!{python}
import json, os, pathlib, sys
args = sys.argv[1:]
root = pathlib.Path(args[args.index("--root") + 1])
cache = pathlib.Path(os.environ["XDG_CACHE_HOME"])
pages = sorted(root.rglob("*.html"))
edited = sum(b'class="bench-edit"' in p.read_bytes() for p in pages)
with open({log!r}, "a") as log:
    log.write(json.dumps([len(pages), cache.exists(), edited, args[args.index("--jobs") + 1]]))
    log.write("\\n")
cache.mkdir(parents=True, exist_ok=True)
manifest = {{p.name: {{"/a.css": {{"type": "style"}}}} for p in pages}}
pathlib.Path(args[args.index("-m") + 1]).write_text(json.dumps(manifest))
"""
CALLS = ((False, 0), (True, 0), (True, 1))
"""What the stand-in sees in a repeat: cold (no cache), warm, warm+1% (one page edited)."""


def test_a_run_measures_floor_cold_warm_and_warm_1pc_in_each_repeat_and_restores_the_sites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a stand-in for the tool that logs what it saw: its cache (absent only when cold),
    the pages edited (1% of them, only in the warm+1% run), the --jobs it was given."""
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "fake-tool"
    fake.write_text(FAKE_TOOL.format(python=sys.executable, log=str(log)))
    fake.chmod(0o755)
    tool = bench.run.Tool(True, "fake 1.0", jobs=True, exe=str(fake))
    monkeypatch.setattr(bench.run, "probe_tool", lambda: tool)
    monkeypatch.setattr(bench.run, "SITES", tmp_path / "sites")
    assert main(["--sizes", "8,3", "--skip-npm", "--repeat", "2", "--jobs", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    calls = [tuple(json.loads(line)) for line in log.read_text().splitlines()]
    one_repeat = [(n, cached, edited, "2") for n in (3, 8) for cached, edited in CALLS]
    assert calls == one_repeat * 2  # sizes in order within a repeat, repeats one after another
    assert [(r["pages"], r["kind"], r["run"]) for r in data["rows"]] == [
        (n, kind, label)
        for n in (3, 8)
        for kind, label in (
            ("floor", "floor"),
            ("cold", "cold -j2"),
            ("warm", "warm -j2"),
            ("edit", "warm+1% -j2"),
        )
    ]
    for row in data["rows"]:
        assert [s["status"] for s in row["samples"]] == ["ok", "ok"], row
        assert all(s["cpu_s"] > 0 and s["wall_s"] > 0 for s in row["samples"])
        assert (
            row["kind"] == "floor" or [s["entries"] for s in row["samples"]] == [row["pages"]] * 2
        )
    assert data["edited_pages"] == {"3": 1, "8": 1}
    assert set(data["floor_parts"]) == {"3", "8"}
    targets = [t["target"] for t in data["targets"]]
    assert "cold growth (CPU) at 8/3" in targets and "peak tree PSS, cold at 8" in targets
    assert all(t["ok"] in (True, False) for t in data["targets"])
    for n in (3, 8):
        fresh = tmp_path / f"fresh-{n}"
        generate_site(fresh, n, seed=0)
        assert _digest(tmp_path / "sites" / f"site-{n}-s0") == _digest(fresh)
