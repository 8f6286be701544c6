"""Nothing lost: an interrupted run (Ctrl-C, SIGTERM, a crash or SIGKILL while writing) leaves
the previous manifest byte-identical and no temporary file behind (issue "Hostile and broken
input", item 4). Every test kills a real ``http2-push-manifest`` process.

To interrupt the write itself, the CLI runs under a small wrapper (``python -c``) that makes
``os.fsync`` announce itself in a marker file and then sleep, or makes ``os.replace`` fail.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Area, subprocess_env

PREVIOUS = b'{\n  "/previous.css": {\n    "type": "style",\n    "weight": 256\n  }\n}\n'

WRAPPER = textwrap.dedent(
    """
    import os, sys, time
    marker, mode, *args = sys.argv[1:]
    real_fsync, real_replace = os.fsync, os.replace
    calls = []

    def fsync(fd):
        real_fsync(fd)
        calls.append("fsync")
        if mode == "slow-write":
            with open(marker, "w") as handle:
                handle.write(os.readlink(f"/proc/self/fd/{fd}"))
            time.sleep(60)

    def replace(src, dst, **kwargs):
        if mode == "crash-replace":
            raise OSError(5, "Input/output error (injected)")
        calls.append(("replace", os.fspath(src), os.fspath(dst)))
        real_replace(src, dst, **kwargs)
        with open(marker, "w") as handle:
            handle.write(repr(calls))

    os.fsync, os.replace = fsync, replace
    from push_manifest.cli import main
    sys.argv = ["http2-push-manifest", *args]
    main()
    """
)


@pytest.fixture
def small_site(area: Area) -> Path:
    area.write({"index.html": "<link rel=stylesheet href=a.css><img src=b.png>",
                "a.css": "a { background: url(c.png) }", "b.png": b"", "c.png": b""})  # fmt: skip
    return area.root


@pytest.fixture
def large_site(area: Area) -> Path:
    """A site whose crawl takes ten seconds or more: 600 pages of 300 images each."""
    (area.root / "css").mkdir()
    (area.root / "css" / "app.css").write_text("a { background: url(/img/a.png) }")
    images = "".join(f"<img src=/img/{i}.png>" for i in range(300))
    for i in range(600):
        (area.root / f"p{i}.html").write_text(f"<link rel=stylesheet href=css/app.css>{images}")
    return area.root


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "push_manifest.json"
    target.write_bytes(PREVIOUS)
    return target


def start(args: list[str], *, wrapper: tuple[Path, str] | None = None) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "push_manifest", *args]
    if wrapper is not None:
        marker, mode = wrapper
        command = [sys.executable, "-c", WRAPPER, str(marker), mode, *args]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=subprocess_env(),
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; whatever is left of their process groups is killed after."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(path: Path, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Wait until ``path`` exists and has content (the wrapper creates it, then writes it)."""
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.stat().st_size):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def finish(process: subprocess.Popen[bytes], timeout: float = 30) -> tuple[int, str]:
    _, err = process.communicate(timeout=timeout)
    return process.returncode, err.decode()


def assert_nothing_lost(manifest: Path) -> None:
    assert manifest.read_bytes() == PREVIOUS
    assert sorted(p.name for p in manifest.parent.iterdir()) == [manifest.name]


