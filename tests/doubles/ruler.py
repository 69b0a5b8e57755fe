"""A Mimir ruler API double on loopback (grafana.com/docs/mimir/latest/references/http-api/#ruler):

- ``GET <prefix>/config/v1/rules``: YAML map of namespace -> rule groups (404 when the tenant has none);
- ``GET <prefix>/config/v1/rules/{namespace}``: that namespace's groups (404 when missing);
- ``POST <prefix>/config/v1/rules/{namespace}``: one group as YAML (``application/yaml``), 202;
- ``DELETE <prefix>/config/v1/rules/{namespace}/{group}`` and ``DELETE .../{namespace}``: 202.

The tenant is the ``X-Scope-OrgID`` header (401 without it). ``fail_next(n, status)`` and ``writes``
work as in the Grafana double.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlparse

import yaml

PREFIX = "/prometheus"


class RulerDouble:
    """State by tenant, namespace and group; ``url`` is where it listens."""

    def __init__(self) -> None:
        self.rules: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        self.writes = 0
        self._fail: list[int] = []
        self._lock = threading.Lock()
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                double._serve(self)

            do_GET = do_POST = do_DELETE = _handle  # noqa: N815  (http.server's naming)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next ``count`` requests with ``status``."""
        self._fail += [status] * count

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            if self._fail:
                return self._reply(handler, self._fail.pop(0), "injected failure\n")
            tenant = handler.headers.get("X-Scope-OrgID")
            if not tenant:
                return self._reply(handler, 401, "no org id\n")
            status, text = self._route(handler.command, unquote(urlparse(handler.path).path), tenant, body)
        self._reply(handler, status, text)

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, text: str) -> None:
        data = text.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/yaml")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, method: str, path: str, tenant: str, body: bytes) -> tuple[int, str]:
        base = f"{PREFIX}/config/v1/rules"
        if not path.startswith(base):
            return 404, "not found\n"
        parts = [p for p in path[len(base) :].split("/") if p]
        spaces = self.rules.setdefault(tenant, {})
        if method == "GET" and not parts:
            listing = {ns: list(groups.values()) for ns, groups in sorted(spaces.items()) if groups}
            return (
                (200, yaml.safe_dump(listing, sort_keys=False))
                if listing
                else (404, "no rule groups found\n")
            )
        if method == "GET" and len(parts) == 1:
            groups = spaces.get(parts[0])
            return (
                (200, yaml.safe_dump({parts[0]: list(groups.values())}, sort_keys=False))
                if groups
                else (404, "no rule groups found\n")
            )
        if method == "POST" and len(parts) == 1:
            try:
                group = yaml.safe_load(body)
            except yaml.YAMLError as error:
                return 400, f"unable to decode rule group: {error}\n"
            if not isinstance(group, dict) or not group.get("name"):
                return 400, "invalid rule group: no name\n"
            self.writes += 1
            spaces.setdefault(parts[0], {})[group["name"]] = group
            return 202, "{}\n"
        if method == "DELETE" and len(parts) in (1, 2):
            namespace = spaces.get(parts[0], {})
            if len(parts) == 2 and parts[1] not in namespace:
                return 404, "group does not exist\n"
            self.writes += 1
            if len(parts) == 2:
                namespace.pop(parts[1])
            else:
                spaces.pop(parts[0], None)
            return 202, "{}\n"
        return 405, "method not allowed\n"
