"""A Grafana HTTP API double on loopback, for sync and live-diff tests.

It follows Grafana's documented HTTP API (grafana.com/docs/grafana/latest/developers/http_api/):

- ``GET /api/health`` (other/#health-api): ``{"database": "ok", "version": ...}``, no auth needed.
- Authentication (auth/): ``Authorization: Bearer <token>`` or basic auth; anything else is
  ``401 {"message": "Unauthorized"}``.
- ``GET /api/search`` (folder_dashboard_search/): ``type`` (dash-db | dash-folder), ``tag`` (repeatable,
  all must match), ``folderUIDs``, ``dashboardUIDs``, ``query`` (title substring), ``limit`` (default
  1000) and ``page`` (1-based); hits carry id, uid, title, url, type, tags, folderUid, folderTitle.
- Folders (folder/): ``GET /api/folders``, ``GET /api/folders/:uid`` (404 when missing), ``POST
  /api/folders`` (``409`` when the uid exists).
- ``POST /api/dashboards/db`` (dashboard/#create--update-dashboard): 400 for an empty title, a uid over
  40 characters or with characters other than letters, digits, ``-`` and ``_``, and a folderUid that
  does not exist; without ``overwrite``, saving over an existing uid needs the stored ``version``
  (missing or stale: ``412 {"status": "version-mismatch"}``). Saves assign an id, increment
  ``version`` and record a version entry with ``message``.
- ``GET /api/dashboards/uid/:uid`` returns ``{dashboard, meta}``; ``DELETE`` removes it (404 when missing).
- ``GET /api/dashboards/uid/:uid/versions`` (dashboard_versions/): newest first, each with version,
  created, createdBy and message.

Test controls: ``latency`` (seconds per request), ``fail_next(n, status)`` (answer the next n requests
with ``status``, e.g. 503 with ``Retry-After``), ``drop_next(n)`` (close the connection without an
answer), ``writes`` (count of state-changing requests) and ``edit_in_ui(uid, change)`` (a save by a
person, as the UI does).
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

UID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class GrafanaDouble:
    """The double's state and server; ``url`` is where it listens."""

    def __init__(self, token: str = "test-token", user: tuple[str, str] = ("admin", "admin-secret")) -> None:
        self.token, self.user = token, user
        self.dashboards: dict[str, dict[str, Any]] = {}
        self.folders: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, list[dict[str, Any]]] = {}
        self.latency = 0.0
        self.writes = 0
        self.requests = 0
        self._fail: list[int] = []
        self._drop = 0
        self._next_id = 1
        self._lock = threading.Lock()
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                double._serve(self)

            do_GET = do_POST = do_DELETE = do_PUT = _handle  # noqa: N815  (http.server's naming)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next ``count`` API requests with ``status``."""
        self._fail += [status] * count

    def drop_next(self, count: int) -> None:
        """Close the connection of the next ``count`` API requests without answering."""
        self._drop += count

    def edit_in_ui(self, uid: str, title: str, user: str = "alice") -> None:
        """Save the dashboard as a person would in the UI: new title, a version by ``user``, no message."""
        with self._lock:
            stored = self.dashboards[uid]
            board = copy.deepcopy(stored["dashboard"])
            board["title"] = title
            self._store(board, stored["folderUid"], user, "")

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

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        url = urlparse(handler.path)
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            self.requests += 1
            if url.path != "/api/health" and self._drop:
                self._drop -= 1
                handler.close_connection = True
                handler.connection.close()
                return
            if url.path != "/api/health" and self._fail:
                status = self._fail.pop(0)
                return self._reply(handler, status, {"message": "injected failure"}, {"Retry-After": "0"})
            if url.path != "/api/health" and not self._authorized(handler):
                return self._reply(handler, 401, {"message": "Unauthorized"})
            try:
                payload = json.loads(body) if body else None
            except ValueError:
                return self._reply(handler, 400, {"message": "bad request data"})
            status, answer = self._route(handler.command, url.path, parse_qs(url.query), payload, handler)
        self._reply(handler, status, answer)

    def _authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        header = handler.headers.get("Authorization", "")
        if header == f"Bearer {self.token}":
            return True
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return (user, password) == self.user
        return False

    @staticmethod
    def _reply(
        handler: BaseHTTPRequestHandler, status: int, answer: Any, headers: dict | None = None
    ) -> None:
        data = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _user(self, handler: BaseHTTPRequestHandler) -> str:
        header = handler.headers.get("Authorization", "")
        return "api-token" if header.startswith("Bearer ") else self.user[0]

    def _route(self, method: str, path: str, query: dict, payload: Any, handler) -> tuple[int, Any]:
        if path == "/api/health":
            return 200, {"database": "ok", "version": "11.2.0", "commit": "double"}
        if path == "/api/search" and method == "GET":
            return 200, self._search(query)
        if path == "/api/folders":
            if method == "GET":
                return 200, [
                    {"id": f["id"], "uid": f["uid"], "title": f["title"]} for f in self.folders.values()
                ]
            return self._create_folder(payload)
        match = re.fullmatch(r"/api/folders/([^/]+)", path)
        if match and method == "GET":
            folder = self.folders.get(match.group(1))
            return (200, folder) if folder else (404, {"message": "folder not found", "status": "not-found"})
        if path == "/api/dashboards/db" and method == "POST":
            return self._save(payload or {}, self._user(handler))
        match = re.fullmatch(r"/api/dashboards/uid/([^/]+)(/versions)?", path)
        if match:
            uid, versions = match.group(1), match.group(2)
            if uid not in self.dashboards:
                return 404, {"message": "Dashboard not found", "status": "not-found"}
            if versions and method == "GET":
                return 200, {"continueToken": "", "versions": self.versions.get(uid, [])}
            if method == "GET":
                stored = self.dashboards[uid]
                folder = self.folders.get(stored["folderUid"], {})
                meta = {
                    "type": "db",
                    "slug": uid,
                    "folderUid": stored["folderUid"],
                    "folderTitle": folder.get("title", "General"),
                    "version": stored["dashboard"]["version"],
                    "updatedBy": stored["updatedBy"],
                }
                return 200, {"dashboard": stored["dashboard"], "meta": meta}
            if method == "DELETE":
                self.writes += 1
                stored = self.dashboards.pop(uid)
                title = stored["dashboard"].get("title")
                return 200, {
                    "title": title,
                    "message": f"Dashboard {title} deleted",
                    "id": stored["dashboard"]["id"],
                }
        return 404, {"message": "Not found"}

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
                hit = {
                    "id": board["id"],
                    "uid": uid,
                    "title": board.get("title", ""),
                    "type": "dash-db",
                    "url": f"/d/{uid}",
                    "tags": board.get("tags", []),
                    "folderUid": stored["folderUid"],
                    "folderTitle": self.folders.get(stored["folderUid"], {}).get("title", "General"),
                }
                hits.append(hit)
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

    def _save(self, payload: dict[str, Any], user: str) -> tuple[int, Any]:
        board = payload.get("dashboard") or {}
        uid = board.get("uid") or ""
        folder = payload.get("folderUid") or ""
        if not str(board.get("title") or "").strip():
            return 400, {"message": "Dashboard title cannot be empty", "status": "empty-name"}
        if len(uid) > 40:
            return 400, {"message": "uid too long, max 40 characters", "status": "bad-request"}
        if not UID.match(uid):
            return 400, {"message": "uid contains illegal characters", "status": "bad-request"}
        if folder and folder not in self.folders:
            return 400, {"message": "folder not found", "status": "not-found"}
        stored = self.dashboards.get(uid)
        if stored and not payload.get("overwrite"):
            posted = board.get("version")
            if posted is None or board.get("id") is None and posted is None:
                return 412, {
                    "message": "A dashboard with the same uid already exists",
                    "status": "name-exists",
                }
            if posted != stored["dashboard"]["version"]:
                return 412, {
                    "message": "The dashboard has been changed by someone else",
                    "status": "version-mismatch",
                }
        self.writes += 1
        saved = self._store(board, folder, user, str(payload.get("message") or ""))
        return 200, {
            "id": saved["id"],
            "uid": uid,
            "url": f"/d/{uid}",
            "status": "success",
            "version": saved["version"],
            "slug": uid,
        }
