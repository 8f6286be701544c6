"""The benchmark's own measuring: how often it samples memory, what CPU time it counts."""

import sys
from pathlib import Path

from bench.run import SAMPLE_SECONDS, measure, sample_interval


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
