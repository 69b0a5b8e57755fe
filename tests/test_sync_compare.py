"""Sync plans from the one comparison: what toolkit diff calls no change is not written, and every change
it reports is; against the ruler and Grafana doubles."""

from __future__ import annotations

import copy
import dataclasses

from tests.sample_project import REPO
from toolkit.clients.contexts import Context
from toolkit.clients.transport import Transport
from toolkit.sources.code import load_project
from toolkit.sync.files import plan_files
from toolkit.sync.grafana import content_hash
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
