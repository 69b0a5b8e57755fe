"""Alertmanager's HTTP API: the configuration it runs, and reloads."""

from __future__ import annotations

from typing import Any

import yaml

from toolkit.alertmanager import TEMPLATES_DIR
from toolkit.clients.http import HttpClient


class Alertmanager(HttpClient):
    """An Alertmanager server."""

    kind = "Alertmanager"
    url_variable = "ALERTMANAGER_URL"

    def running_config(self) -> dict[str, Any] | None:
        """The configuration ``/api/v2/status`` reports (as Alertmanager re-serializes it), or None.

        Alertmanager joins relative template paths to its config file's folder; the toolkit writes them
        relative to it under ``templates/``, so those are reported relative again."""
        original = (self.get_json("/api/v2/status").get("config") or {}).get("original")
        config = yaml.safe_load(original) if original else None
        if isinstance(config, dict) and isinstance(config.get("templates"), list):
            config["templates"] = [_relative_template(path) for path in config["templates"]]
        return config


def _relative_template(path: Any) -> Any:
    if isinstance(path, str) and f"/{TEMPLATES_DIR}/" in path:
        return f"{TEMPLATES_DIR}/{path.rsplit(f'/{TEMPLATES_DIR}/', 1)[1]}"
    return path
