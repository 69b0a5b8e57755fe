"""What a live Prometheus knows: its metric names, their types and label names (``--prometheus URL``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from toolkit.clients.urls import HIDDEN, redact_url
from toolkit.errors import ToolkitError


class LiveError(ToolkitError):
    """The Prometheus given with --prometheus cannot be queried."""


@dataclass
class LivePrometheus:
    """A Prometheus to check queries against; answers are fetched once and kept.

    A user and password in the URL are sent as basic authentication and never shown: ``url`` is the
    address as :func:`toolkit.clients.urls.redact_url` shows it, as every message prints it.
    """

    address: str
    timeout: float = 10
    names: set[str] = field(default_factory=set)
    types: dict[str, str] = field(default_factory=dict)
    retention: str = ""
    _labels: dict[str, set[str]] = field(default_factory=dict)
    _answers: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The address as it may be shown: credentials and secret query values as ``***``."""
        return redact_url(self.address)

    def _get(self, path: str, **params: str) -> object:
        import base64
        import urllib.error  # here: plain lint never pays for urllib.request
        import urllib.parse
        import urllib.request

        parts = urlsplit(self.address)
        base = urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        request = urllib.request.Request(f"{base.rstrip('/')}{path}{query}")
        if parts.username is not None:
            user = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            request.add_header("Authorization", f"Basic {base64.b64encode(user.encode()).decode()}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as error:
            message = str(error).replace(parts.password, HIDDEN) if parts.password else str(error)
            raise LiveError(f"cannot query Prometheus at {self.url}{path}: {message}") from None
        if body.get("status") != "success":
            raise LiveError(f"Prometheus at {self.url} answered {path} with: {body.get('error', body)}")
        return body["data"]

    def load(self) -> LivePrometheus:
        """Fetch the metric names, their metadata and how long the server keeps data."""
        self.names = set(self._get("/api/v1/label/__name__/values"))
        metadata = self._get("/api/v1/metadata")
        self.types = {name: entries[0].get("type", "") for name, entries in metadata.items() if entries}
        flags = self._get("/api/v1/status/flags")
        if isinstance(flags, dict):
            self.retention = _retention(flags)
        return self

    def series(self, query: str) -> list[dict[str, str]]:
        """The label sets of the series ``query`` returns now (answers kept per query)."""
        if query not in self._answers:
            data = self._get("/api/v1/query", query=query)
            result = data.get("result", []) if isinstance(data, dict) else []
            self._answers[query] = [dict(item.get("metric", {})) for item in result if isinstance(item, dict)]
        return self._answers[query]

    def query_range(self, query: str, seconds: float, step: float) -> list[list[float]]:
        """The timestamps of each series ``query`` returns over the last ``seconds``, every ``step``."""
        import time  # here: only alerts/count asks

        end = time.time()
        data = self._get(
            "/api/v1/query_range",
            query=query,
            start=f"{end - seconds:.3f}",
            end=f"{end:.3f}",
            step=f"{step:g}",
        )
        result = data.get("result", []) if isinstance(data, dict) else []
        return [[float(at) for at, _ in series.get("values", [])] for series in result]

    def labels(self, metric: str) -> set[str]:
        """The label names the server has for ``metric``."""
        if metric not in self._labels:
            self._labels[metric] = set(self._get("/api/v1/labels", **{"match[]": metric}))
        return self._labels[metric]

    def type_of(self, series: str) -> str:
        """The metadata type of a series (a histogram's ``_bucket`` resolves to its base), '' when unknown."""
        if series in self.types:
            return self.types[series]
        for suffix in ("_bucket", "_count", "_sum", "_total"):
            base = series.removesuffix(suffix)
            if base != series and base in self.types:
                return self.types[base]
        return ""


def _retention(flags: dict) -> str:
    """How long the server keeps data, from its flags ('' when only a size limits it): an unset time
    (0s) is Prometheus' default of 15d unless a size is set."""
    time = str(flags.get("storage.tsdb.retention.time") or flags.get("storage.tsdb.retention") or "0s")
    if time not in ("0s", "0"):
        return time
    return "15d" if str(flags.get("storage.tsdb.retention.size") or "0B") in ("0B", "0") else ""
