"""Run jobs in forked worker processes that trade what each found halfway, and gather their results.

A job is a generator function: it does its first part, yields what the other jobs need from it (its *facts*,
picklable), receives what ``combine`` makes of every job's facts for it, does the rest and returns its
(picklable) result. Every job but the last runs in a forked child while this process runs the last.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
from collections.abc import Callable, Generator, Sequence
from typing import IO, Any, TypeVar

T = TypeVar("T")
Job = Callable[[], Generator[Any, Any, T]]
Combine = Callable[[list[Any]], Sequence[Any]]


class WorkerError(RuntimeError):
    """A worker process died without sending its result."""


def usable_cpus() -> int:
    """How many CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def spare_cpus() -> int:
    """Usable CPUs that are not busy (at least 1): usable CPUs less the processes running or waiting for a
    CPU right now besides this one (Linux: /proc/loadavg's runnable count), elsewhere less the 1-minute load
    average, this process counted as part of it. Workers on a busy machine only add the cost of forking."""
    others = running_elsewhere()
    if others is None:
        try:
            others = os.getloadavg()[0] - 1
        except (OSError, AttributeError):  # no load average here (Windows): assume an idle machine
            others = 0.0
    return max(1, min(usable_cpus(), math.floor(usable_cpus() - others)))


def running_elsewhere(loadavg: str = "/proc/loadavg") -> int | None:
    """How many threads, besides the one asking, are running or waiting for a CPU now (the fourth field of
    Linux's ``/proc/loadavg``, ``running/total``); None where that file is missing or reads otherwise. Unlike
    the load average, which lags by a minute, it says what the next second of work will compete with."""
    try:
        with open(loadavg, encoding="ascii") as stats:
            return max(0, int(stats.read().split()[3].split("/")[0]) - 1)
    except (OSError, ValueError, IndexError):
        return None


def fan_out(jobs: Sequence[Callable[[], T]]) -> list[T]:
    """The results of ``jobs`` (plain functions, trading nothing), in order; see :func:`trade`."""
    return trade([lambda job=job: _alone(job) for job in jobs], lambda facts: facts)


def _alone(job: Callable[[], T]) -> Generator[None, object, T]:
    yield None
    return job()


def trade(jobs: Sequence[Job[T]], combine: Combine) -> list[T]:
    """The results of ``jobs``, in order. Each job yields its facts once; ``combine`` gets every job's
    facts, in order, and gives each job its answer, in order. Every job but the last runs in a forked child
    while this process runs the last; where there is no fork (Windows), or no more processes may be made,
    the rest run here, one after the other for each part. A job's exception is raised here."""
    if len(jobs) < 2 or not hasattr(os, "fork"):
        return _here(jobs, combine)
    children: list[_Child] = []
    for job in jobs[:-1]:
        try:
            children.append(_Child.start(job, children))
        except OSError:  # no more processes allowed: the rest run here
            break
    try:
        running = [job() for job in jobs[len(children) :]]
        own = [next(generator) for generator in running]
        answers = combine([child.facts() for child in children] + own)
        for child, answer in zip(children, answers, strict=False):
            child.answer(answer)
        here = [
            _finish(generator, answer)
            for generator, answer in zip(running, answers[len(children) :], strict=True)
        ]
    finally:
        results = [child.result() for child in children]
    for ok, value in results:
        if not ok:
            raise value
    return [value for _, value in results] + here


def _here(jobs: Sequence[Job[T]], combine: Combine) -> list[T]:
    running = [job() for job in jobs]
    answers = combine([next(generator) for generator in running])
    return [_finish(generator, answer) for generator, answer in zip(running, answers, strict=True)]


def _finish(generator: Generator[Any, Any, T], answer: object) -> T:
    try:
        generator.send(answer)
    except StopIteration as done:
        return done.value
    raise RuntimeError("a job yields its facts once")


class _Child:
    """A forked child running one job, with a pipe up (its facts, then its result or error) and one down
    (its answer). Each message is one pickle of (kind, value), kind "facts", "result" or "error"."""

    def __init__(self, pid: int, up: IO[bytes], down: IO[bytes]) -> None:
        self.pid, self.up, self.down = pid, up, down

    @classmethod
    def start(cls, job: Job, siblings: Sequence[_Child]) -> _Child:
        """Fork a child running ``job`` (``siblings``: the children forked before, whose pipes it closes,
        so each child alone sees the end of its own)."""
        up_read, up_write = os.pipe()
        down_read, down_write = os.pipe()
        pid = os.fork()
        if pid:
            os.close(up_write)
            os.close(down_read)
            return cls(pid, os.fdopen(up_read, "rb"), os.fdopen(down_write, "wb"))
        try:
            os.close(up_read)
            os.close(down_write)
            for sibling in siblings:  # nothing was written to them yet: closing flushes nothing
                sibling.up.close()
                sibling.down.close()
            with os.fdopen(up_write, "wb") as up, os.fdopen(down_read, "rb") as down:
                _run_child(job, up, down)
        finally:
            os._exit(0)  # no atexit handlers, no flushing of the parent's buffers a second time

    def facts(self) -> object:
        """The child's facts (its error is raised)."""
        try:
            kind, value = pickle.load(self.up)
        except (EOFError, pickle.UnpicklingError, ValueError):
            kind, value = "error", self._died()
        if kind != "facts":
            raise value
        return value

    def answer(self, answer: object) -> None:
        """Send the child its answer (a child that died is told by :meth:`result`)."""
        with contextlib.suppress(BrokenPipeError):
            pickle.dump(answer, self.down, pickle.HIGHEST_PROTOCOL)
            self.down.close()

    def result(self) -> tuple[bool, object]:
        """(True, result) or (False, error), once the child has ended (a child still waiting for its
        answer is told there is none). Read to the end, so no child is left blocked on a full pipe."""
        with contextlib.suppress(BrokenPipeError):  # an answer it could not take
            self.down.close()
        outcome: tuple[bool, object] = (False, self._died())
        with self.up:
            while True:
                try:
                    kind, value = pickle.load(self.up)
                except (EOFError, pickle.UnpicklingError, ValueError):
                    break
                if kind != "facts":
                    outcome = (kind == "result", value)
        os.waitpid(self.pid, 0)
        return outcome

    def _died(self) -> WorkerError:
        return WorkerError(f"lint worker {self.pid} died without a whole result")


def _run_child(job: Job, up: IO[bytes], down: IO[bytes]) -> None:
    try:
        generator = job()
        _send(up, "facts", next(generator))
        try:
            answer = pickle.load(down)
        except EOFError:
            raise WorkerError("no answer: another job failed") from None
        _send(up, "result", _finish(generator, answer))
    except Exception as error:  # noqa: BLE001  (sent to the parent, which raises it)
        _send(up, "error", error)


def _send(up: IO[bytes], kind: str, value: object) -> None:
    """Write one message; a value that cannot be pickled raises, an error that cannot travels as its
    text."""
    try:
        data = pickle.dumps((kind, value), pickle.HIGHEST_PROTOCOL)
    except Exception:
        if kind != "error":
            raise
        data = pickle.dumps((kind, WorkerError(f"{type(value).__name__}: {value}")))
    up.write(data)
    up.flush()
