"""Dashboards to Grafana: plan by semantic comparison, protect hand edits, lock by version, prune ours only.

Every dashboard the toolkit writes carries the ``managed-by:toolkit`` tag and a version message
``toolkit sync <revision> sha256:<hash of the content>``. Before an update, the newest version of the
live dashboard must be ours and its content must still hash to what we wrote; otherwise someone
edited it outside the toolkit and the sync refuses (unless ``force``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from toolkit.bundle import Bundle, DashboardEntry
from toolkit.contexts import Context
from toolkit.diff.dashboards import dashboard_changes
from toolkit.grafana_json import normalize_dashboard
from toolkit.sources.live import MARKER_TAG
from toolkit.sync.http import SyncError, Transport, describe, grafana_client

MESSAGE = re.compile(r"^toolkit sync (\S+) sha256:([0-9a-f]{64})$")
CREATE, UPDATE, UNCHANGED, DELETE, CONFLICT = "create", "update", "unchanged", "delete", "conflict"


def content_hash(board: dict[str, Any]) -> str:
    """A hash of a dashboard's definition (without Grafana's additions and our marker tag)."""
    data = normalize_dashboard(board)
    data["tags"] = sorted(t for t in data.get("tags") or [] if t != MARKER_TAG)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class DashboardAction:
    """What the sync does to one dashboard, and why; ``detail`` holds a semantic difference."""

    uid: str
    title: str
    action: str
    folder: str = ""
    reason: str = ""
    live_version: int | None = None
    data: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What happened when an action was applied."""

    action: DashboardAction
    ok: bool
    message: str = ""


def _live_index(api) -> dict[str, dict[str, Any]]:
    hits, page = [], 1
    while True:
        batch = api.search.search_dashboards(type_="dash-db", limit=1000, page=page)
        hits += batch
        if len(batch) < 1000:
            return {hit["uid"]: hit for hit in hits}
        page += 1


def _versions(api, uid: str) -> list[dict[str, Any]]:
    answer = api.dashboard_versions.get_dashboard_versions_by_uid(uid)
    return answer.get("versions", []) if isinstance(answer, dict) else list(answer)


def _edited_outside(api, uid: str, live: dict[str, Any]) -> str:
    """Why the live dashboard counts as edited outside the toolkit ('' when it does not)."""
    versions = _versions(api, uid)
    newest = versions[0] if versions else {}
    written = MESSAGE.match(str(newest.get("message") or ""))
    if not written:
        who = newest.get("createdBy") or "someone"
        return f"version {newest.get('version', '?')} was saved by {who} outside the toolkit"
    if written.group(2) != content_hash(live):
        return "its content no longer matches what toolkit sync wrote"
    return ""


def _semantic(live: dict[str, Any], wanted: DashboardEntry) -> tuple[str, ...]:
    old = Bundle(dashboards=(DashboardEntry(wanted.uid, normalize_dashboard(live), wanted.source),))
    new = Bundle(dashboards=(DashboardEntry(wanted.uid, wanted.data, wanted.source),))
    return tuple(f"{c.kind} {c.text}" for c in dashboard_changes(old, new))


def _plan_one(api, entry: DashboardEntry, hit: dict[str, Any] | None, force: bool) -> DashboardAction:
    title = entry.data.get("title", "")
    if hit is None:
        return DashboardAction(entry.uid, title, CREATE, entry.folder, data=entry.data)
    answer = api.dashboard.get_dashboard(entry.uid)
    live, meta = answer["dashboard"], answer.get("meta") or {}
    version = live.get("version")
    same_content = content_hash(live) == content_hash(entry.data)
    if same_content and meta.get("folderUid", "") == entry.folder and MARKER_TAG in (live.get("tags") or []):
        return DashboardAction(entry.uid, title, UNCHANGED, entry.folder, live_version=version)
    if MARKER_TAG not in (live.get("tags") or []) and not force:
        return DashboardAction(
            entry.uid,
            title,
            CONFLICT,
            entry.folder,
            "exists in Grafana but is not managed by toolkit: --force takes it over",
            version,
        )
    why = "" if force or MARKER_TAG not in (live.get("tags") or []) else _edited_outside(api, entry.uid, live)
    if why:
        return DashboardAction(
            entry.uid,
            title,
            CONFLICT,
            entry.folder,
            f"edited outside the toolkit: {why}; --force overwrites it",
            version,
            detail=_semantic(live, entry),
        )
    return DashboardAction(
        entry.uid,
        title,
        UPDATE,
        entry.folder,
        live_version=version,
        data=entry.data,
        detail=_semantic(live, entry),
    )


@dataclass(frozen=True)
class GrafanaPlan:
    """Every dashboard's action, and the folders to create."""

    actions: tuple[DashboardAction, ...]
    folders: tuple[str, ...]


def plan_grafana(api, bundle: Bundle, *, prune: bool, force: bool, workers: int = 8) -> GrafanaPlan:
    """Compare the bundle's dashboards with Grafana's (reads only; a pool of ``workers``)."""
    live = _live_index(api)
    wanted = {entry.uid: entry for entry in bundle.dashboards}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        actions = list(pool.map(lambda e: _plan_one(api, e, live.get(e.uid), force), wanted.values()))
    if prune:
        actions += [
            DashboardAction(uid, hit.get("title", ""), DELETE, hit.get("folderUid", ""), "gone from the code")
            for uid, hit in sorted(live.items())
            if uid not in wanted and MARKER_TAG in (hit.get("tags") or [])
        ]
    known = {folder["uid"] for folder in api.folder.get_all_folders()}
    needed = sorted(
        {a.folder for a in actions if a.action in (CREATE, UPDATE) and a.folder and a.folder not in known}
    )
    return GrafanaPlan(tuple(actions), tuple(needed))


def _payload(action: DashboardAction, message: str) -> dict[str, Any]:
    board = dict(action.data or {})
    board["tags"] = sorted({*(board.get("tags") or []), MARKER_TAG})
    if action.action == UPDATE and action.live_version is not None:
        board["version"] = action.live_version
    return {
        "dashboard": board,
        "folderUid": action.folder,
        "overwrite": False,
        "message": f"{message} sha256:{content_hash(board)}",
    }


def _apply_one(api, action: DashboardAction, message: str, context: Context) -> Outcome:
    from grafana_client.client import GrafanaException

    try:
        if action.action == DELETE:
            api.dashboard.delete_dashboard(action.uid)
        else:
            api.dashboard.update_dashboard(_payload(action, message))
        return Outcome(action, True)
    except GrafanaException as error:
        if getattr(error, "status_code", None) == 412:
            return Outcome(
                action,
                False,
                "changed in Grafana since the plan (version-mismatch): run toolkit sync again to re-plan",
            )
        return Outcome(action, False, describe(error, context))


def apply_grafana(
    api,
    plan: GrafanaPlan,
    *,
    revision: str,
    context: Context,
    workers: int = 8,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Create missing folders, then write and delete dashboards in a pool; nothing for unchanged ones."""
    from grafana_client.client import GrafanaException

    for folder in plan.folders:
        try:
            api.folder.create_folder(folder, uid=folder)
        except GrafanaException as error:
            if getattr(error, "status_code", None) not in (409, 412):
                raise SyncError(f"cannot create folder {folder}: {describe(error, context)}") from None
    todo = [a for a in plan.actions if a.action in (CREATE, UPDATE, DELETE)]
    message = f"toolkit sync {revision}"
    outcomes = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for outcome in pool.map(lambda a: _apply_one(api, a, message, context), todo):
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes


def connect(context: Context, transport: Transport):
    """A checked Grafana client: the token is tried once, so a bad one fails before any plan."""
    from grafana_client.client import GrafanaException

    api = grafana_client(context, transport)
    try:
        api.search.search_dashboards(limit=1)
    except GrafanaException as error:
        raise SyncError(f"Grafana at {context.grafana_url}: {describe(error, context)}") from None
    return api


def summarize(actions: Iterable[DashboardAction]) -> dict[str, int]:
    """Count of actions per kind."""
    counts: dict[str, int] = {}
    for action in actions:
        counts[action.action] = counts.get(action.action, 0) + 1
    return counts
