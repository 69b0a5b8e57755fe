"""HTTP clients with retries: grafana-client for Grafana, niquests for Prometheus and Alertmanager.

Connection errors, timeouts, 429 and 5xx are retried with bounded exponential backoff, honouring
``Retry-After`` (urllib3's Retry, mounted on the session); other 4xx fail at once.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import niquests
from niquests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from toolkit.contexts import Context, redact
from toolkit.errors import ToolkitError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SyncError(ToolkitError):
    """A target refused or failed a step of the sync."""


@dataclass(frozen=True)
class Transport:
    """TLS and retry options shared by every client: ``ca_cert`` path, ``insecure`` skips verification."""

    ca_cert: str | None = None
    insecure: bool = False
    retries: int = 5
    backoff: float = 0.2
    workers: int = 8

    @property
    def verify(self) -> bool | str:
        """What to give the HTTP library's ``verify``."""
        if self.insecure:
            warnings.warn(
                "TLS verification is off (--insecure): only use this against a server you trust", stacklevel=2
            )
            return False
        return self.ca_cert or True

    def retry(self) -> Retry:
        """The retry policy: every method (saves are guarded by Grafana's version check), bounded backoff."""
        return Retry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            allowed_methods=None,
            status_forcelist=RETRY_STATUSES,
            backoff_factor=self.backoff,
            backoff_max=5,
            respect_retry_after_header=True,
            raise_on_status=False,
        )

    def mount(self, session: niquests.Session) -> niquests.Session:
        """``session`` with the retry policy and a pool as large as the worker count."""
        adapter = HTTPAdapter(
            max_retries=self.retry(), pool_connections=self.workers, pool_maxsize=self.workers
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session


def grafana_client(context: Context, transport: Transport):
    """grafana-client's API for the context, with our retries, TLS options and org."""
    from grafana_client import GrafanaApi

    if not context.grafana_url:
        raise SyncError(
            f"context {context.name} names no Grafana: set GRAFANA_URL or contexts.{context.name}.grafana.url"
        )
    api = GrafanaApi.from_url(context.grafana_url, credential=context.grafana_auth, timeout=30)
    api.client.verify = transport.verify
    transport.mount(api.client.s)
    if context.grafana_org:
        api.client.organization_id = context.grafana_org
    return api


def session(transport: Transport) -> niquests.Session:
    """A plain session (Prometheus, Alertmanager) with the retry policy."""
    return transport.mount(niquests.Session())


def describe(error: Exception, context: Context) -> str:
    """A one-line, secret-free description of a client error, with the server's message when it gave one."""
    response = getattr(error, "response", None)
    message = response.get("message") if isinstance(response, dict) else None
    status = getattr(error, "status_code", None)
    text = f"{status}: {message}" if status and message else str(error)
    return redact(text, context.secrets)
