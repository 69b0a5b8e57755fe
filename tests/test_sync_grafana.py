"""toolkit sync to Grafana: against the Grafana double, or a real Grafana when GRAFANA_URL is set (tests
using the ``grafana`` fixture are marked ``live``; `make test-live`)."""

from __future__ import annotations

import copy
import dataclasses
import json

import niquests
import pytest
from grafana_client import GrafanaApi

from tests.sample_project import REPO
from toolkit.bundle import Bundle
from toolkit.clients.contexts import Context
from toolkit.clients.grafana import Grafana
from toolkit.clients.transport import Transport
from toolkit.diff.dashboards import board_changes
from toolkit.sources.code import load_project
from toolkit.sources.live import MARKER_TAG, live_dashboards
from toolkit.sync.grafana import MESSAGE
from toolkit.sync.run import SyncOptions, run_sync

BUNDLE = load_project(REPO).bundle


def isolated_bundle(grafana) -> Bundle:
    """The project's dashboards with uids, titles and folder of this test only."""
    boards = tuple(
        dataclasses.replace(
            b,
            uid=b.uid + grafana.suffix,
            folder="sync" + grafana.suffix,
            data={**b.data, "uid": b.uid + grafana.suffix, "title": b.data["title"] + grafana.suffix},
        )
        for b in BUNDLE.dashboards
    )
    return Bundle(dashboards=boards)


def context(grafana) -> Context:
    return Context(name="test", grafana_url=grafana.url, grafana_auth=grafana.credential)


def options(grafana, **changes) -> SyncOptions:
    fast = Transport(backoff=0.01, backoff_max=0.05)
    base = SyncOptions(project="p" + grafana.suffix, only=("grafana",), revision="rev1", transport=fast)
    return dataclasses.replace(base, **changes)


def api(grafana) -> GrafanaApi:
    return GrafanaApi.from_url(grafana.url, credential=grafana.credential)


def retitled(bundle: Bundle, uid: str, title: str) -> Bundle:
    boards = tuple(
        dataclasses.replace(b, data={**b.data, "title": title}) if b.uid == uid else b
        for b in bundle.dashboards
    )
    return dataclasses.replace(bundle, dashboards=boards)


def without(bundle: Bundle, uid: str) -> Bundle:
    return dataclasses.replace(bundle, dashboards=tuple(b for b in bundle.dashboards if b.uid != uid))


def save_by_hand(grafana, uid: str, title: str, message: str = "") -> None:
    """Save a dashboard as a person does (UI or API, with its current version)."""
    answer = api(grafana).dashboard.get_dashboard(uid)
    api(grafana).dashboard.update_dashboard(
        {
            "dashboard": {**answer["dashboard"], "title": title},
            "folderUid": answer["meta"]["folderUid"],
            "message": message,
        }
    )


def test_create_then_unchanged_then_update(grafana) -> None:
    bundle, ctx = isolated_bundle(grafana), context(grafana)
    first = run_sync(bundle, ctx, options(grafana))
    assert first.ok, first.failures
    assert first.plan.counts() == {"create": len(bundle.dashboards)}
    assert first.plan.folders == ("sync" + grafana.suffix,)
    uid = "api" + grafana.suffix
    stored = api(grafana).dashboard.get_dashboard(uid)
    assert (
        MARKER_TAG in stored["dashboard"]["tags"] and stored["meta"]["folderUid"] == "sync" + grafana.suffix
    )
    versions = api(grafana).dashboard_versions.get_dashboard_versions_by_uid(uid)
    newest = (versions["versions"] if isinstance(versions, dict) else versions)[0]["message"]
    assert MESSAGE.match(newest).group("project", "revision") == ("p" + grafana.suffix, "rev1")

    writes = grafana.double.writes if grafana.double else None
    second = run_sync(bundle, ctx, options(grafana))
    assert second.ok and second.plan.counts() == {"unchanged": len(bundle.dashboards)}
    assert second.outcomes == []
    if grafana.double:
        assert grafana.double.writes == writes, "a no-op sync writes nothing"

    third = run_sync(retitled(bundle, uid, "API service"), ctx, options(grafana))
    assert third.ok and third.plan.counts() == {"unchanged": len(bundle.dashboards) - 1, "update": 1}
    update = next(a for a in third.plan.actions if a.action == "update")
    assert update.detail == (f'~ renamed from "API{grafana.suffix}" to "API service"',)
    assert api(grafana).dashboard.get_dashboard(uid)["dashboard"]["title"] == "API service"


