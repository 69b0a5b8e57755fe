"""Sync plans from the one comparison: what toolkit diff calls no change is not written, and every change
it reports is; against the ruler and Grafana doubles."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import time

from tests.sample_project import REPO
from toolkit.clients.contexts import Context
from toolkit.clients.transport import Transport
from toolkit.sources.code import load_project
from toolkit.sync.files import plan_files
from toolkit.sync.grafana import WantedDashboard, content_hash
from toolkit.sync.run import SyncOptions, run_sync

BUNDLE = load_project(REPO).bundle
FAST = Transport(backoff=0.01, backoff_max=0.05)


def options(target: str, **changes) -> SyncOptions:
    base = SyncOptions(project="p", only=(target,), revision="rev1", transport=FAST)
    return dataclasses.replace(base, **changes)


def test_a_ruler_group_spelled_differently_is_unchanged_and_a_changed_interval_is_written(
    ruler_double,
) -> None:
    ctx = Context(name="mimir", ruler_url=ruler_double.url, ruler_tenant="team-a")
    assert run_sync(BUNDLE, ctx, options("ruler")).ok
    stored = ruler_double.rules["team-a"]["system-alerts"]["system-alerts"]
    stored["rules"][0] = {**dict(reversed(stored["rules"][0].items())), "for": "300s"}
    stored["rules"][0]["expr"] = " " + stored["rules"][0]["expr"].replace(" ", "  ") + "\n"
    again = run_sync(BUNDLE, ctx, options("ruler"))
    assert again.results["ruler"].written == ()

    stored["interval"] = "2m"
    changed = run_sync(BUNDLE, ctx, options("ruler", dry_run=True))
    assert changed.results["ruler"].written == ("system-alerts/system-alerts",)


def test_a_stacking_change_is_an_update_with_its_path_and_the_hash_is_of_the_normalized_form(
    grafana_double,
) -> None:
    ctx = Context(name="test", grafana_url=grafana_double.url, grafana_auth=grafana_double.token)
    board = next(b for b in BUNDLE.dashboards if b.uid == "api")
    bundle = dataclasses.replace(BUNDLE, dashboards=(board,))
    assert run_sync(bundle, ctx, options("grafana")).ok
    assert run_sync(bundle, ctx, options("grafana")).plan.counts() == {"unchanged": 1}

    data = copy.deepcopy(board.data)
    panel = next(p for p in data["panels"] if p.get("type") == "timeseries")
    custom = panel["fieldConfig"]["defaults"].setdefault("custom", {})
    before = custom["stacking"]["mode"]
    custom["stacking"] = {**custom.get("stacking", {}), "mode": "percent"}
    stacked = dataclasses.replace(bundle, dashboards=(dataclasses.replace(board, data=data),))
    plan = run_sync(stacked, ctx, options("grafana", dry_run=True)).plan
    (update,) = plan.actions
    assert update.action == "update"
    assert update.detail == (
        f'~ panel "{panel["title"]}": fieldConfig.defaults.custom.stacking.mode "{before}" -> "percent"',
    )
    assert content_hash(data) != content_hash(board.data)
    assert content_hash(copy.deepcopy(board.data)) == content_hash(board.data)


def test_a_rule_file_that_means_the_same_is_not_rewritten_and_a_changed_one_is(tmp_path) -> None:
    wanted = (REPO / "build" / "prometheus" / "system-alerts.yml").read_bytes()
    assert b"for: 5m" in wanted
    (tmp_path / "system-alerts.yml").write_bytes(wanted.replace(b"for: 5m", b"for: 300s"))
    assert plan_files(tmp_path, {"system-alerts.yml": wanted}, prune=False).unchanged == (
        "system-alerts.yml",
    )
    (tmp_path / "system-alerts.yml").write_bytes(wanted.replace(b"for: 5m", b"for: 6m", 1))
    assert plan_files(tmp_path, {"system-alerts.yml": wanted}, prune=False).written == ("system-alerts.yml",)


def test_a_dashboard_orjson_cannot_write_is_packed_whole_and_compared_by_the_one_comparison(
    grafana_double,
) -> None:
    ctx = Context(name="test", grafana_url=grafana_double.url, grafana_auth=grafana_double.token)
    board = next(b for b in BUNDLE.dashboards if b.uid == "api")
    plain = WantedDashboard.of(board)
    assert plain.digest is not None and plain.data() == board.data
    assert len(plain.packed) < len(json.dumps(board.data)) / 3
    for odd in (2**70, math.inf):
        data = {**copy.deepcopy(board.data), "refresh": odd}
        packed = WantedDashboard.of(dataclasses.replace(board, data=data))
        assert packed.digest is None and packed.data() == data and packed.title == data["title"]

    bundle = dataclasses.replace(BUNDLE, dashboards=(board,))
    assert run_sync(bundle, ctx, options("grafana")).ok
    huge = dataclasses.replace(board, data={**board.data, "refresh": 2**70})
    plan = run_sync(
        dataclasses.replace(bundle, dashboards=(huge,)), ctx, options("grafana", dry_run=True)
    ).plan
    (update,) = plan.actions
    assert (update.action, update.detail) == ("update", (f'~ refresh "{board.data["refresh"]}" -> {2**70}',))


def test_the_plan_reads_each_dashboard_as_it_is_given_without_waiting_for_the_rest(grafana_double) -> None:
    ctx = Context(name="test", grafana_url=grafana_double.url, grafana_auth=grafana_double.token)
    boards = BUNDLE.dashboards[:2]
    assert run_sync(dataclasses.replace(BUNDLE, dashboards=boards), ctx, options("grafana")).ok
    before = grafana_double.requests
    read_first = []

    def loading():
        yield WantedDashboard.of(boards[0])
        deadline = time.monotonic() + 10
        while grafana_double.requests < before + 3 and time.monotonic() < deadline:  # search, folders, GET
            time.sleep(0.01)
        read_first.append(grafana_double.requests - before)
        yield WantedDashboard.of(boards[1])

    report = run_sync(BUNDLE, ctx, options("grafana"), dashboards=loading())
    assert read_first == [3]
    assert report.plan.counts() == {"unchanged": 2}
