"""Linting in worker processes finds exactly what linting in one process finds."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.test_lint import alert, dashboard_file, panel, rules_file, run
from toolkit.lint import parallel
from toolkit.lint.engine import lint_bundle
from toolkit.lint.parallel import WorkerError, fan_out, running_elsewhere, trade
from toolkit.sources.files import load_paths


def corpus(folder: Path) -> Path:
    """Rule files and dashboards whose findings need the whole bundle: dependencies and duplicates
    across files, plus per-rule and per-panel mistakes spread over every file."""
    for n in range(12):
        rules = [
            {
                "record": f"job:requests_{n}:rate5m",
                "expr": f'sum by (job) (rate(requests_total{{n="{n}"}}[5m]))',
            },
            alert(alert=f"UsesEarlierFile{n}", expr=f"job:requests_{max(n - 1, 0)}:rate5m > 1"),
            alert(alert=f"UsesMissing{n}", expr=f"job:never_{n}:rate5m > 1"),
            alert(alert="SameEverywhere"),
            alert(alert=f"Counter{n}", expr="requests_total > 100", **{"for": None}),
        ]
        (folder / f"rules-{n:02}.yml").write_text(rules_file(*rules, name=f"group-{n}"))
    for n in range(5):
        board = dashboard_file(
            panel(),
            panel(id=2, title="Overlaps", description="", gridPos={"x": 6, "y": 0, "w": 12, "h": 8}),
            uid=f"board-{n}",
        )
        (folder / f"board-{n}.json").write_text(board)
    return folder


def test_the_findings_do_not_depend_on_the_number_of_jobs(tmp_path: Path) -> None:
    bundle = load_paths([corpus(tmp_path)]).bundle
    alone = lint_bundle(bundle, is_project=False, jobs=1)
    checks = {f.check for f in alone}
    assert {"rule/dependency", "rule/duplicate", "promql/counter", "dashboard/grid"} <= checks
    assert [f for f in alone if f.subject.startswith("UsesEarlierFile")] == []
    for jobs in (2, 3, 7):
        assert lint_bundle(bundle, is_project=False, jobs=jobs) == alone


def test_the_cli_output_does_not_depend_on_the_number_of_jobs(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    one = run("lint", "--fail-on", "warning", "--jobs", "1", str(folder))
    two = run("lint", "--fail-on", "warning", "--jobs", "2", str(folder))
    assert (one.exit_code, one.output) == (two.exit_code, two.output)
    assert one.exit_code == 1 and "(rule/duplicate)" in one.output
    assert run("lint", "--jobs", "0", str(folder)).exit_code == 2


def test_fan_out_keeps_the_order_and_runs_in_other_processes() -> None:
    assert fan_out([lambda n=n: (n, os.getpid()) for n in range(3)])[0][1] != os.getpid()
    assert [n for n, _ in fan_out([lambda n=n: (n, os.getpid()) for n in range(3)])] == [0, 1, 2]


def test_a_workers_exception_is_raised_in_the_caller() -> None:
    def fails() -> None:
        raise ValueError("bad shard")

    with pytest.raises(ValueError, match="bad shard"):
        fan_out([fails, lambda: 1])


def test_an_exception_that_cannot_travel_arrives_as_its_text() -> None:
    def fails() -> None:
        error = RuntimeError("holds a lock")
        error.lock = threading.Lock()
        raise error

    with pytest.raises(WorkerError, match="RuntimeError: holds a lock"):
        fan_out([fails, lambda: 1])


def test_when_no_process_can_be_forked_the_jobs_run_here(monkeypatch) -> None:
    def refuse() -> int:
        raise BlockingIOError("fork: resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    assert fan_out([lambda n=n: (n, os.getpid()) for n in range(3)]) == [(n, os.getpid()) for n in range(3)]


def test_a_worker_that_dies_is_an_error() -> None:
    with pytest.raises(WorkerError, match="died without a whole result"):
        fan_out([lambda: os._exit(3), lambda: 1])


def _trading(n: int):
    facts = (n, os.getpid())
    answer = yield facts
    return n, answer, os.getpid()


def test_trade_gives_each_job_its_answer_from_every_jobs_facts() -> None:
    def combine(facts: list) -> list:
        assert [n for n, _ in facts] == [0, 1, 2]
        return [f"{n} of {len(facts)}" for n, _ in facts]

    results = trade([lambda n=n: _trading(n) for n in range(3)], combine)
    assert [(n, answer) for n, answer, _ in results] == [(0, "0 of 3"), (1, "1 of 3"), (2, "2 of 3")]
    assert len({pid for _, _, pid in results}) == 3 and results[2][2] == os.getpid()


def _fails_after_trading():
    yield "facts"
    raise ValueError("bad after the trade")


def _fails_before_trading():
    raise ValueError("bad before the trade")
    yield "never"  # a generator function


def _noting_pid(folder: Path, n: int):
    (folder / f"{n}.pid").write_text(str(os.getpid()))
    return (yield n)


@pytest.mark.parametrize("failing", [_fails_before_trading, _fails_after_trading])
@pytest.mark.parametrize("where", [0, 2])  # in a child, or in this process (the last job)
def test_a_jobs_failure_before_or_after_the_trade_is_raised_and_no_child_is_left(
    tmp_path: Path, failing, where
) -> None:
    jobs = [lambda n=n: _noting_pid(tmp_path, n) for n in range(3)]
    jobs[where] = failing
    with pytest.raises(ValueError, match="bad"):
        trade(jobs, lambda facts: facts)
    children = {int(p.read_text()) for p in tmp_path.glob("*.pid")} - {os.getpid()}
    assert children
    for pid in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # it was waited for


def test_a_job_that_yields_twice_is_an_error() -> None:
    def twice():
        yield 1
        yield 2

    with pytest.raises(RuntimeError, match="yields its facts once"):
        trade([twice], lambda facts: facts)


def test_without_fork_the_jobs_trade_here(monkeypatch) -> None:
    monkeypatch.delattr(os, "fork")
    results = trade([lambda n=n: _trading(n) for n in range(3)], lambda facts: [n * 10 for n, _ in facts])
    assert [(n, answer, pid) for n, answer, pid in results] == [(n, n * 10, os.getpid()) for n in range(3)]


def test_running_elsewhere_reads_the_runnable_count_without_this_process(tmp_path: Path) -> None:
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("0.50 1.07 2.86 3/80 21320\n")
    assert running_elsewhere(str(loadavg)) == 2
    loadavg.write_text("0.50 1.07 2.86\n")
    assert running_elsewhere(str(loadavg)) is None
    assert running_elsewhere(str(tmp_path / "missing")) is None


@pytest.mark.parametrize(
    ("others", "load", "spare"),
    [(0, 9.0, 4), (1, 0.0, 3), (3, 0.0, 1), (9, 0.0, 1), (None, 1.5, 3), (None, 7.0, 1)],
)
def test_spare_cpus_counts_what_runs_now_else_the_load_average(monkeypatch, others, load, spare) -> None:
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 4)
    monkeypatch.setattr(parallel, "running_elsewhere", lambda: others)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert parallel.spare_cpus() == spare
