"""The Grafana double answers as Grafana's HTTP API documents; with GRAFANA_URL set these run against a
real Grafana instead (make up; make test-live)."""

from __future__ import annotations

import json
import urllib.request
import uuid

import niquests
import pytest
from grafana_client import GrafanaApi
from grafana_client.client import GrafanaClientError, GrafanaServerError, GrafanaUnauthorizedError


@pytest.fixture
def api(grafana) -> GrafanaApi:
    return GrafanaApi.from_url(grafana.url, credential=grafana.credential)


@pytest.fixture
def unique(grafana):
    """Names ending with the test's suffix, so a real Grafana is cleaned up after the test."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:6]}{grafana.suffix}"


def board(uid: str, title: str = "Test", **extra) -> dict:
    return {"uid": uid, "title": title, "panels": [], "schemaVersion": 41, **extra}


def test_health_needs_no_auth(grafana) -> None:
    with urllib.request.urlopen(f"{grafana.url}/api/health", timeout=5) as response:
        assert json.loads(response.read())["database"] == "ok"


def test_a_wrong_token_is_401(grafana) -> None:
    with pytest.raises(GrafanaUnauthorizedError):
        GrafanaApi.from_url(grafana.url, credential="wrong").search.search_dashboards()


def test_save_get_versions_and_delete(api, unique) -> None:
    uid = unique("t")
    first = api.dashboard.update_dashboard({"dashboard": board(uid), "message": "first"})
    assert first["status"] == "success" and first["version"] == 1
    got = api.dashboard.get_dashboard(uid)
    assert got["dashboard"]["version"] == 1 and got["dashboard"]["id"] == first["id"]
    second = api.dashboard.update_dashboard(
        {"dashboard": {**got["dashboard"], "title": "Two"}, "message": "second"}
    )
    assert second["version"] == 2
    versions = api.dashboard_versions.get_dashboard_versions_by_uid(uid)
    versions = versions["versions"] if isinstance(versions, dict) else versions
    assert [v["message"] for v in versions[:2]] == ["second", "first"]
    api.dashboard.delete_dashboard(uid)
    with pytest.raises(GrafanaClientError) as missing:
        api.dashboard.get_dashboard(uid)
    assert missing.value.status_code == 404


def test_a_stale_or_missing_version_is_412_version_mismatch(api, unique) -> None:
    uid = unique("race")
    api.dashboard.update_dashboard({"dashboard": board(uid)})
    stale = api.dashboard.get_dashboard(uid)["dashboard"]
    api.dashboard.update_dashboard({"dashboard": {**stale, "title": "Winner"}})
    for loser in ({**stale, "title": "Loser"}, {"uid": uid, "title": "No version", "panels": []}):
        with pytest.raises(GrafanaClientError) as lost:
            api.dashboard.update_dashboard({"dashboard": loser})
        assert lost.value.status_code == 412 and lost.value.response["status"] == "version-mismatch"
    forced = api.dashboard.update_dashboard({"dashboard": {**stale, "title": "Forced"}, "overwrite": True})
    assert forced["status"] == "success"


def test_the_same_title_in_a_folder_is_412_name_exists(api, unique) -> None:
    title = unique("Same title")
    api.dashboard.update_dashboard({"dashboard": board(unique("a"), title)})
    with pytest.raises(GrafanaClientError) as taken:
        api.dashboard.update_dashboard({"dashboard": board(unique("b"), title)})
    assert taken.value.status_code == 412 and taken.value.response["status"] == "name-exists"


@pytest.mark.parametrize(
    ("dashboard", "folder"),
    [
        (board("ok-uid", title=""), None),
        (board("x" * 41), None),
        (board("bad uid/with slash"), None),
        (board("ok-uid-2"), "no-such-folder"),
    ],
    ids=["empty title", "uid over 40", "illegal uid", "missing folder"],
)
def test_bad_saves_are_400(api, dashboard: dict, folder: str | None) -> None:
    payload = {"dashboard": dashboard, **({"folderUid": folder} if folder else {})}
    with pytest.raises(GrafanaClientError) as refused:
        api.dashboard.update_dashboard(payload)
    assert refused.value.status_code == 400


def test_numbers_are_stored_as_written_and_nan_is_bad_request_data(grafana, unique) -> None:
    """Grafana keeps a dashboard's number literals (its decoder keeps them as written), so an integer
    beyond 64 bits comes back digit for digit; JSON has no NaN, which Grafana's decoder refuses."""
    uid = unique("n")
    auth = grafana.credential if isinstance(grafana.credential, tuple) else None
    headers = {"Content-Type": "application/json"}
    if auth is None:
        headers["Authorization"] = f"Bearer {grafana.credential}"

    def post(text: str) -> niquests.Response:
        return niquests.post(
            f"{grafana.url}/api/dashboards/db", data=text.encode(), auth=auth, headers=headers, timeout=10
        )

    big = 2**64 + 1
    saved = post(
        f'{{"dashboard": {{"uid": "{uid}", "title": "{uid}", "panels": [], "maxDataPoints": {big}}}}}'
    )
    assert saved.status_code == 200, saved.text
    answer = niquests.get(f"{grafana.url}/api/dashboards/uid/{uid}", auth=auth, headers=headers, timeout=10)
    assert json.loads(answer.content)["dashboard"]["maxDataPoints"] == big
    refused = post(
        f'{{"dashboard": {{"uid": "{uid}", "title": "{uid}", "panels": [], "maxDataPoints": NaN}}}}'
    )
    assert refused.status_code == 400


def test_folders_and_search(api, unique) -> None:
    folder = unique("f")
    api.folder.create_folder("Folder", uid=folder)
    with pytest.raises(GrafanaClientError) as exists:
        api.folder.create_folder("Folder again", uid=folder)
    assert exists.value.status_code in (409, 412)
    tag = unique("tag")
    uids = [unique("s") for _ in range(3)]
    for n, uid in enumerate(uids):
        api.dashboard.update_dashboard(
            {"dashboard": board(uid, f"Search {n}", tags=[tag]), "folderUid": folder}
        )
    found = api.search.search_dashboards(tag=tag, type_="dash-db")
    assert sorted(h["uid"] for h in found) == sorted(uids)
    assert all(h["folderUid"] == folder for h in found)
    pages = [api.search.search_dashboards(tag=tag, type_="dash-db", limit=2, page=p) for p in (1, 2)]
    assert [len(p) for p in pages] == [2, 1]
    assert api.search.search_dashboards(dashboard_uids=uids[0])[0]["uid"] == uids[0]


def test_injected_faults_and_write_counter(grafana_double) -> None:
    api = GrafanaApi.from_url(grafana_double.url, credential=grafana_double.token)
    grafana_double.fail_next(1, 503)
    with pytest.raises(GrafanaServerError):
        api.search.search_dashboards()
    before = grafana_double.writes
    api.dashboard.update_dashboard({"dashboard": board("w")})
    assert grafana_double.writes == before + 1
    api.search.search_dashboards()
    assert grafana_double.writes == before + 1


def test_provisioned_dashboards_refuse_saves_and_deletes(grafana_double) -> None:
    api = GrafanaApi.from_url(grafana_double.url, credential=grafana_double.token)
    grafana_double.provision(board("prov"))
    assert api.dashboard.get_dashboard("prov")["meta"]["provisioned"] is True
    live = api.dashboard.get_dashboard("prov")["dashboard"]
    for attempt in (
        lambda: api.dashboard.update_dashboard({"dashboard": live}),
        lambda: api.dashboard.delete_dashboard("prov"),
    ):
        with pytest.raises(GrafanaClientError) as refused:
            attempt()
        assert refused.value.status_code == 400


def test_a_lost_answer_still_saves(grafana_double) -> None:
    api = GrafanaApi.from_url(grafana_double.url, credential=grafana_double.token)
    grafana_double.lose_next(1, "/api/dashboards/db")
    with pytest.raises(niquests.exceptions.ConnectionError):  # closed without an answer
        api.dashboard.update_dashboard({"dashboard": board("lost")})
    assert grafana_double.dashboards["lost"]["dashboard"]["version"] == 1