def test_prune_deletes_only_what_this_project_wrote(grafana) -> None:
    bundle, ctx = isolated_bundle(grafana), context(grafana)
    assert run_sync(bundle, ctx, options(grafana)).ok
    folder = "sync" + grafana.suffix
    hand_made = {"uid": "hand" + grafana.suffix, "title": "Hand made" + grafana.suffix, "panels": []}
    api(grafana).dashboard.update_dashboard({"dashboard": hand_made, "folderUid": folder})
    tagged_by_hand = {**hand_made, "uid": "tagged" + grafana.suffix, "title": "Tagged" + grafana.suffix}
    tagged_by_hand["tags"] = [MARKER_TAG]
    api(grafana).dashboard.update_dashboard({"dashboard": tagged_by_hand, "folderUid": folder})
    other = Bundle(dashboards=(next(b for b in bundle.dashboards if b.uid.startswith("cost")),))
    other = dataclasses.replace(
        other,
        dashboards=tuple(
            dataclasses.replace(
                b,
                uid="other" + grafana.suffix,
                data={**b.data, "uid": "other" + grafana.suffix, "title": "Other" + grafana.suffix},
            )
            for b in other.dashboards
        ),
    )
    assert run_sync(other, ctx, options(grafana, project="q" + grafana.suffix)).ok

    users = "users" + grafana.suffix
    pruned = run_sync(without(bundle, users), ctx, options(grafana, prune=True))
    assert pruned.ok, pruned.failures
    assert [(a.action, a.uid) for a in pruned.plan.actions if a.action != "unchanged"] == [("delete", users)]
    left = {h["uid"] for h in api(grafana).search.search_dashboards(type_="dash-db", folder_uids=folder)}
    assert users not in left
    assert {"hand" + grafana.suffix, "tagged" + grafana.suffix, "other" + grafana.suffix} <= left


def test_prune_refuses_a_dashboard_edited_since_its_sync(grafana) -> None:
    bundle, ctx = isolated_bundle(grafana), context(grafana)
    assert run_sync(bundle, ctx, options(grafana)).ok
    users = "users" + grafana.suffix
    save_by_hand(grafana, users, "Users (kept by Bob)")
    refused = run_sync(without(bundle, users), ctx, options(grafana, prune=True))
    assert not refused.ok
    action = next(a for a in refused.plan.actions if a.uid == users)
    assert action.action == "conflict" and "--force deletes it" in action.reason
    assert api(grafana).dashboard.get_dashboard(users)["dashboard"]["title"] == "Users (kept by Bob)"
    forced = run_sync(without(bundle, users), ctx, options(grafana, prune=True, force=True))
    assert forced.ok and [o.action.uid for o in forced.outcomes] == [users]


def test_a_dashboard_edited_outside_is_refused_with_the_difference_then_forced(grafana) -> None:
    bundle, ctx = isolated_bundle(grafana), context(grafana)
    assert run_sync(bundle, ctx, options(grafana)).ok
    cost = "cost" + grafana.suffix
    save_by_hand(grafana, cost, "Cost (Alice)", message="quick fix")
    refused = run_sync(bundle, ctx, options(grafana))
    assert not refused.ok and "1 dashboard(s) refused: " + cost in refused.failures["grafana"]
    conflict = next(a for a in refused.plan.actions if a.uid == cost)
    assert conflict.action == "conflict"
    assert "changed since this project's last sync: version 2 was saved by" in conflict.reason
    assert '("quick fix")' in conflict.reason and conflict.reason.endswith("; --force overwrites it")
    assert conflict.detail == (f'~ renamed from "Cost (Alice)" to "LLM cost{grafana.suffix}"',)
    assert refused.outcomes == [], "nothing else needed writing"
    assert api(grafana).dashboard.get_dashboard(cost)["dashboard"]["title"] == "Cost (Alice)"
    forced = run_sync(bundle, ctx, options(grafana, force=True))
    assert (
        forced.ok
        and api(grafana).dashboard.get_dashboard(cost)["dashboard"]["title"] == "LLM cost" + grafana.suffix
    )
    assert run_sync(bundle, ctx, options(grafana)).plan.counts() == {"unchanged": len(bundle.dashboards)}


def test_a_dashboard_the_toolkit_does_not_manage_is_refused(grafana) -> None:
    bundle, ctx = isolated_bundle(grafana), context(grafana)
    api_uid = "api" + grafana.suffix
    api(grafana).folder.create_folder("Sync test", uid="sync" + grafana.suffix)
    foreign = {"uid": api_uid, "title": "Someone's API", "panels": []}
    api(grafana).dashboard.update_dashboard({"dashboard": foreign, "folderUid": "sync" + grafana.suffix})
    report = run_sync(bundle, ctx, options(grafana))
    action = next(a for a in report.plan.actions if a.uid == api_uid)
    assert action.action == "conflict" and action.reason.startswith(
        "exists in Grafana but is not managed by toolkit"
    )
    assert api(grafana).dashboard.get_dashboard(api_uid)["dashboard"]["title"] == "Someone's API"


def test_a_race_is_settled_by_version(grafana, monkeypatch) -> None:
    from toolkit.sync import run

    bundle, ctx = isolated_bundle(grafana), context(grafana)
    assert run_sync(bundle, ctx, options(grafana)).ok
    uid = "api" + grafana.suffix
    planned = run.plan_grafana

    def plan_then_someone_saves(*args, **kwargs):
        plan = planned(*args, **kwargs)
        save_by_hand(grafana, uid, "Other writer")
        return plan

    monkeypatch.setattr(run, "plan_grafana", plan_then_someone_saves)
    report = run_sync(retitled(bundle, uid, "Mine"), ctx, options(grafana))
    assert [(o.action.uid, o.ok) for o in report.outcomes] == [(uid, False)]
    assert report.outcomes[0].message == (
        "changed in Grafana since the plan (version-mismatch): nothing was overwritten; "
        "run toolkit sync again to re-plan"
    )
    assert api(grafana).dashboard.get_dashboard(uid)["dashboard"]["title"] == "Other writer"
    assert report.not_applied() == [f"grafana: update {uid}: {report.outcomes[0].message}"]


def double_context(double) -> Context:
    return Context(name="t", grafana_url=double.url, grafana_auth=double.token)


def double_options(**changes) -> SyncOptions:
    fast = Transport(backoff=0.01, backoff_max=0.05)
    return dataclasses.replace(SyncOptions(only=("grafana",), revision="rev1", transport=fast), **changes)


def test_a_dry_run_makes_no_write(grafana_double) -> None:
    ctx = double_context(grafana_double)
    report = run_sync(BUNDLE, ctx, double_options(dry_run=True))
    assert report.ok and report.plan.counts() == {"create": len(BUNDLE.dashboards)}
    assert grafana_double.writes == 0 and grafana_double.dashboards == {}
    assert run_sync(BUNDLE, ctx, double_options()).ok
    writes = grafana_double.writes
    changed = run_sync(
        retitled(without(BUNDLE, "users"), "api", "New"), ctx, double_options(dry_run=True, prune=True)
    )
    assert changed.plan.counts() == {"delete": 1, "unchanged": len(BUNDLE.dashboards) - 2, "update": 1}
    assert grafana_double.writes == writes and changed.applied() == []


def test_503s_dropped_connections_and_429_are_retried(grafana_double) -> None:
    grafana_double.fail_next(3, 503)
    grafana_double.drop_next(2)
    report = run_sync(BUNDLE, double_context(grafana_double), double_options())
    assert report.ok, report.failures
    assert set(grafana_double.dashboards) == {b.uid for b in BUNDLE.dashboards}
    grafana_double.fail_next(2, 429)
    assert run_sync(BUNDLE, double_context(grafana_double), double_options()).ok


def test_a_save_whose_answer_was_lost_is_not_repeated(grafana_double) -> None:
    one = Bundle(dashboards=BUNDLE.dashboards[:1])
    grafana_double.lose_next(1, "/api/dashboards/db")
    report = run_sync(one, double_context(grafana_double), double_options())
    assert report.ok, [o.message for o in report.outcomes]
    [version] = grafana_double.versions[one.dashboards[0].uid]
    assert version["version"] == 1 and version["message"].startswith("toolkit sync toolkit@rev1 sha256:")


def test_other_4xx_fail_at_once_with_grafanas_message(grafana_double) -> None:
    bad = dataclasses.replace(
        BUNDLE.dashboards[0], uid="x" * 41, data={**BUNDLE.dashboards[0].data, "uid": "x" * 41}
    )
    report = run_sync(Bundle(dashboards=(bad,)), double_context(grafana_double), double_options())
    [outcome] = report.outcomes
    assert not outcome.ok
    assert outcome.message == (
        f"Grafana at {grafana_double.url}: save dashboard {'x' * 41}: 400 uid too long, max 40 characters"
    )
    saves = grafana_double.requests
    run_sync(Bundle(dashboards=(bad,)), double_context(grafana_double), double_options())
    assert grafana_double.requests - saves == 3, "search, folders, save: no retry of the 400"


def test_a_partial_failure_converges_on_rerun(grafana_double, monkeypatch) -> None:
    from toolkit.clients.grafana import Grafana

    ctx = double_context(grafana_double)
    saved = Grafana.save
    calls = {"n": 0}

    def every_third_fails(self, payload):
        calls["n"] += 1
        if calls["n"] % 3 == 0:
            grafana_double.fail_next(1, 500)
        return saved(self, payload)

    monkeypatch.setattr(Grafana, "save", every_third_fails)
    first = run_sync(BUNDLE, ctx, double_options(transport=Transport(retries=0, workers=1)))
    monkeypatch.setattr(Grafana, "save", saved)
    failed = [o.action.uid for o in first.outcomes if not o.ok]
    assert not first.ok and len(failed) == len(BUNDLE.dashboards) // 3
    assert all(f"grafana: create {uid}: " in "\n".join(first.not_applied()) for uid in failed)
    assert set(grafana_double.dashboards) == {b.uid for b in BUNDLE.dashboards} - set(failed)
    second = run_sync(BUNDLE, ctx, double_options())
    assert second.ok and second.plan.counts() == {
        "create": len(failed),
        "unchanged": len(BUNDLE.dashboards) - len(failed),
    }
    assert run_sync(BUNDLE, ctx, double_options()).plan.counts() == {"unchanged": len(BUNDLE.dashboards)}


def test_provisioned_dashboards_are_left_to_their_files(grafana_double) -> None:
    grafana_double.folders["platform"] = {"id": 1, "uid": "platform", "title": "Platform"}
    api_board, cost_board = BUNDLE.dashboard("api"), BUNDLE.dashboard("cost")
    grafana_double.provision(api_board.data, "platform")
    grafana_double.provision({**cost_board.data, "title": "Old cost"}, "platform")
    report = run_sync(BUNDLE, double_context(grafana_double), double_options(force=True))
    actions = {a.uid: a for a in report.plan.actions}
    assert actions["api"].action == "unchanged" and actions["api"].reason == "provisioned from files"
    assert actions["cost"].action == "conflict"
    assert actions["cost"].reason.startswith("Grafana provisions it from files and refuses API saves of it")
    assert grafana_double.dashboards["cost"]["dashboard"]["title"] == "Old cost"