def wait_until_started(process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until the CLI handles SIGINT and SIGTERM (its ``main`` has run), then a little
    longer, into the crawl. A fixed sleep is not enough on a loaded machine: a signal that
    arrives while the interpreter is still starting kills it outright (exit -2)."""
    wanted = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        status = Path(f"/proc/{process.pid}/status").read_text()
        [mask] = [line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")]
        caught = int(mask, 16)
        if caught & wanted == wanted:
            time.sleep(0.3)
            return
        time.sleep(0.02)
    pytest.fail("the CLI did not start handling signals in time")


def group_is_gone(pgid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


# -- the write is atomic ------------------------------------------------------------------------


def test_write_is_temporary_file_fsync_then_rename_in_the_same_directory(
    small_site: Path, manifest: Path, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    marker = tmp_path / "calls"
    process = start(["-f", str(small_site / "index.html"), "-m", str(manifest), "--no-cache"],
                    wrapper=(marker, "observe"))  # fmt: skip
    processes.append(process)
    code, err = finish(process)
    assert code == 0, err
    calls = eval(marker.read_text())  # the wrapper's own repr of a list of str/tuple
    assert calls[0] == "fsync"
    _, source, destination = calls[1]
    assert os.path.dirname(source) == str(manifest.parent) and destination == str(manifest)
    assert os.path.basename(source).startswith(f".{manifest.name}.") and source.endswith(".tmp")
    assert b"/a.css" in manifest.read_bytes()
    assert sorted(p.name for p in manifest.parent.iterdir()) == [manifest.name]


# -- interrupted while crawling --------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_to_the_process_group_mid_crawl(
    large_site: Path,
    manifest: Path,
    processes: list[subprocess.Popen[bytes]],
    sig: signal.Signals,
    jobs: str,
) -> None:
    """What Ctrl-C (SIGINT) or a CI runner's cancel (SIGTERM) sends: the whole group."""
    args = ["-f", f"{large_site}/*.html", "--root", str(large_site), "-m", str(manifest),
            "--no-cache", "-q", "--jobs", jobs]  # fmt: skip
    process = start(args)
    processes.append(process)
    wait_until_started(process)
    assert process.poll() is None, "the run finished before it could be interrupted"
    os.killpg(process.pid, sig)
    code, err = finish(process)
    assert code != 0
    assert "Traceback" not in err
    assert_nothing_lost(manifest)
    assert group_is_gone(process.pid)


@pytest.mark.slow
def test_sigint_to_the_main_process_only_mid_crawl(
    large_site: Path, manifest: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    args = ["-f", f"{large_site}/*.html", "--root", str(large_site), "-m", str(manifest),
            "--no-cache", "-q", "--jobs", "2"]  # fmt: skip
    process = start(args)
    processes.append(process)
    wait_until_started(process)
    assert process.poll() is None, "the run finished before it could be interrupted"
    os.kill(process.pid, signal.SIGINT)
    code, err = finish(process)
    assert code == 130 and err.strip().splitlines()[-1] == "Aborted."
    assert "Traceback" not in err
    assert_nothing_lost(manifest)
    assert group_is_gone(process.pid)


@pytest.mark.slow
def test_sigterm_to_the_main_process_only_mid_crawl_leaves_no_orphans(
    large_site: Path, manifest: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    args = ["-f", f"{large_site}/*.html", "--root", str(large_site), "-m", str(manifest),
            "--no-cache", "-q", "--jobs", "2"]  # fmt: skip
    process = start(args)
    processes.append(process)
    wait_until_started(process)
    assert process.poll() is None, "the run finished before it could be interrupted"
    os.kill(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    assert_nothing_lost(manifest)
    assert group_is_gone(process.pid, timeout=2)


# -- interrupted while writing ---------------------------------------------------------------


@pytest.mark.parametrize(
    "sig",
    [
        pytest.param(signal.SIGINT, id="SIGINT"),
        pytest.param(signal.SIGTERM, id="SIGTERM"),
        pytest.param(signal.SIGKILL, id="SIGKILL"),
    ],
)
def test_signal_while_writing_keeps_the_previous_manifest(
    small_site: Path,
    manifest: Path,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
    sig: signal.Signals,
) -> None:
    marker = tmp_path / "writing"
    process = start(["-f", str(small_site / "index.html"), "-m", str(manifest), "--no-cache"],
                    wrapper=(marker, "slow-write"))  # fmt: skip
    processes.append(process)
    wait_for(marker, process)
    temporary = Path(marker.read_text())
    assert temporary.parent == manifest.parent and temporary.exists()  # caught mid-write
    os.kill(process.pid, sig)
    code, err = finish(process)
    assert code != 0
    assert "Traceback" not in err
    assert manifest.read_bytes() == PREVIOUS
    if sig is signal.SIGKILL:  # nothing can clean up after SIGKILL; the manifest is safe anyway
        return
    assert_nothing_lost(manifest)


def test_crash_while_writing_keeps_the_previous_manifest(
    small_site: Path, manifest: Path, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    process = start(["-f", str(small_site / "index.html"), "-m", str(manifest), "--no-cache"],
                    wrapper=(tmp_path / "unused", "crash-replace"))  # fmt: skip
    processes.append(process)
    code, err = finish(process)
    assert code in (2, 3), err
    assert "Traceback" not in err
    assert "Input/output error (injected)" in err
    assert_nothing_lost(manifest)


def test_crash_during_the_crawl_keeps_the_previous_manifest(
    area: Area, manifest: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    area.write({"index.html": "<link rel=stylesheet href=a.css>", "a.css": ""})
    code = textwrap.dedent(
        """
        import sys
        import push_manifest.crawl as crawl
        def boom(*args, **kwargs):
            raise MemoryError("injected")
        crawl.Crawler.page = boom
        from push_manifest.cli import main
        sys.argv = ["http2-push-manifest", *sys.argv[1:]]
        main()
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, "-f", str(area.root / "index.html"), "-m", str(manifest),
         "--no-cache", "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        env=subprocess_env(),
    )  # fmt: skip
    processes.append(process)
    status, err = finish(process)
    assert status == 3 and "Traceback" not in err and "--debug" in err
    assert_nothing_lost(manifest)


# -- what the write replaces -------------------------------------------------------------------


def test_manifest_target_that_is_not_a_regular_file_is_written_into(
    small_site: Path, tmp_path: Path
) -> None:
    """A FIFO stands in for ``/dev/null`` and ``/dev/stdout``, which must never be replaced."""
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so the writer never blocks
    try:
        result = subprocess.run(
            [sys.executable, "-m", "push_manifest", "-f", str(small_site / "index.html"),
             "-m", str(fifo), "--no-cache"],
            capture_output=True, timeout=60, check=False, env=subprocess_env(),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert fifo.is_fifo()
        assert b'"/a.css"' in os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []
