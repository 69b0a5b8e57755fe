"""Dashboards to Grafana: plan by semantic comparison, protect hand edits, lock by version, prune ours only.

Whether a dashboard needs writing is :func:`toolkit.diff.dashboards.board_changes` (the one comparison
``toolkit diff`` makes) of the live dashboard, normalized, and the wanted one: no change, no write. A
dashboard Grafana holds exactly as the sync wrote it (the usual case of a sync with nothing to do) is
recognized by its canonical bytes, without normalizing it (:func:`_as_written`). The wanted side is held
compactly (:class:`WantedDashboard`: the canonical bytes, not the tree of dicts) and parsed back only for
the dashboards to write or to show a difference for, so its memory stays small however many there are.
Every dashboard the toolkit writes carries the ``managed-by:toolkit`` tag and the version message
``toolkit sync <project>@<revision> sha256:<fingerprint of the normalized content>``. Before an update or a delete, the
newest version of the live dashboard must be this project's and its content must still hash to what we
wrote; otherwise someone edited it outside the toolkit and the sync refuses it (unless ``force``).
Updates carry the version read by the plan, so a save in between is refused by Grafana (412) instead of
overwritten. Prune deletes only dashboards this project wrote.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

from toolkit.bundle import DashboardEntry
from toolkit.bundle.dashboards import without_additions
from toolkit.clients.errors import ClientError
from toolkit.clients.grafana import Grafana
from toolkit.diff.dashboards import board_changes
from toolkit.diff.model import Change
from toolkit.locations import SourceLocation
from toolkit.sources.live import MARKER_TAG, dashboard_entry
from toolkit.sync.results import SyncError

MESSAGE = re.compile(r"^toolkit sync (?P<project>[^@\s]+)@(?P<revision>\S+) sha256:(?P<hash>[0-9a-f]{64})$")
CREATE, UPDATE, UNCHANGED, DELETE, CONFLICT = "create", "update", "unchanged", "delete", "conflict"
WRITES = (CREATE, UPDATE, DELETE)
T = TypeVar("T")


def content_hash(data: dict[str, Any]) -> str:
    """The fingerprint kept in the version message: sha256 of a dashboard's normalized data as canonical
    JSON. It is taken of the same normalized form :func:`toolkit.diff.compare` reads (the live form, our
    marker tag removed), not a second notion of "the same": equal fingerprints mean equal normalized
    data, for which compare finds no change."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _canonical(data: dict[str, Any]) -> bytes | None:
    """``data`` as JSON with sorted keys: equal bytes mean equal data, value and type alike (``1``, ``1.0``
    and ``true`` differ); None when orjson cannot write it (an integer beyond 64 bits)."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return None


@dataclass(frozen=True)
class WantedDashboard:
    """A dashboard the code defines, as the plan holds it: a few KiB instead of its tree of dicts.

    ``packed`` is its normalized data as JSON, compressed, parsed back (:meth:`data`) only for a dashboard
    to write or to show a difference for. ``digest`` is the sha256 of its canonical form
    (:func:`_canonical`), which the canonical form of a dashboard Grafana serves is compared with; it is
    None for data the canonical form does not carry (NaN, which orjson writes as null; an integer
    beyond 64 bits), which the standard library packs instead, and which is then always normalized and
    compared.
    """

    uid: str
    title: str
    folder: str
    digest: bytes | None
    packed: bytes = field(repr=False)
    source: SourceLocation

    @classmethod
    def of(cls, entry: DashboardEntry) -> WantedDashboard:
        """``entry`` packed: its tree of dicts is not kept."""
        text = _canonical(entry.data)
        if text is not None and orjson.loads(text) != entry.data:  # NaN (null), or not plain JSON types
            text = None
        digest = None if text is None else hashlib.sha256(text).digest()
        if text is None:
            text = json.dumps(entry.data, sort_keys=True).encode()
        title = str(entry.data.get("title", ""))
        return cls(entry.uid, title, entry.folder, digest, zlib.compress(text, 1), entry.source)

    def data(self) -> dict[str, Any]:
        """The normalized data, parsed back (a new tree at each call)."""
        text = zlib.decompress(self.packed)
        return json.loads(text) if self.digest is None else orjson.loads(text)

    def entry(self) -> DashboardEntry:
        """The dashboard as a bundle entry, for the one comparison."""
        return DashboardEntry(uid=self.uid, data=self.data(), source=self.source, folder=self.folder)


@dataclass(frozen=True)
class DashboardAction:
    """What the sync does to one dashboard, and why; ``detail`` is the semantic difference, live -> wanted;
    ``wanted`` is the dashboard a create or update writes."""

    uid: str
    title: str
    action: str
    folder: str = ""
    reason: str = ""
    live_version: int | None = None
    wanted: WantedDashboard | None = field(default=None, repr=False, compare=False)
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What happened when an action was applied."""

    action: DashboardAction
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class GrafanaPlan:
    """Every dashboard's action, and the folders (uids) to create first."""

    actions: tuple[DashboardAction, ...]
    folders: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        """How many actions of each kind, by kind."""
        counts: dict[str, int] = {}
        for action in self.actions:
            counts[action.action] = counts.get(action.action, 0) + 1
        return dict(sorted(counts.items()))


