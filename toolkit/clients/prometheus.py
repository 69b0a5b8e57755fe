"""Prometheus' HTTP API: the rule groups it has loaded, its runtime status, and reloads."""

from __future__ import annotations

from typing import Any

from toolkit.clients.http import HttpClient


class Prometheus(HttpClient):
    """A Prometheus server (reloads need ``--web.enable-lifecycle``)."""

    kind = "Prometheus"
    url_variable = "PROMETHEUS_URL"

    def rule_groups(self) -> list[dict[str, Any]]:
        """``/api/v1/rules``: the groups loaded now, each with name, file, interval and rules."""
        return self.get_json("/api/v1/rules").get("data", {}).get("groups", [])

    def runtime_info(self) -> dict[str, Any]:
        """``/api/v1/status/runtimeinfo``, which says whether the last reload succeeded."""
        return self.get_json("/api/v1/status/runtimeinfo").get("data", {})