@pytest.mark.parametrize("auth", ["token", "basic"])
def test_the_folder_is_created_with_its_title(grafana_double, auth: str) -> None:
    ctx = dataclasses.replace(
        double_context(grafana_double),
        grafana_auth=grafana_double.token if auth == "token" else grafana_double.user,
    )
    report = run_sync(BUNDLE, ctx, double_options(folder_titles={"platform": "Platform"}))
    assert report.ok and grafana_double.folders["platform"]["title"] == "Platform"


def test_a_no_op_reads_each_dashboard_once_without_normalizing_and_still_sees_edits(
    grafana_double, monkeypatch
) -> None:
    from toolkit.sync import grafana as sync_grafana

    ctx = double_context(grafana_double)
    assert run_sync(BUNDLE, ctx, double_options()).ok
    normalized = []
    entry = sync_grafana.dashboard_entry
    monkeypatch.setattr(
        sync_grafana, "dashboard_entry", lambda g, answer: normalized.append(answer) or entry(g, answer)
    )
    before = grafana_double.requests
    again = run_sync(BUNDLE, ctx, double_options())
    assert again.plan.counts() == {"unchanged": len(BUNDLE.dashboards)}
    assert grafana_double.requests - before == len(BUNDLE.dashboards) + 2, "a search, the folders, a GET each"
    assert normalized == [], "dashboards Grafana holds as the sync wrote them are not normalized"

    # a person edits a query deep in a panel (the title stays): the no-op sees it and refuses
    answer = api_of(grafana_double).dashboard.get_dashboard("database")
    panel = next(p for p in answer["dashboard"]["panels"] if p.get("targets"))
    expr = panel["targets"][0]["expr"]
    panel["targets"][0]["expr"] = f"({expr}) * 2"
    api_of(grafana_double).dashboard.update_dashboard(
        {"dashboard": answer["dashboard"], "folderUid": "platform", "message": ""}
    )
    # and a dashboard is moved to another folder, its content untouched: written back to its folder
    grafana_double.folders["elsewhere"] = {"id": 99, "uid": "elsewhere", "title": "Elsewhere"}
    grafana_double.dashboards["users"]["folderUid"] = "elsewhere"
    report = run_sync(BUNDLE, ctx, double_options())
    actions = {a.uid: a for a in report.plan.actions}
    assert actions["database"].action == "conflict" and "version 2 was saved by" in actions["database"].reason
    changed, old, new = actions["database"].detail
    assert changed == f'~ panel "{panel["title"]}": query A changed'
    assert old.strip().startswith("- (") and old.endswith(") * 2") and not new.endswith("* 2")
    assert actions["users"].action == "update"
    assert actions["users"].detail == ("~ folder elsewhere -> platform",)
    assert grafana_double.dashboards["users"]["folderUid"] == "platform"
    assert sorted(answer["dashboard"]["uid"] for answer in normalized) == ["database", "users"]


def api_of(double) -> GrafanaApi:
    return GrafanaApi.from_url(double.url, credential=double.token)