def conflicts(actions: Iterable[DashboardAction]) -> list[DashboardAction]:
    """The refused actions."""
    return [a for a in actions if a.action == CONFLICT]


def _as_written(board: dict[str, Any], folder: str, wanted: WantedDashboard) -> bool:
    """True when Grafana holds ``wanted`` exactly as a sync writes it: in its folder, and the served
    ``board`` without Grafana's additions and our marker tag is byte for byte the wanted data. Then
    normalizing ``board`` gives the wanted data (normalized data is a fixed point of the normalizer) and
    :func:`board_changes` would find nothing, so neither is run. Grafana writes JSON with Go's encoder,
    which has no NaN or infinity, so no served value is one orjson writes as ``null``."""
    if folder != wanted.folder or wanted.digest is None:
        return False
    served = _canonical(without_additions(board))
    return served is not None and hashlib.sha256(served).digest() == wanted.digest


def _ownership(grafana: Grafana, uid: str, project: str, live: DashboardEntry) -> tuple[bool, str]:
    """Whether ``project`` ever synced the dashboard, and why it counts as edited outside the toolkit
    since ('' when it does not): the newest version must be the project's, with the content it wrote."""
    versions = grafana.versions(uid)
    written = [m for v in versions if (m := MESSAGE.match(str(v.get("message") or "")))]
    mine = [m for m in written if m.group("project") == project]
    newest = versions[0] if versions else {}
    first = MESSAGE.match(str(newest.get("message") or ""))
    if first and first.group("project") != project:
        return bool(mine), f"toolkit project {first.group('project')} wrote its newest version"
    if not first:
        who = newest.get("createdBy") or "someone"
        when = f" at {newest['created']}" if newest.get("created") else ""
        said = f' ("{newest["message"]}")' if newest.get("message") else ""
        return bool(mine), f"version {newest.get('version', '?')} was saved by {who}{when}{said}"
    if first.group("hash") != content_hash(live.data):
        return True, "its content no longer matches what toolkit sync wrote"
    return True, ""


def _detail(changes: list[Change]) -> tuple[str, ...]:
    """The difference from the live dashboard to the wanted one, as ``toolkit diff`` words it."""
    lines = []
    for change in changes:
        lines.append(f"{change.kind} {change.text}")
        lines += [f"    {line}" for line in change.detail]
    return tuple(lines)


def _action(
    wanted: WantedDashboard,
    kind: str,
    version: int | None = None,
    reason: str = "",
    detail: Iterable[str] = (),
) -> DashboardAction:
    written = wanted if kind in WRITES else None
    return DashboardAction(
        wanted.uid, wanted.title, kind, wanted.folder, reason, version, written, tuple(detail)
    )


