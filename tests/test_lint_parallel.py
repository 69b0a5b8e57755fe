"""Linting in worker processes finds exactly what linting in one process finds."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.test_lint import alert, dashboard_file, panel, rules_file, run
from toolkit.lint.engine import lint_bundle
from toolkit.lint.parallel import WorkerError, fan_out
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
