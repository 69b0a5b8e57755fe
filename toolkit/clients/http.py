"""A plain HTTP server client (Prometheus, Alertmanager, a ruler): one retrying session, typed errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import niquests

from toolkit.clients.errors import RefusedError, client_error, failure_reason
from toolkit.clients.transport import Transport

LIFECYCLE_HINT = "start it with --web.enable-lifecycle so toolkit sync can reload it"


class HttpClient:
    """The server at ``url``; every failure is a :class:`~toolkit.clients.errors.ClientError` naming it.

    ``POST /-/reload`` is not retried on 5xx: a failed reload is an answer, not an outage.
    """

    kind = "server"

    def __init__(
        self,
        url: str,
        transport: Transport,
        secrets: Iterable[str] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.secrets = tuple(secrets)
        self.timeout = transport.timeout
        self.session = transport.session()
        transport.mount(self.session, f"{self.url}/-/", statuses=frozenset({429, 502, 503, 504}))
        self.session.headers.update(headers or {})

    @property
    def name(self) -> str:
        """How messages name this server: its kind and URL."""
        return f"{self.kind} at {self.url}"

    def request(
        self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any
    ) -> niquests.Response:
        """``method`` on ``path``; a 404 is returned instead of raised when ``missing_ok``."""
        try:
            answer = self.session.request(method, f"{self.url}{path}", timeout=self.timeout, **kwargs)
        except niquests.exceptions.RequestException as error:
            raise client_error(self.name, f"{method} {path}: {failure_reason(error)}", self.secrets) from None
        status = answer.status_code or 0
        if status >= 400 and not (missing_ok and status == 404):
            text = (answer.text or "").strip()
            raise client_error(self.name, f"{method} {path}: {status} {text}".rstrip(), self.secrets, status)
        return answer

    def get_json(self, path: str) -> Any:
        """The decoded JSON body of ``GET path``."""
        answer = self.request("GET", path)
        try:
            return answer.json()
        except ValueError:
            raise client_error(self.name, f"GET {path}: the answer is not JSON", self.secrets) from None

    def reload(self) -> None:
        """``POST /-/reload``; a 403 about the lifecycle API says how to enable it."""
        try:
            self.request("POST", "/-/reload")
        except RefusedError as error:
            if error.status == 403 and "lifecycle" in error.message.lower():
                raise client_error(
                    self.name, f"the Lifecycle API is not enabled: {LIFECYCLE_HINT}", self.secrets, 403
                ) from None
            raise