def _plan_one(
    grafana: Grafana, wanted: WantedDashboard, exists: bool, project: str, force: bool
) -> DashboardAction:
    if not exists:
        return _action(wanted, CREATE)
    answer = grafana.dashboard(wanted.uid)
    board, meta = answer["dashboard"], answer.get("meta") or {}
    version = board.get("version")
    tagged = MARKER_TAG in (board.get("tags") or [])
    written = _as_written(board, str(meta.get("folderUid") or ""), wanted)
    live = None if written else dashboard_entry(grafana, answer)
    changes = board_changes(live, wanted.entry()) if live else []
    if not changes and (tagged or meta.get("provisioned")):
        return _action(wanted, UNCHANGED, version, "" if tagged else "provisioned from files")
    detail = _detail(changes)
    if meta.get("provisioned"):
        why = (
            "Grafana provisions it from files and refuses API saves of it: change the provisioned file, "
            "or remove it from provisioning to let toolkit sync manage it"
        )
        return _action(wanted, CONFLICT, version, why, detail)
    if force:
        return _action(wanted, UPDATE, version, "--force", detail)
    if not tagged:
        why = "exists in Grafana but is not managed by toolkit: --force takes it over"
        return _action(wanted, CONFLICT, version, why, detail)
    _, edited = _ownership(grafana, wanted.uid, project, live)  # set: tagged as written is unchanged
    if edited:
        return _action(
            wanted,
            CONFLICT,
            version,
            f"changed since this project's last sync: {edited}; --force overwrites it",
            detail,
        )
    return _action(wanted, UPDATE, version, "", detail)


def _plan_delete(grafana: Grafana, hit: dict[str, Any], project: str, force: bool) -> DashboardAction | None:
    """A delete for a dashboard this project synced and the code dropped (None: not ours, left alone)."""
    uid, title, folder = hit["uid"], hit.get("title", ""), hit.get("folderUid", "")
    answer = grafana.dashboard(uid)
    version = answer["dashboard"].get("version")
    mine, edited = _ownership(grafana, uid, project, dashboard_entry(grafana, answer))
    if not mine:
        return None
    if edited and not force:
        why = f"gone from the code, but changed since this project's last sync: {edited}; --force deletes it"
        return DashboardAction(uid, title, CONFLICT, folder, why, version)
    return DashboardAction(uid, title, DELETE, folder, "gone from the code", version)


def _results(futures: list[Future[T]]) -> list[T]:
    """The results of ``futures``, in order. The calling thread waits once, until all are done or one
    failed, rather than waking for each result in turn (a thread switch per dashboard that holds back the
    workers); on a failure the calls not started yet are cancelled and it is raised."""
    wait(futures, return_when=FIRST_EXCEPTION)
    failed = next((f for f in futures if f.done() and not f.cancelled() and f.exception()), None)
    if failed is not None:
        for future in futures:
            future.cancel()
        raise failed.exception()
    return [future.result() for future in futures]


def plan_grafana(
    grafana: Grafana,
    dashboards: Iterable[WantedDashboard],
    *,
    project: str,
    prune: bool,
    force: bool,
    workers: int = 8,
) -> GrafanaPlan:
    """Compare the wanted dashboards with Grafana's (reads only, in a pool of ``workers``): the search
    that lists Grafana's dashboards and the folder list are read first, together, while the pool's
    threads start; then each dashboard, the reads waiting for the list only to know which exist. Each
    dashboard's read starts as ``dashboards`` yields it, so a caller still loading them keeps the pool
    busy meanwhile."""
    wanted: set[str] = set()
    plans: list[Future[DashboardAction | None]] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        listing = pool.submit(lambda: {hit["uid"]: hit for hit in grafana.dashboards()})
        folders = pool.submit(grafana.folders)

        def plan(dashboard: WantedDashboard) -> DashboardAction:
            return _plan_one(grafana, dashboard, dashboard.uid in listing.result(), project, force)

        try:
            for dashboard in dashboards:
                wanted.add(dashboard.uid)
                plans.append(pool.submit(plan, dashboard))
        except BaseException:  # loading failed or was interrupted: no read is left to start
            for future in plans:
                future.cancel()
            raise
        live = listing.result()
        gone = [
            h
            for uid, h in sorted(live.items())
            if prune and uid not in wanted and MARKER_TAG in (h.get("tags") or [])
        ]
        deletes = [pool.submit(_plan_delete, grafana, hit, project, force) for hit in gone]
        actions = [action for action in _results([*plans, *deletes]) if action is not None]
        known = folders.result()
    needed = {
        a.folder for a in actions if a.action in (CREATE, UPDATE) and a.folder and a.folder not in known
    }
    return GrafanaPlan(tuple(actions), tuple(sorted(needed)))


