"""Run independent jobs in forked worker processes and gather their (picklable) results."""

from __future__ import annotations

import math
import os
import pickle
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


class WorkerError(RuntimeError):
    """A worker process died without sending its result."""


def usable_cpus() -> int:
    """How many CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def spare_cpus() -> int:
    """Usable CPUs that are not busy: usable CPUs less the 1-minute load average, this process counted as
    part of that load (at least 1). Workers on a busy machine only add the cost of forking."""
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):  # no load average here (Windows): assume an idle machine
        load = 0.0
    return max(1, min(usable_cpus(), math.floor(usable_cpus() - load + 1)))


def fan_out(jobs: Sequence[Callable[[], T]]) -> list[T]:
    """The results of ``jobs``, in order. Every job but the last runs in a forked child while this process
    runs the last; where there is no fork (Windows), or no more processes may be made, the rest run here.
    A job's exception is raised here.
    """
    if len(jobs) < 2 or not hasattr(os, "fork"):
        return [job() for job in jobs]
    children: list[tuple[int, int]] = []
    for job in jobs[:-1]:
        try:
            children.append(_start(job))
        except OSError:  # no more processes allowed: the rest run here
            break
    try:
        here = [job() for job in jobs[len(children) :]]
    finally:
        results = [_collect(pid, pipe) for pid, pipe in children]
    for ok, value in results:
        if not ok:
            raise value
    return [value for _, value in results] + here


def _start(job: Callable[[], object]) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    os.close(read)
    try:
        try:
            payload = pickle.dumps((True, job()), pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001  (sent to the parent, which raises it)
            payload = _pickled_error(error)
        with os.fdopen(write, "wb") as out:
            out.write(payload)
    finally:
        os._exit(0)  # no atexit handlers, no flushing of the parent's buffers a second time


def _pickled_error(error: Exception) -> bytes:
    try:
        return pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001  (an exception that cannot be pickled travels as its text)
        return pickle.dumps((False, WorkerError(f"{type(error).__name__}: {error}")))


def _collect(pid: int, pipe: int) -> tuple[bool, object]:
    with os.fdopen(pipe, "rb") as received:
        data = received.read()
    os.waitpid(pid, 0)
    try:
        return pickle.loads(data)
    except (pickle.UnpicklingError, EOFError):
        return False, WorkerError(f"lint worker {pid} died without a whole result")
