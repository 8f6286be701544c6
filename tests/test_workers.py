"""The worker manager: every result arrives, errors and dead workers reach the parent, and no
child process is ever left behind (running or unreaped)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest

from push_manifest import build_manifest
from push_manifest.crawl import Crawler
from push_manifest.workers import RemoteTraceback, WorkerDied, Workers

_prefix = ""


def _children() -> set[int]:
    """Every child of this process, zombies included (``active_children`` would reap them)."""
    children = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == os.getpid():
                children.add(int(entry))
    return children


@pytest.fixture(autouse=True)
def no_child_left() -> Iterator[None]:
    before = _children()
    yield
    assert _children() == before, "a worker is left running or unreaped"
    assert multiprocessing.active_children() == []


def _square(task: int) -> tuple[int, int, int]:
    return task, task * task, os.getpid()


def _set_prefix(prefix: str) -> None:
    global _prefix
    _prefix = prefix


def _prefixed(task: int) -> str:
    return f"{_prefix}{task}"


def _fail_on_7(task: int) -> int:
    if task == 7:
        raise ValueError(f"task {task} is unlucky")
    return task


class _Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a}/{b}")


def _raise_unpicklable(task: int) -> int:
    raise _Unpicklable(task, 2)


def _unpicklable_result(task: int) -> object:
    return lambda: task


def _initializer_fails() -> None:
    raise OSError(13, "cannot set up")


def _kill_self_on_5(task: int) -> int:
    if task == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    return task


def _exit_on_3(task: int) -> int:
    if task == 3:
        os._exit(3)
    return task


def _sigterm_self(task: int) -> int:
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
    return task


def _sleep(task: int) -> int:
    time.sleep(0.2)
    return task


_QUICK = 7
"""The first task of :func:`_log_quick_first`, the only one that does not take ten seconds."""
_log_dir = Path()


def _set_log_dir(directory: Path) -> None:
    global _log_dir
    _log_dir = directory


def _log_quick_first(task: int) -> tuple[int, int]:
    (_log_dir / f"started-{task}").touch()
    if task != _QUICK:
        time.sleep(10)
    return task, task * task


@pytest.mark.parametrize("count", [1, 2, 3])
def test_every_result_arrives_once(count: int) -> None:
    with Workers(_square, count) as workers:
        results = list(workers.run(range(500)))
    assert sorted((task, square) for task, square, _ in results) == [
        (task, task * task) for task in range(500)
    ]
    assert len({pid for _, _, pid in results}) == count  # every worker had a task
    assert os.getpid() not in {pid for _, _, pid in results}


def test_the_initializer_runs_in_each_worker() -> None:
    with Workers(_prefixed, 2, _set_prefix, ("page-",)) as workers:
        assert sorted(workers.run(range(10))) == sorted(f"page-{i}" for i in range(10))


def test_no_task_gives_no_result() -> None:
    with Workers(_square, 2) as workers:
        assert list(workers.run([])) == []


def test_an_exception_in_a_worker_is_raised_in_the_parent() -> None:
    with (
        pytest.raises(ValueError, match=r"^task 7 is unlucky$") as caught,
        Workers(_fail_on_7, 2) as workers,
    ):
        list(workers.run(range(100)))
    cause = caught.value.__cause__
    assert isinstance(cause, RemoteTraceback)
    assert "_fail_on_7" in str(cause) and "Traceback" in str(cause)


def test_an_exception_that_cannot_be_pickled_becomes_a_runtime_error() -> None:
    with (
        pytest.raises(RuntimeError, match=r"^_Unpicklable: 1/2$"),
        Workers(_raise_unpicklable, 2) as workers,
    ):
        list(workers.run([1]))


def test_a_result_that_cannot_be_pickled_is_an_error_in_the_parent() -> None:
    with pytest.raises(Exception, match="pickle"), Workers(_unpicklable_result, 2) as workers:
        list(workers.run(range(4)))


def test_an_initializer_that_raises_is_raised_in_the_parent() -> None:
    with (
        pytest.raises(OSError, match="cannot set up"),
        Workers(_square, 2, _initializer_fails) as workers,
    ):
        list(workers.run(range(4)))


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (_kill_self_on_5, r"was killed by SIGKILL \(exit code -9\)"),
        (_exit_on_3, r"exited with code 3"),
    ],
)
def test_a_worker_that_dies_is_an_error_not_a_hang(
    function: Callable[[int], int], message: str
) -> None:
    start = time.monotonic()
    with (
        pytest.raises(WorkerDied, match=rf"^worker process \d \(pid \d+\) {message} mid-task$"),
        Workers(function, 2) as workers,
    ):
        list(workers.run(range(50)))
    assert time.monotonic() - start < 5


def test_a_worker_killed_from_outside_mid_run_is_an_error_not_a_hang() -> None:
    start = time.monotonic()
    with pytest.raises(WorkerDied, match="killed by SIGKILL"), Workers(_sleep, 3) as workers:
        for _ in workers.run(range(100)):
            os.kill(multiprocessing.active_children()[0].pid or 0, signal.SIGKILL)
    assert time.monotonic() - start < 5


def test_a_worker_dies_on_sigterm_quietly_whatever_the_parent_handler(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The CLI turns SIGTERM into SystemExit; a worker must not inherit that."""

    def terminate(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        with (
            pytest.raises(WorkerDied, match="killed by SIGTERM"),
            Workers(_sigterm_self, 2) as workers,
        ):
            list(workers.run(range(4)))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("exception", [KeyboardInterrupt, SystemExit])
def test_an_interrupt_in_the_parent_stops_the_workers(exception: type[BaseException]) -> None:
    """Ctrl-C, or SIGTERM turned into SystemExit, arrives while the parent waits on workers."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise exception

    # SIGUSR1 from a timer thread to the main thread: SIGALRM and the real-time timer belong
    # to pytest-timeout (its signal method).
    main = threading.main_thread().ident or 0
    timer = threading.Timer(0.5, signal.pthread_kill, (main, signal.SIGUSR1))
    previous = signal.signal(signal.SIGUSR1, interrupt)
    start = time.monotonic()
    try:
        with pytest.raises(exception), Workers(_sleep, 2) as workers:
            timer.start()  # after the fork: the workers are forked from a single thread
            list(workers.run(range(100)))
    finally:
        timer.cancel()
        if timer.is_alive():
            timer.join()
        signal.signal(signal.SIGUSR1, previous)
    assert time.monotonic() - start < 3


@pytest.mark.timeout(30)
def test_leaving_the_results_early_stops_the_workers(tmp_path: Path) -> None:
    """``break`` after the first result: the workers, both busy with a ten-second task, are
    stopped there and then (not waited for), no other task is started, and no process is left,
    not even unreaped."""
    before = _children()
    with Workers(_log_quick_first, 2, _set_log_dir, (tmp_path,)) as workers:
        pids = _children() - before
        assert len(pids) == 2
        received = []
        for result in workers.run(range(_QUICK, _QUICK + 100)):
            received.append(result)
            left = time.monotonic()
            break
        stopped_after = time.monotonic() - left
        still_there = sorted(pid for pid in pids if Path(f"/proc/{pid}").exists())
        assert multiprocessing.active_children() == []
    assert received == [(_QUICK, _QUICK * _QUICK)]
    assert still_there == [], "a worker outlived the loop it served"
    assert stopped_after < 5, f"leaving took {stopped_after:.1f} s: busy workers were waited for"
    started = {int(path.name.removeprefix("started-")) for path in tmp_path.iterdir()}
    # The second worker had _QUICK + 1; the first, its result in, was handed _QUICK + 2 before
    # the loop saw that result. Either may be stopped before it logs its task; none after them.
    assert _QUICK in started
    assert started <= {_QUICK, _QUICK + 1, _QUICK + 2}


def test_run_outside_the_with_block_is_refused() -> None:
    workers = Workers(_square, 2)
    with pytest.raises(ValueError, match="with block"):
        list(workers.run(range(3)))


def test_a_crawl_error_in_a_worker_reaches_build_manifest(
    make_site: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site({f"p{i}.html": "<img src=a.png>" for i in range(80)})

    def boom(self: Crawler, path: Path) -> object:
        raise MemoryError(f"injected for {path.name}")

    monkeypatch.setattr(Crawler, "page", boom)  # the forked workers inherit it
    with pytest.raises(MemoryError, match="injected for p"):
        build_manifest([f"{root}/*.html"], root=root, jobs=2)
