"""The benchmark harness itself, on tiny inputs: what it measures, the order it runs things in, and that
its floor writes the toolkit's own bytes. (No timings are asserted: speed is for ``make bench``.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.harness import Contender, child_env, contest, python, ratio, run_child
from bench.peers.records import read_records, write_records
from bench.sync import Double, dashboard_files
from tests.sample_project import make_project
from toolkit.output.build import render, write_build
from toolkit.sources.code import load_project


def test_a_child_is_measured_with_its_own_peak_memory_and_cpu() -> None:
    run = run_child([sys.executable, "-c", "b = bytearray(64 * 2**20); b[::4096] = b'x' * len(b[::4096])"])
    assert run.code == 0
    assert run.peak_mib >= 64
    assert 0 < run.cpu <= run.wall * 2 + 0.1


def test_a_childs_peak_does_not_include_the_benchmarks_own_memory() -> None:
    ballast = bytearray(256 * 2**20)
    ballast[:: 2**12] = b"x" * len(ballast[:: 2**12])
    assert run_child([sys.executable, "-c", "pass"]).peak_mib < 100
    del ballast


def test_a_failing_child_is_an_error_unless_its_exit_code_is_expected() -> None:
    argv = [sys.executable, "-c", "raise SystemExit(1)"]
    assert run_child(argv, ok=(1,)).code == 1
    try:
        run_child(argv)
    except RuntimeError as error:
        assert "exited 1" in str(error)
    else:
        raise AssertionError("an unexpected exit code must fail the benchmark")


def test_rounds_rotate_who_goes_first(tmp_path: Path) -> None:
    log = tmp_path / "log"
    contenders = [
        Contender(name, [sys.executable, "-c", f"open({str(log)!r}, 'a').write({name!r})"]) for name in "ab"
    ]
    contest(contenders, rounds=3, warmup=True)
    assert log.read_text() == "ab" + "abbaab"
    assert [len(c.runs) for c in contenders] == [3, 3]


def test_the_figure_is_the_median_of_per_round_ratios() -> None:
    figure = ratio([2.0, 9.0, 3.0], [1.0, 3.0, 1.0])
    assert (figure.median, figure.low, figure.high) == (3.0, 2.0, 3.0)


def test_the_build_floor_writes_the_toolkits_own_dashboard_bytes(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    root = make_project(tmp_path / "project")
    write_build(root, render(load_project(root).bundle))
    records = tmp_path / "records"
    assert write_records(root / "build", records) == len(list(read_records(records))) > 0
    run_child(python("bench.peers.floor_build", str(records), str(tmp_path / "floor")), env=child_env())
    built = sorted((root / "build" / "dashboards").glob("*.json"))
    assert built
    for path in built:
        assert (tmp_path / "floor" / "dashboards" / path.name).read_bytes() == path.read_bytes()


def test_the_peers_build_the_same_number_of_dashboards_and_rules(tmp_path: Path) -> None:
    for peer in ("grafanalib_build", "foundation_sdk_build"):
        out = tmp_path / peer
        run_child(python(f"bench.peers.{peer}", str(out), "2", "40"), env=child_env())
        boards = [json.loads(p.read_text()) for p in sorted((out / "dashboards").glob("*.json"))]
        assert [b["uid"] for b in boards] == ["bench-00000", "bench-00001"]
        assert all(len([p for p in b["panels"] if p["type"] != "row"]) == 20 for b in boards), peer
        assert len(list((out / "prometheus").glob("*.yml"))) == 2


def test_the_sync_benchmark_measures_a_no_op_against_the_double_in_its_own_process(tmp_path: Path) -> None:
    dashboard_files(tmp_path, 3)
    env = child_env(BENCH_GRAFANA_TOKEN="bench-test-token")
    double = Double(env)
    try:
        first = run_child(python("bench.peers.sync_toolkit", double.url, str(tmp_path)), env=env).reported()
        before = double.requests()
        again = run_child(python("bench.peers.sync_toolkit", double.url, str(tmp_path)), env=env).reported()
        requests = double.requests() - before
        loop = run_child(python("bench.peers.sync_loop", double.url, str(tmp_path)), env=env).reported()
    finally:
        double.close()
    assert (first["writes"], again["writes"]) == (3, 0)
    assert requests == 3 + 2, (
        "a search, the folders and a GET of each dashboard (the counter's reads not counted)"
    )
    assert again["workers"] == 8, "the network minimum divides by the concurrency the sync used"
    assert loop["writes"] == 0, "the loop finds the synced dashboards unchanged"


def test_a_ratio_says_how_many_rounds_it_comes_from_and_a_target_carries_them() -> None:
    from bench.harness import VERDICTS, ratio_target

    wall, cpu = ratio([2.0, 9.0, 3.0], [1.0, 3.0, 1.0]), ratio([1.0, 1.0, 1.0], [1.0, 2.0, 0.5])
    assert wall.pairs == 3
    saved = VERDICTS[:]
    try:
        assert ratio_target("thing", wall, cpu, 2.5).endswith("NOT MET")
        assert (
            str(VERDICTS[-1])
            == "thing: 3.00x (3 rounds, range 2.00-3.00, cpu 1.00x) (target <= 2.5x) NOT MET"
        )
    finally:
        VERDICTS[:] = saved


def test_a_failing_benchmark_is_in_the_summary_the_others_still_run_and_the_status_is_1(
    monkeypatch, capsys
) -> None:
    import types

    from bench.__main__ import run
    from bench.harness import VERDICTS, target

    def failing(plan) -> None:
        raise RuntimeError("toolkit build exited 2: boom")

    benches = {
        "build": failing,
        "diff": lambda plan: print("   skipped: no corpus"),
        "lint": lambda plan: print(target("lint 1x wall vs promtool", 0.9, 1.0)),
    }
    for name, main in benches.items():
        monkeypatch.setitem(sys.modules, f"bench.{name}", types.SimpleNamespace(main=main))
    saved = VERDICTS[:]
    VERDICTS.clear()
    try:
        status = run(["--quick", "build", "diff", "lint"])
    finally:
        VERDICTS[:] = saved
    summary = capsys.readouterr().out.split("== targets\n", 1)[1].splitlines()
    assert status == 1
    assert summary == [
        "   lint 1x wall vs promtool: 0.90x (target <= 1x) met",
        "   bench diff: no target measured (see its output above)",
        "   bench build: FAILED (RuntimeError: toolkit build exited 2: boom)",
    ]
