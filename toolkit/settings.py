"""Platform settings from ``toolkit.yaml``, validated against the schema the package ships."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from toolkit.errors import ProjectError, SettingsError
from toolkit.locations import SourceLocation
from toolkit.sources.yaml_lines import line_of, load_with_lines

if TYPE_CHECKING:
    import jsonschema

SETTINGS_FILE = "toolkit.yaml"
_SCHEMA_PATH = Path(__file__).with_name("settings.schema.json")


@cache
def settings_schema() -> dict[str, Any]:
    """The JSON Schema every ``toolkit.yaml`` must satisfy."""
    import json  # here: finding the project (lint of plain files) needs no JSON

    return json.loads(_SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Settings:
    """Validated settings; ``data`` is the document as loaded, ``path`` where it came from."""

    data: dict[str, Any]
    path: Path

    @property
    def platform(self) -> str:
        """The platform's name."""
        return self.data["platform"]

    @property
    def datasource_uid(self) -> str:
        """The uid of the Prometheus datasource in Grafana."""
        return self.data["datasource"]["uid"]

    @property
    def scrape_interval(self) -> str:
        """Prometheus' scrape interval, as a duration string."""
        return self.data["scrape_interval"]

    @property
    def folder(self) -> tuple[str, str]:
        """The Grafana folder (uid, title) dashboards go to unless they name another."""
        folder = self.data.get("grafana", {}).get("folder", {"uid": "", "title": "General"})
        return folder["uid"], folder["title"]

    def section(self, name: str) -> dict[str, Any]:
        """A top-level section of the settings, or an empty mapping when it is absent."""
        return self.data.get(name) or {}

    def selector(self, name: str) -> str:
        """The label matchers that select job ``name`` (e.g. ``job="api"``)."""
        return self._lookup("selectors", name)

    def threshold(self, name: str) -> float:
        """A named alert or panel threshold."""
        return self._lookup("thresholds", name)

    def budget(self, name: str) -> float:
        """A named cost budget in USD."""
        return self._lookup("budgets", name)

    def runbook_url(self, alertname: str, group: str) -> str:
        """The runbook URL for an alert, from the central pattern."""
        return self.data["runbook_url"].format(alertname=alertname, group=group)

    def _lookup(self, section: str, name: str) -> Any:
        values = self.data[section]
        if name not in values:
            known = ", ".join(sorted(values))
            raise SettingsError(
                f"{section}.{name} is not set: add it to {SETTINGS_FILE} (known {section}: {known})",
                SourceLocation(str(self.path)),
            )
        return values[name]


def load_settings(root: Path) -> Settings:
    """Read and validate ``toolkit.yaml`` in the project ``root``."""
    path = root / SETTINGS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(
            f"no {SETTINGS_FILE} in {root}: run toolkit from the project root or pass --project DIR"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"cannot read {path}: {error}") from None
    return parse_settings(text, path)


def parse_settings(text: str, path: Path) -> Settings:
    """Validate settings given as YAML text; ``path`` is used in messages."""
    try:
        data, lines = load_with_lines(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(error, "problem", None) or str(error)
        raise SettingsError(f"invalid YAML: {problem}", SourceLocation(str(path), line)) from None
    import jsonschema  # here: finding the project root costs no schema library

    from toolkit.clients.urls import url_secret

    validator = jsonschema.Draft7Validator(settings_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        where = SourceLocation(str(path), line_of(lines, tuple(errors[0].absolute_path)))
        others = [f"\n  line {line_of(lines, tuple(e.absolute_path))}: {_describe(e)}" for e in errors[1:]]
        raise SettingsError(_describe(errors[0]) + "".join(others), where)
    for key, url, instead in _urls(data):
        secret = url_secret(url)
        if secret:
            raise SettingsError(
                f"{'.'.join(key)}: the URL carries {secret}, which would be stored with the project: "
                f"remove it and {instead}",
                SourceLocation(str(path), line_of(lines, key)),
            )
    return Settings(data=data, path=path)


# Where the credentials of a context's servers come from instead of toolkit.yaml.
_SERVER_SECRETS = {
    "grafana": "set GRAFANA_TOKEN (or GRAFANA_USER and GRAFANA_PASSWORD) in the environment, "
    "or name a file in grafana.token_file",
    "prometheus": "give PROMETHEUS_URL, credentials included, in the environment (it overrides this URL)",
    "alertmanager": "give ALERTMANAGER_URL, credentials included, in the environment (it overrides this URL)",
    "ruler": "give RULER_URL, credentials included, in the environment (it overrides this URL)",
}


def _urls(data: dict[str, Any]) -> list[tuple[tuple[str, ...], str, str]]:
    """Every URL in the settings: its key path, the URL, and where a credential belongs instead."""
    found = [
        (("runbook_url",), data["runbook_url"], "keep runbooks readable without one: alerts show the link")
    ]
    webhook = (data.get("alerting") or {}).get("webhook") or {}
    if "url" in webhook:
        found.append(
            (
                ("alerting", "webhook", "url"),
                webhook["url"],
                "put a bearer token in alerting.webhook.credentials_file (a file Alertmanager reads)",
            )
        )
    for name, context in (data.get("contexts") or {}).items():
        for server, instead in _SERVER_SECRETS.items():
            if "url" in (context.get(server) or {}):
                found.append((("contexts", name, server, "url"), context[server]["url"], instead))
    return found


def _describe(error: jsonschema.ValidationError) -> str:
    """One line naming the key path, what is wrong, and what is allowed."""
    key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    schema = error.schema
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(schema.get("properties", {})))
        return f"{key}: {error.message}; allowed keys: {allowed}"
    if error.validator == "required":
        return f"{key}: {error.message}"
    hint = schema.get("description")
    allowed = f"; expected {hint}" if hint else ""
    if "enum" in schema:
        allowed = "; allowed values: " + ", ".join(map(str, schema["enum"]))
    return f"{key}: {error.message}{allowed}"


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds ``toolkit.yaml``."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise ProjectError(
        f"no {SETTINGS_FILE} in {start} or above: run toolkit inside a project or pass --project DIR"
    )
