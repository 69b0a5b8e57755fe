"""Named targets (``contexts`` in toolkit.yaml) with environment overrides.

A context names a Grafana (url, org), a Prometheus and an Alertmanager, and for ``toolkit sync`` where
their files are (``prometheus.rules_dir``, ``alertmanager.config_file``) or a Mimir, Cortex or Loki
ruler. ``GRAFANA_URL``, ``GRAFANA_TOKEN`` (or ``GRAFANA_USER``/``GRAFANA_PASSWORD``), ``PROMETHEUS_URL``
and ``ALERTMANAGER_URL`` override it, and so do ``PROMETHEUS_RULES_DIR``, ``ALERTMANAGER_CONFIG_FILE``,
``RULER_URL`` and ``RULER_TENANT``. Secrets come only from the environment or from a file
(``grafana.token_file``, or ``GRAFANA_TOKEN_FILE``); they are listed in :attr:`Context.secrets` so the
clients can redact them. Relative paths in toolkit.yaml are relative to the project root.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from toolkit.errors import SettingsError
from toolkit.locations import SourceLocation
from toolkit.settings import Settings


@dataclass(frozen=True)
class Context:
    """Where to read and publish; ``secrets`` lists the values no output may show."""

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
        """Every secret of this context: the token or password, and passwords inside its URLs."""
        auth = self.grafana_auth
        found = [auth[1] if isinstance(auth, tuple) else auth or ""]
        for url in (self.grafana_url, self.prometheus_url, self.alertmanager_url, self.ruler_url):
            found.append(urlparse(url).password or "")
        return tuple(s for s in found if s)


def _default_name(contexts: Mapping[str, object]) -> str:
    if "local" in contexts or not contexts:
        return "local"
    return next(iter(contexts)) if len(contexts) == 1 else ""


def _read_secret(path: Path, where: SourceLocation) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise SettingsError(f"cannot read the Grafana token file {path}: {error.strerror}", where) from None


def resolve_context(
    settings: Settings, name: str | None = None, env: Mapping[str, str] | None = None
) -> Context:
    """The context ``name`` (default: ``local``, or the only one) with environment overrides applied."""
    env = os.environ if env is None else env
    contexts = settings.section("contexts")
    where = SourceLocation(str(settings.path))
    name = _default_name(contexts) if name is None else name
    if name and contexts and name not in contexts:
        raise SettingsError(
            f"no context {name!r} in toolkit.yaml: use one of {', '.join(sorted(contexts))}", where
        )
    chosen = contexts.get(name, {}) if name else {}
    grafana, prometheus, alertmanager, ruler = (
        chosen.get(k) or {} for k in ("grafana", "prometheus", "alertmanager", "ruler")
    )
    root = settings.path.parent

    def path(variable: str, configured: str) -> str:
        return env.get(variable) or (str(root / configured) if configured else "")

    token = env.get("GRAFANA_TOKEN")
    token_file = path("GRAFANA_TOKEN_FILE", grafana.get("token_file", ""))
    if not token and token_file:
        token = _read_secret(Path(token_file), where)
    user, password = env.get("GRAFANA_USER"), env.get("GRAFANA_PASSWORD")
    return Context(
        name=name or "environment",
        grafana_url=env.get("GRAFANA_URL") or grafana.get("url", ""),
        grafana_org=grafana.get("org"),
        grafana_auth=token or ((user, password) if user and password else None),
        prometheus_url=env.get("PROMETHEUS_URL") or prometheus.get("url", ""),
        prometheus_rules_dir=path("PROMETHEUS_RULES_DIR", prometheus.get("rules_dir", "")),
        alertmanager_url=env.get("ALERTMANAGER_URL") or alertmanager.get("url", ""),
        alertmanager_config_file=path("ALERTMANAGER_CONFIG_FILE", alertmanager.get("config_file", "")),
        ruler_url=env.get("RULER_URL") or ruler.get("url", ""),
        ruler_prefix=ruler.get("prefix", "/prometheus"),
        ruler_tenant=env.get("RULER_TENANT") or ruler.get("tenant", ""),
    )
