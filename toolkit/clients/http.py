"""A plain HTTP server client (Prometheus, Alertmanager, a ruler): one retrying session, typed errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import niquests

from toolkit.clients.bodies import json_request, read_json
from toolkit.clients.deadline import Deadline
from toolkit.clients.errors import DeadlineError, RefusedError, client_error, failure_reason
from toolkit.clients.transport import Transport
from toolkit.clients.urls import redact_url

LIFECYCLE_HINT = "start it with --web.enable-lifecycle so toolkit sync can reload it"


class HttpClient:
    """The server at ``url``; every failure is a :class:`~toolkit.clients.errors.ClientError` naming it.

    ``POST /-/reload`` is not retried on 5xx: a failed reload is an answer, not an outage. With a
    ``deadline``, every request, retry and back-off ends by it.
    """

    kind = "server"
    url_variable = ""  # the environment variable that gives this server's URL, credentials included

    def __init__(
        self,
        url: str,
        transport: Transport,
        secrets: Iterable[str] = (),
        headers: dict[str, str] | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.secrets = tuple(secrets)
        self.transport = transport
        self.deadline = deadline
        self.session = transport.session(deadline)
        transport.mount(self.session, f"{self.url}/-/", frozenset({429, 502, 503, 504}), deadline)
        self.session.headers.update(headers or {})

    @property
    def name(self) -> str:
        """How messages name this server: its kind and URL (without credentials)."""
        return f"{self.kind} at {redact_url(self.url)}"

    @contextmanager
    def restoring(self) -> Iterator[None]:
        """Requests made inside may spend the time the deadline keeps for restoring."""
        if self.deadline is None:
            yield
            return
        with self.deadline.restoring():
            yield

    def _hint(self, status: int) -> str:
        if status == 401:
            return f"; {self.kind} wants credentials: give {self.url_variable} with them in the environment"
        if status == 403:
            return f"; the credentials in {self.url_variable} lack the permission for this"
        return ""

    def request(
        self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any
    ) -> niquests.Response:
        """``method`` on ``path``; a 404 is returned instead of raised when ``missing_ok``."""
        timeout = self.transport.timeout_for(self.deadline)
        if self.deadline is not None and timeout <= 0:
            raise DeadlineError(f"{self.name}: {method} {path}: {self.deadline.describe()}")
        try:
            answer = self.session.request(method, f"{self.url}{path}", timeout=timeout, **kwargs)
        except niquests.exceptions.RequestException as error:
            if self.deadline is not None and self.deadline.expired:
                raise DeadlineError(f"{self.name}: {method} {path}: {self.deadline.describe()}") from None
            raise client_error(self.name, f"{method} {path}: {failure_reason(error)}", self.secrets) from None
        status = answer.status_code or 0
        if status >= 400 and not (missing_ok and status == 404):
            text = f"{method} {path}: {status} {(answer.text or '').strip()}".rstrip()
            raise client_error(self.name, text + self._hint(status), self.secrets, status)
        return answer

    def get_json(self, path: str) -> Any:
        """The decoded JSON body of ``GET path``, every number as the server wrote it."""
        return read_json(self.request("GET", path), self.name, f"GET {path}", self.secrets)

    def post_json(self, path: str, body: Any) -> niquests.Response:
        """``POST path`` with ``body`` as JSON, as :func:`~toolkit.clients.bodies.json_request` writes it."""
        return self.request("POST", path, **json_request(body))

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
