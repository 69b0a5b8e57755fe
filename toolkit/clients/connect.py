"""The clients for a context's servers, with the context's credentials and secrets."""

from __future__ import annotations

from toolkit.clients.alertmanager import Alertmanager
from toolkit.clients.contexts import Context
from toolkit.clients.deadline import Deadline
from toolkit.clients.errors import ClientError
from toolkit.clients.grafana import Grafana
from toolkit.clients.prometheus import Prometheus
from toolkit.clients.ruler import Ruler
from toolkit.clients.transport import Transport


def _url(context: Context, server: str, url: str, variable: str, key: str) -> str:
    if not url:
        raise ClientError(
            f"context {context.name} names no {server}: set {variable} or contexts.{context.name}.{key}.url "
            "in toolkit.yaml"
        )
    return url


def grafana(context: Context, transport: Transport, deadline: Deadline | None = None) -> Grafana:
    """The context's Grafana; its requests end by ``deadline`` if given."""
    url = _url(context, "Grafana", context.grafana_url, "GRAFANA_URL", "grafana")
    return Grafana(url, transport, context.grafana_auth, context.grafana_org, context.secrets, deadline)


def prometheus(context: Context, transport: Transport, deadline: Deadline | None = None) -> Prometheus:
    """The context's Prometheus."""
    url = _url(context, "Prometheus", context.prometheus_url, "PROMETHEUS_URL", "prometheus")
    return Prometheus(url, transport, context.secrets, deadline=deadline)


def alertmanager(context: Context, transport: Transport, deadline: Deadline | None = None) -> Alertmanager:
    """The context's Alertmanager."""
    url = _url(context, "Alertmanager", context.alertmanager_url, "ALERTMANAGER_URL", "alertmanager")
    return Alertmanager(url, transport, context.secrets, deadline=deadline)


def ruler(context: Context, transport: Transport, deadline: Deadline | None = None) -> Ruler:
    """The context's Mimir, Cortex or Loki ruler."""
    url = _url(context, "ruler", context.ruler_url, "RULER_URL", "ruler")
    return Ruler(url, transport, context.ruler_tenant, context.ruler_prefix, context.secrets, deadline)
