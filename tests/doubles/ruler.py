"""A Mimir ruler API double on loopback (grafana.com/docs/mimir/latest/references/http-api/#ruler):

- ``GET <prefix>/config/v1/rules``: YAML map of namespace -> rule groups (404 when the tenant has none);
- ``GET <prefix>/config/v1/rules/{namespace}``: that namespace's groups (404 when missing);
- ``POST <prefix>/config/v1/rules/{namespace}``: one group as YAML (``application/yaml``), 202;
- ``DELETE <prefix>/config/v1/rules/{namespace}/{group}`` and ``DELETE .../{namespace}``: 202.

The tenant is the ``X-Scope-OrgID`` header (401 without it). Faults and ``writes`` are those of
:class:`~tests.doubles.server.FaultyServer`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import yaml

from tests.doubles.server import FaultyServer, Request

PREFIX = "/prometheus"
YAML = {"Content-Type": "application/yaml"}


class RulerDouble(FaultyServer):
    """Rule groups by tenant, namespace and group name; ``url`` is where it listens."""

    def __init__(self) -> None:
        self.rules: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        super().__init__()

    def handle(self, request: Request) -> tuple[int, Any, dict[str, str]]:
        tenant = request.headers.get("X-Scope-OrgID")
        if not tenant:
            return 401, "no org id\n", {}
        status, text = self._route(request.method, unquote(request.path), tenant, request.body)
        return status, text, YAML if status == 200 else {}

    def _route(self, method: str, path: str, tenant: str, body: bytes) -> tuple[int, str]:
        base = f"{PREFIX}/config/v1/rules"
        if not path.startswith(base):
            return 404, "not found\n"
        parts = [p for p in path[len(base) :].split("/") if p]
        spaces = self.rules.setdefault(tenant, {})
        if method == "GET" and len(parts) <= 1:
            chosen = {ns: groups for ns, groups in sorted(spaces.items()) if groups and ns in (parts or [ns])}
            listing = {ns: list(groups.values()) for ns, groups in chosen.items()}
            return (
                (200, yaml.safe_dump(listing, sort_keys=False))
                if listing
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
