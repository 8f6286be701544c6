"""Worker processes with no lock shared between processes: each has its own pipe.

The parent hands a task to an idle worker, waits on every busy worker's pipe and process at
once, and hands out the next task as each result arrives. Only the pipes are shared, so a worker
killed at any moment (a signal sent to the whole process group, the OOM killer) leaves no lock
held: the parent sees its pipe close and raises :class:`WorkerDied`. (``multiprocessing.Pool``
shares a queue lock among its workers: one killed while holding it hangs ``Pool.terminate``.)

Workers ignore SIGINT (Ctrl-C reaches the whole group; the parent handles it) and die on SIGTERM
without a word, whatever handlers the parent had. However the parent leaves (the end, an error,
Ctrl-C, SIGTERM turned into ``SystemExit``), :meth:`Workers.close` stops every worker within a
few seconds and reaps it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any, Generic, TypeVar

__all__ = ["RemoteTraceback", "WorkerDied", "Workers"]

T = TypeVar("T")
R = TypeVar("R")

_GRACE = 1.0
"""Seconds a worker is given to exit after being told to stop, or terminated, before the next
step (SIGTERM, then SIGKILL)."""

_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class WorkerDied(RuntimeError):
    """A worker process ended without answering: killed, or exited on its own."""


class RemoteTraceback(Exception):
    """The traceback, in the worker, of an exception raised again in the parent (its cause)."""

    def __str__(self) -> str:
        return f'\n"""\n{self.args[0]}"""'


@dataclass
class _Worker:
    number: int
    process: BaseProcess
    conn: Connection[Any, Any]
    busy: bool = False


class Workers(Generic[T, R]):
    """``count`` forked processes running ``function`` on tasks; a context manager.

    ``initializer(*initargs)`` runs once in each worker before its first task. An exception
    raised in a worker (by ``function`` or the initializer) is raised again in the parent, its
    traceback in the worker as its cause; one that cannot be pickled becomes a ``RuntimeError``.
    """

    def __init__(
        self,
        function: Callable[[T], R],
        count: int,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[object, ...] = (),
    ) -> None:
        self._function = function
        self._count = count
        self._initializer = initializer
        self._initargs = initargs
        self._workers: list[_Worker] = []
        self._open = False

    def __enter__(self) -> Workers[T, R]:
        self._open = True
        try:
            with _signals_held():
                for number in range(self._count):
                    self._start(number)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _start(self, number: int) -> None:
        context = multiprocessing.get_context("fork")
        conn, child_conn = context.Pipe()
        # The child closes its copies of the parent's ends, so that each pipe has exactly one
        # process at either end and closes as soon as one of them dies.
        parent_ends = [worker.conn for worker in self._workers] + [conn]
        process = context.Process(
            target=_serve,
            args=(child_conn, parent_ends, self._function, self._initializer, self._initargs),
            name=f"push-manifest worker {number}",
            daemon=True,
        )
        try:
            process.start()
        except BaseException:
            conn.close()
            raise
        finally:
            child_conn.close()
        self._workers.append(_Worker(number, process, conn))

    def run(self, tasks: Iterable[T]) -> Iterator[R]:
        """Run ``function`` on every task and yield each result as soon as it is ready: the
        order is not the tasks' order. Leaving early, or an error, closes the workers."""
        if not self._open or not self._workers:
            raise ValueError("Workers.run() outside its with block")
        todo = enumerate(tasks)
        finished = False
        try:
            for worker in self._workers:
                if not self._hand(worker, todo):
                    break
            while busy := [worker for worker in self._workers if worker.busy]:
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
                for worker in busy:
                    if worker.conn in ready or worker.process.sentinel in ready:
                        result = self._receive(worker)
                        self._hand(worker, todo)
                        yield result
            finished = True
        finally:
            if not finished:
                self.close()

    def _hand(self, worker: _Worker, todo: Iterator[tuple[int, T]]) -> bool:
        """Send ``worker`` the next task; False when there is none left."""
        task = next(todo, None)
        if task is None:
            return False
        worker.busy = True
        try:
            worker.conn.send(task)
        except OSError:
            raise self._died(worker) from None
        return True

    def _receive(self, worker: _Worker) -> R:
        """The answer of ``worker``, which is ready or dead."""
        try:
            if not worker.conn.poll():  # dead, yet its pipe is not closed
                raise EOFError
            _, ok, payload = worker.conn.recv()
        except (EOFError, OSError):
            raise self._died(worker) from None
        worker.busy = False
        if not ok:
            error, text = payload
            raise error from RemoteTraceback(text)
        result: R = payload
        return result

    def _died(self, worker: _Worker) -> WorkerDied:
        process = worker.process
        process.join(_GRACE)
        code = process.exitcode
        if code is None:
            how = "closed its pipe"
        elif code < 0:
            how = f"was killed by {_signal_name(-code)} (exit code {code})"
        else:
            how = f"exited with code {code}"
        return WorkerDied(f"worker process {worker.number} (pid {process.pid}) {how} mid-task")

    def close(self) -> None:
        """Stop every worker: idle ones are told to exit, busy ones terminated; any still alive
        after a short wait are terminated, then killed. All are reaped. Safe to call again."""
        with _signals_held():  # a second Ctrl-C waits until the workers are gone
            workers, self._workers, self._open = self._workers, [], False
            for worker in workers:
                if worker.busy:
                    worker.process.terminate()
                else:
                    with contextlib.suppress(OSError):
                        worker.conn.send(None)
            processes = [worker.process for worker in workers]
            for stop in (BaseProcess.terminate, BaseProcess.kill, None):
                alive = _wait_for_exit(processes, time.monotonic() + _GRACE)
                if stop is None:
                    break
                for process in alive:
                    stop(process)
            for worker in workers:
                worker.conn.close()
                if worker.process.exitcode is not None:
                    worker.process.close()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block, so that starting or stopping workers is never cut
    short. A child forked in the block starts with them held (see :func:`_serve`)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _wait_for_exit(processes: list[BaseProcess], deadline: float) -> list[BaseProcess]:
    """Wait until every process has exited (and is reaped) or the deadline passes; returns
    those still alive."""
    while True:
        alive = [process for process in processes if process.is_alive()]
        remaining = deadline - time.monotonic()
        if not alive or remaining <= 0:
            return alive
        wait([process.sentinel for process in alive], remaining)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _serve(
    conn: Connection[Any, Any],
    parent_ends: list[Connection[Any, Any]],
    function: Callable[[Any], object],
    initializer: Callable[..., object] | None,
    initargs: tuple[object, ...],
) -> None:
    """A worker: answer ``(index, task)`` with ``(index, True, result)`` or ``(index, False,
    (exception, traceback text))`` until told to stop (None) or the parent is gone."""
    # Signals are still held from the fork: set this process's own handlers, then take them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    for end in parent_ends:
        end.close()
    failure = None
    if initializer is not None:
        try:
            initializer(*initargs)
        except Exception as error:
            failure = _failure(error)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message is None:
            return
        index, task = message
        if failure is not None:
            reply: tuple[int, bool, object] = (index, False, failure)
        else:
            try:
                reply = (index, True, function(task))
            except Exception as error:
                reply = (index, False, _failure(error))
        try:
            conn.send(reply)
        except OSError:
            return
        except Exception as error:  # a result that cannot be pickled
            try:
                conn.send((index, False, _failure(error)))
            except OSError:
                return


def _failure(error: Exception) -> tuple[Exception, str]:
    """``error`` and its traceback as text, for the parent; an exception that does not survive
    pickling is replaced with a ``RuntimeError`` that names its type."""
    text = "".join(traceback.format_exception(error))
    try:
        ForkingPickler.loads(ForkingPickler.dumps(error))
    except Exception:
        error = RuntimeError(f"{type(error).__name__}: {error}")
    return error, text