def test_a_read_that_fails_stops_the_plan_without_reading_the_rest(grafana_double) -> None:
    ctx = double_context(grafana_double)
    assert run_sync(BUNDLE, ctx, double_options()).ok
    first = BUNDLE.dashboards[0].uid
    grafana_double.fail_next(1, 500, path=f"/api/dashboards/uid/{first}", message="database is locked")
    grafana_double.latency = 0.05
    before = grafana_double.requests
    report = run_sync(BUNDLE, ctx, double_options(transport=Transport(retries=0, workers=1)))
    assert report.failures["grafana"] == (
        f"Grafana at {grafana_double.url}: GET dashboard {first}: 500 database is locked"
    )
    assert report.plan is None and grafana_double.writes == len(BUNDLE.dashboards) + 1
    assert grafana_double.requests - before < 2 + len(BUNDLE.dashboards), "the reads left were cancelled"


# one past the largest unsigned 64-bit integer: JSON carries it, orjson neither writes nor reads it
BIG = 2**64
ODD = BIG + 1  # nor does a float hold it: read as one, it is rounded to BIG


def with_big_integers(bundle: Bundle, uid: str) -> Bundle:
    """``uid`` with a threshold step, a value mapping and a maximum beyond 64 bits in its first panel with
    thresholds."""
    board = next(b for b in bundle.dashboards if b.uid == uid)
    data = copy.deepcopy(board.data)
    defaults = thresholded(data)["fieldConfig"]["defaults"]
    defaults["thresholds"]["steps"].append({"color": "purple", "value": BIG})
    defaults["mappings"] = [{"type": "value", "options": {str(BIG): {"text": "overflow", "index": 0}}}]
    defaults["max"] = ODD
    boards = tuple(dataclasses.replace(b, data=data) if b.uid == uid else b for b in bundle.dashboards)
    return dataclasses.replace(bundle, dashboards=boards)


def thresholded(board: dict) -> dict:
    """The dashboard's first panel with thresholds."""
    return next(p for p in board["panels"] if p.get("fieldConfig", {}).get("defaults", {}).get("thresholds"))


def stored_exactly(grafana, uid: str) -> dict:
    """The dashboard as Grafana stores it, read with the standard library's parser (every digit kept)."""
    auth = grafana.credential if isinstance(grafana.credential, tuple) else None
    headers = {} if auth else {"Authorization": f"Bearer {grafana.credential}"}
    answer = niquests.get(f"{grafana.url}/api/dashboards/uid/{uid}", auth=auth, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return json.loads(answer.content)["dashboard"]


def test_integers_beyond_64_bits_are_saved_as_written_and_read_back_unchanged(grafana) -> None:
    uid = "api" + grafana.suffix
    bundle, ctx = with_big_integers(isolated_bundle(grafana), uid), context(grafana)
    first = run_sync(bundle, ctx, options(grafana))
    assert first.ok, (first.failures, [o.message for o in first.outcomes if not o.ok])
    assert first.plan.counts() == {"create": len(bundle.dashboards)}
    defaults = thresholded(stored_exactly(grafana, uid))["fieldConfig"]["defaults"]
    assert defaults["thresholds"]["steps"][-1] == {"color": "purple", "value": BIG}
    assert defaults["mappings"][0]["options"] == {str(BIG): {"text": "overflow", "index": 0}}
    assert type(defaults["max"]) is int and defaults["max"] == ODD

    writes = grafana.double.writes if grafana.double else None
    second = run_sync(bundle, ctx, options(grafana))
    assert second.ok and second.plan.counts() == {"unchanged": len(bundle.dashboards)}
    if grafana.double:
        assert grafana.double.writes == writes, "a no-op sync writes nothing"
    wanted = next(b for b in bundle.dashboards if b.uid == uid)
    live = live_dashboards(Grafana(grafana.url, Transport(), grafana.credential), [uid])
    assert board_changes(next(b for b in live if b.uid == uid), wanted) == [], "diff --live sees no change"

    third = run_sync(retitled(bundle, uid, "API" + grafana.suffix + " (big)"), ctx, options(grafana))
    assert third.ok and third.plan.counts() == {"unchanged": len(bundle.dashboards) - 1, "update": 1}
    assert thresholded(stored_exactly(grafana, uid))["fieldConfig"]["defaults"]["max"] == ODD
