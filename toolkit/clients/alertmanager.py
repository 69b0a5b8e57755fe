"""Alertmanager's HTTP API: the configuration it runs, and reloads."""

from __future__ import annotations

from typing import Any

import yaml

from toolkit.clients.http import HttpClient


class Alertmanager(HttpClient):
    """An Alertmanager server."""

    kind = "Alertmanager"
    url_variable = "ALERTMANAGER_URL"

    def running_config(self) -> dict[str, Any] | None:
        """The configuration ``/api/v2/status`` reports (as Alertmanager re-serializes it), or None."""
        original = (self.get_json("/api/v2/status").get("config") or {}).get("original")
        return yaml.safe_load(original) if original else None
