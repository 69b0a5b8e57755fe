"""Named targets (``contexts`` in toolkit.yaml) with environment overrides, and secret redaction.

A context names a Grafana (url, org), a Prometheus and an Alertmanager. ``GRAFANA_URL``,
``GRAFANA_TOKEN`` (or ``GRAFANA_USER``/``GRAFANA_PASSWORD``), ``PROMETHEUS_URL`` and
``ALERTMANAGER_URL`` override it (and ``PROMETHEUS_RULES_DIR``, ``ALERTMANAGER_CONFIG_FILE``: where
``toolkit sync`` writes the files those servers load; ``RULER_URL``, ``RULER_TENANT`` for a Mimir,
Cortex or Loki ruler). Secrets come only from the environment and are never printed:
:func:`redact` removes them from any text shown to the user.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from toolkit.errors import SettingsError
from toolkit.settings import Settings
from toolkit.source import SourceLocation


@dataclass(frozen=True)
class Context:
    """Where to read and publish; ``secrets`` lists the values to redact from output."""

    name: str
    grafana_url: str = ""
    grafana_org: int | None = None
    grafana_auth: str | tuple[str, str] | None = field(default=None, repr=False)
    prometheus_url: str = ""
    prometheus_rules_dir: str = ""
    alertmanager_url: str = ""
    alertmanager_config_file: str = ""
    ruler_url: str = ""
    ruler_prefix: str = "/prometheus"
    ruler_tenant: str = ""

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value of this context."""
        auth = self.grafana_auth
        if isinstance(auth, tuple):
            return (auth[1],)
        return (auth,) if auth else ()


def resolve_context(
    settings: Settings, name: str | None = None, env: Mapping[str, str] | None = None
) -> Context:
    """The context ``name`` (default: the only one, or ``local``) with environment overrides applied."""
    env = os.environ if env is None else env
    contexts = settings.section("contexts")
    if name is None:
        name = (
            "local"
            if "local" in contexts or not contexts
            else next(iter(contexts))
            if len(contexts) == 1
            else ""
        )
    if name and contexts and name not in contexts:
        raise SettingsError(
            f"no context {name!r} in toolkit.yaml: use one of {', '.join(sorted(contexts))}",
            SourceLocation(str(settings.path)),
        )
    chosen = contexts.get(name, {}) if name else {}
    grafana, prometheus, alertmanager, ruler = (
        chosen.get(k) or {} for k in ("grafana", "prometheus", "alertmanager", "ruler")
    )
    token = env.get("GRAFANA_TOKEN")
    user, password = env.get("GRAFANA_USER"), env.get("GRAFANA_PASSWORD")
    auth: str | tuple[str, str] | None = token or ((user, password) if user and password else None)
    return Context(
        name=name or "environment",
        grafana_url=env.get("GRAFANA_URL") or grafana.get("url", ""),
        grafana_org=grafana.get("org"),
        grafana_auth=auth,
        prometheus_url=env.get("PROMETHEUS_URL") or prometheus.get("url", ""),
        prometheus_rules_dir=env.get("PROMETHEUS_RULES_DIR") or prometheus.get("rules_dir", ""),
        alertmanager_url=env.get("ALERTMANAGER_URL") or alertmanager.get("url", ""),
        alertmanager_config_file=env.get("ALERTMANAGER_CONFIG_FILE") or alertmanager.get("config_file", ""),
        ruler_url=env.get("RULER_URL") or ruler.get("url", ""),
        ruler_prefix=ruler.get("prefix", "/prometheus"),
        ruler_tenant=env.get("RULER_TENANT") or ruler.get("tenant", ""),
    )


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
