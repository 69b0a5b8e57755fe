"""A Mimir, Cortex or Loki ruler's configuration API (Mimir's HTTP API reference, "Ruler"):
rule groups by namespace, for the tenant in ``X-Scope-OrgID``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import yaml

from toolkit.clients.deadline import Deadline
from toolkit.clients.http import HttpClient
from toolkit.clients.transport import Transport


class Ruler(HttpClient):
    """The ruler at ``url`` with its API under ``prefix`` (``/prometheus`` for Mimir), as ``tenant``."""

    kind = "ruler"
    url_variable = "RULER_URL"

    def __init__(
        self,
        url: str,
        transport: Transport,
        tenant: str,
        prefix: str = "/prometheus",
        secrets: Iterable[str] = (),
        deadline: Deadline | None = None,
    ) -> None:
        headers = {"X-Scope-OrgID": tenant or "anonymous"}
        super().__init__(url, transport, secrets, headers=headers, deadline=deadline)
        self.base = f"{prefix.rstrip('/')}/config/v1/rules"

    def _hint(self, status: int) -> str:
        hint = super()._hint(status)
        return f"{hint}, and the tenant in RULER_TENANT" if status == 401 else hint

    def rule_groups(self) -> dict[str, list[dict[str, Any]]]:
        """Every namespace's rule groups (``GET <prefix>/config/v1/rules``; none yet is 404)."""
        answer = self.request("GET", self.base, missing_ok=True)
        return (yaml.safe_load(answer.text or "") or {}) if answer.status_code == 200 else {}

    def set_group(self, namespace: str, group: dict[str, Any]) -> None:
        """Create or replace ``group`` in ``namespace`` (a YAML body)."""
        body = yaml.safe_dump(group, sort_keys=False)
        self.request(
            "POST",
            f"{self.base}/{quote(namespace, safe='')}",
            data=body,
            headers={"Content-Type": "application/yaml"},
        )

    def delete_group(self, namespace: str, name: str) -> None:
        """Delete the group ``name`` from ``namespace``."""
        self.request("DELETE", f"{self.base}/{quote(namespace, safe='')}/{quote(name, safe='')}")