def _payload(action: DashboardAction, message: str) -> dict[str, Any]:
    data = action.wanted.data() if action.wanted else {}
    board = dict(data)
    tags = list(board.get("tags") or [])
    board["tags"] = tags if MARKER_TAG in tags else [*tags, MARKER_TAG]
    if action.action == UPDATE:
        board["version"] = action.live_version
    return {
        "dashboard": board,
        "folderUid": action.folder,
        "overwrite": False,
        "message": f"{message} sha256:{content_hash(data)}",
    }


def _landed(grafana: Grafana, uid: str, message: str) -> bool:
    """True when Grafana's newest version of ``uid`` is the save with ``message``: a retried request
    whose first attempt was saved before its answer was lost."""
    try:
        versions = grafana.versions(uid)
    except ClientError:
        return False
    return bool(versions) and versions[0].get("message") == message


def _apply_one(grafana: Grafana, action: DashboardAction, message: str) -> Outcome:
    try:
        if action.action == DELETE:
            grafana.delete(action.uid)
        else:
            payload = _payload(action, message)
            try:
                grafana.save(payload)
            except ClientError as error:
                if error.status != 412 or not _landed(grafana, action.uid, payload["message"]):
                    raise
        return Outcome(action, True)
    except ClientError as error:
        if action.action == DELETE and error.status == 404:
            return Outcome(action, True, "was already gone")
        if error.status == 412 and error.reason == "name-exists":
            return Outcome(action, False, _title_clash(grafana, action))
        if error.status == 412:
            return Outcome(
                action,
                False,
                f"changed in Grafana since the plan ({error.reason or 'version-mismatch'}): "
                "nothing was overwritten; run toolkit sync again to re-plan",
            )
        return Outcome(action, False, str(error))


def _title_clash(grafana: Grafana, action: DashboardAction) -> str:
    """Why Grafana refused a save with ``name-exists``: another dashboard in the folder has the title."""
    folder = action.folder or "General"
    try:
        others = [
            hit["uid"]
            for hit in grafana.dashboards()
            if hit.get("title") == action.title
            and (hit.get("folderUid") or "") == action.folder
            and hit.get("uid") != action.uid
        ]
    except ClientError:
        others = []
    other = f"dashboard {others[0]!r}" if others else "another dashboard"
    return (
        f"title clash: {other} in folder {folder!r} is also titled {action.title!r}, and Grafana needs "
        f"titles unique within a folder: give dashboard {action.uid!r} another title (or folder) in its "
        "module, or rename or move the other one in Grafana; nothing was written"
    )


def apply_grafana(
    grafana: Grafana,
    plan: GrafanaPlan,
    *,
    project: str,
    revision: str,
    folder_titles: Mapping[str, str] | None = None,
    workers: int = 8,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Create the missing folders, then write and delete dashboards in a pool; unchanged ones are not
    written. A folder that cannot be created stops the sync before any dashboard is written."""
    for uid in plan.folders:
        try:
            grafana.create_folder(uid, (folder_titles or {}).get(uid, uid))
        except ClientError as error:
            raise SyncError(f"cannot create folder {uid}, no dashboard was written: {error}") from None
    todo = [a for a in plan.actions if a.action in WRITES]
    message = f"toolkit sync {project}@{revision}"
    outcomes = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for outcome in pool.map(lambda a: _apply_one(grafana, a, message), todo):
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes
