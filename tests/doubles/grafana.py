"""A Grafana HTTP API double on loopback, for sync, live-diff and import tests.

It follows Grafana's documented HTTP API (grafana.com/docs/grafana/latest/developers/http_api/) and, where
the documentation is silent, Grafana's dashboard service (pkg/services/dashboards):

- ``GET /api/health`` (other/#health-api): ``{"database": "ok", "version": ...}``, no auth needed.
- Authentication (auth/): ``Authorization: Bearer <token>`` or basic auth; anything else is
  ``401 {"message": "Unauthorized"}``.
- ``GET /api/search`` (folder_dashboard_search/): ``type`` (dash-db | dash-folder), ``tag`` (repeatable,
  all must match), ``folderUIDs``, ``dashboardUIDs``, ``query`` (title substring), ``limit`` (default
  1000) and ``page`` (1-based); hits carry id, uid, title, url, type, tags, folderUid, folderTitle.
- Folders (folder/): ``GET /api/folders``, ``GET /api/folders/:uid`` (404 when missing), ``POST
  /api/folders`` (``409`` when the uid exists), ``DELETE /api/folders/:uid`` (with its dashboards).
- ``POST /api/dashboards/db`` (dashboard/#create--update-dashboard): 400 for an empty title, a uid over
  40 characters or with characters other than letters, digits, ``-`` and ``_``, and a folderUid that
  does not exist. Without ``overwrite``, saving over an existing uid needs the stored ``version``
  (missing or stale: ``412 {"status": "version-mismatch"}``, as the dashboard service compares the
  posted version, 0 when absent), and another dashboard with the same title in the same folder is
  ``412 {"status": "name-exists"}``. A provisioned dashboard cannot be saved or deleted (400). Saves
  assign an id, increment ``version`` and record a version entry with ``message``.
- ``GET /api/dashboards/uid/:uid`` returns ``{dashboard, meta}`` (meta: folderUid, folderTitle, version,
  updatedBy, provisioned); ``DELETE`` removes it (404 when missing).
- ``GET /api/dashboards/uid/:uid/versions`` (dashboard_versions/): newest first, each with version,
  created, createdBy and message.
- Dashboards are stored as the JSON they were saved with: Grafana's decoder keeps number literals
  (simplejson with ``UseNumber``), so an integer beyond 64 bits is served digit for digit; a body that is
  not JSON (NaN and Infinity included) is ``400 {"message": "bad request data"}``.

Test controls, besides the faults of :class:`~tests.doubles.server.FaultyServer`: ``edit_in_ui(uid,
title)`` (a save by a person, as the UI does: no message) and ``provision(board, folder)`` (a dashboard
Grafana loaded from provisioning files).
"""

from __future__ import annotations

import base64
import copy
import re
import time
from typing import Any

from tests.doubles.server import FaultyServer, Request

UID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
NOT_FOUND = {"message": "Dashboard not found", "status": "not-found"}


class GrafanaDouble(FaultyServer):
    """The double's state and server; ``url`` is where it listens."""

    exempt_paths = frozenset({"/api/health"})

    def __init__(
        self,
        token: str = "test-token",
        user: tuple[str, str] = ("admin", "admin-secret"),
        tls: tuple[str, str] | None = None,
    ) -> None:
        self.token, self.user = token, user
        self.dashboards: dict[str, dict[str, Any]] = {}
        self.folders: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, list[dict[str, Any]]] = {}
        self._next_id = 1
        super().__init__(tls)

    def edit_in_ui(self, uid: str, title: str, user: str = "alice") -> None:
        """Save the dashboard as a person would in the UI: new title, a version by ``user``, no message."""
        with self._lock:
            stored = self.dashboards[uid]
            board = copy.deepcopy(stored["dashboard"])
            board["title"] = title
            self._store(board, stored["folderUid"], user, "")

    def provision(self, board: dict[str, Any], folder: str = "") -> None:
        """Load ``board`` as Grafana does from a provisioning file (API saves of it are then refused)."""
        with self._lock:
            self._store(board, folder, "provisioning", "")
            self.dashboards[board["uid"]]["provisioned"] = True

    def _store(self, board: dict[str, Any], folder: str, user: str, message: str) -> dict[str, Any]:
        uid = board["uid"]
        previous = self.dashboards.get(uid)
        board = copy.deepcopy(board)
        board["id"] = previous["dashboard"]["id"] if previous else self._new_id()
        board["version"] = (previous["dashboard"]["version"] if previous else 0) + 1
        self.dashboards[uid] = {"dashboard": board, "folderUid": folder, "updatedBy": user}
        self.versions.setdefault(uid, []).insert(
            0,
            {
                "id": self._new_id(),
                "dashboardId": board["id"],
                "uid": uid,
                "version": board["version"],
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "createdBy": user,
                "message": message,
            },
        )
        return board

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # --- HTTP -----------------------------------------------------------------------------------

    def handle(self, request: Request) -> tuple[int, Any, dict[str, str]]:
        if request.path != "/api/health" and not self._authorized(request):
            return 401, {"message": "Unauthorized"}, {}
        try:
            payload = request.json()
        except ValueError:
            return 400, {"message": "bad request data"}, {}
        status, answer = self._route(request, payload)
        return status, answer, {}

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if header == f"Bearer {self.token}":
            return True
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return (user, password) == self.user
        return False

    def _user(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        return "api-token" if header.startswith("Bearer ") else self.user[0]

    def _route(self, request: Request, payload: Any) -> tuple[int, Any]:
        method, path = request.method, request.path
        if path == "/api/health":
            return 200, {"database": "ok", "version": "11.2.0", "commit": "double"}
        if path == "/api/search" and method == "GET":
            return 200, self._search(request.query)
        if path == "/api/folders":
            if method == "GET":
                return 200, [
                    {"id": f["id"], "uid": f["uid"], "title": f["title"]} for f in self.folders.values()
                ]
            return self._create_folder(payload)
        match = re.fullmatch(r"/api/folders/([^/]+)", path)
        if match:
            return self._folder(method, match.group(1))
        if path == "/api/dashboards/db" and method == "POST":
            return self._save(payload or {}, self._user(request))
        match = re.fullmatch(r"/api/dashboards/uid/([^/]+)(/versions)?", path)
        if match:
            return self._dashboard(method, match.group(1), bool(match.group(2)))
        return 404, {"message": "Not found"}

    def _dashboard(self, method: str, uid: str, versions: bool) -> tuple[int, Any]:
        stored = self.dashboards.get(uid)
        if stored is None:
            return 404, NOT_FOUND
        if versions and method == "GET":
            return 200, {"continueToken": "", "versions": self.versions.get(uid, [])}
        if method == "GET":
            folder = self.folders.get(stored["folderUid"], {})
            meta = {
                "type": "db",
                "slug": uid,
                "folderUid": stored["folderUid"],
                "folderTitle": folder.get("title", "General"),
                "version": stored["dashboard"]["version"],
                "updatedBy": stored["updatedBy"],
                "provisioned": stored.get("provisioned", False),
            }
            return 200, {"dashboard": stored["dashboard"], "meta": meta}
        if method == "DELETE":
            if stored.get("provisioned"):
                return 400, {"message": "Dashboard cannot be deleted because it was provisioned"}
            self.writes += 1
            del self.dashboards[uid]
            title = stored["dashboard"].get("title")
            return 200, {
                "title": title,
                "message": f"Dashboard {title} deleted",
                "id": stored["dashboard"]["id"],
            }
        return 405, {"message": "Method not allowed"}

    def _search(self, query: dict) -> list[dict[str, Any]]:
        kind = (query.get("type") or [""])[0]
        hits: list[dict[str, Any]] = []
        if kind in ("", "dash-folder"):
            hits += [
                {
                    "id": f["id"],
                    "uid": f["uid"],
                    "title": f["title"],
                    "type": "dash-folder",
                    "url": f"/dashboards/f/{f['uid']}",
                }
                for f in self.folders.values()
            ]
        if kind in ("", "dash-db"):
            for uid, stored in sorted(self.dashboards.items()):
                board = stored["dashboard"]
                hits.append(
                    {
                        "id": board["id"],
                        "uid": uid,
                        "title": board.get("title", ""),
                        "type": "dash-db",
                        "url": f"/d/{uid}",
                        "tags": board.get("tags", []),
                        "folderUid": stored["folderUid"],
                        "folderTitle": self.folders.get(stored["folderUid"], {}).get("title", "General"),
                    }
                )
        tags = query.get("tag", [])
        hits = [h for h in hits if all(t in h.get("tags", []) for t in tags)]
        for key, field in (("folderUIDs", "folderUid"), ("dashboardUIDs", "uid")):
            if key in query:
                wanted = {v for value in query[key] for v in value.split(",")}
                hits = [h for h in hits if h.get(field) in wanted]
        if "query" in query:
            text = query["query"][0].lower()
            hits = [h for h in hits if text in h["title"].lower()]
        limit = int((query.get("limit") or ["1000"])[0])
        page = int((query.get("page") or ["1"])[0])
        return hits[(page - 1) * limit : page * limit]

    def _folder(self, method: str, uid: str) -> tuple[int, Any]:
        folder = self.folders.get(uid)
        if folder is None:
            return 404, {"message": "folder not found", "status": "not-found"}
        if method == "GET":
            return 200, folder
        if method == "DELETE":
            self.writes += 1
            del self.folders[uid]
            for gone in [d for d, stored in self.dashboards.items() if stored["folderUid"] == uid]:
                del self.dashboards[gone]
            return 200, {"message": "Folder deleted", "id": folder["id"]}
        return 405, {"message": "Method not allowed"}

    def _create_folder(self, payload: Any) -> tuple[int, Any]:
        uid, title = (payload or {}).get("uid"), (payload or {}).get("title")
        if not title:
            return 400, {"message": "folder title cannot be empty"}
        if uid in self.folders:
            return 409, {"message": "a folder with the same uid already exists"}
        self.writes += 1
        folder = {
            "id": self._new_id(),
            "uid": uid,
            "title": title,
            "version": 1,
            "url": f"/dashboards/f/{uid}",
        }
        self.folders[uid] = folder
        return 200, folder

    def _refusal(self, payload: dict[str, Any]) -> tuple[int, Any] | None:
        """Why Grafana would refuse this save, or None."""
        board = payload.get("dashboard") or {}
        uid, folder = board.get("uid") or "", payload.get("folderUid") or ""
        if not str(board.get("title") or "").strip():
            return 400, {"message": "Dashboard title cannot be empty", "status": "empty-name"}
        if len(uid) > 40:
            return 400, {"message": "uid too long, max 40 characters", "status": "bad-request"}
        if not UID.match(uid):
            return 400, {"message": "uid contains illegal characters", "status": "bad-request"}
        if folder and folder not in self.folders:
            return 400, {"message": "folder not found", "status": "not-found"}
        stored = self.dashboards.get(uid)
        if stored and stored.get("provisioned"):
            return 400, {"message": "Cannot save provisioned dashboard"}
        if payload.get("overwrite"):
            return None
        if stored and (board.get("version") or 0) != stored["dashboard"]["version"]:
            return 412, {
                "message": "The dashboard has been changed by someone else",
                "status": "version-mismatch",
            }
        same_name = any(
            other != uid and s["folderUid"] == folder and s["dashboard"].get("title") == board["title"]
            for other, s in self.dashboards.items()
        )
        if same_name:
            return 412, {
                "message": "A dashboard with the same name in the folder already exists",
                "status": "name-exists",
            }
        return None

    def _save(self, payload: dict[str, Any], user: str) -> tuple[int, Any]:
        refused = self._refusal(payload)
        if refused:
            return refused
        board = payload["dashboard"]
        self.writes += 1
        saved = self._store(board, payload.get("folderUid") or "", user, str(payload.get("message") or ""))
        uid = board["uid"]
        return 200, {
            "id": saved["id"],
            "uid": uid,
            "url": f"/d/{uid}",
            "status": "success",
            "version": saved["version"],
            "slug": uid,
        }
