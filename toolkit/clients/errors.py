"""Typed errors of the clients, and the one place secrets are taken out of what they say.

Every message a client produces is built by :func:`client_error`, which redacts the secrets the client
was given (tokens, passwords, passwords in URLs), so no caller has to remember to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from toolkit.errors import ToolkitError

_OBJECT = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>: ")


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def failure_reason(error: BaseException) -> str:
    """Why a request got no answer, without the HTTP library's wrapping (pool names, object addresses):
    "Failed to establish a new connection: [Errno 111] Connection refused"."""
    for arg in error.args:
        if getattr(arg, "reason", None) is not None:
            error = arg.reason
            break
    return _OBJECT.sub("", str(error))


class ClientError(ToolkitError):
    """A server could not be reached, or refused or failed a request.

    ``status`` is the HTTP status (None when nothing answered); ``reason`` the server's short status
    word when it gave one (Grafana's ``version-mismatch``).
    """

    def __init__(self, message: str, status: int | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class UnsendableError(ClientError):
    """A request body JSON cannot carry (NaN or an infinity); nothing was sent."""


class UnreachableError(ClientError):
    """No answer: connection refused or dropped, DNS, TLS or a timeout (after the retries)."""


class DeadlineError(UnreachableError):
    """The target's overall time limit ran out before an answer came."""


class RefusedError(ClientError):
    """A 4xx answer: the request is wrong, unauthorized or conflicts; retrying does not help."""


class ServerFailedError(ClientError):
    """A 5xx answer that outlasted the retries."""


def client_error(
    server: str, message: str, secrets: Iterable[str], status: int | None = None, reason: str = ""
) -> ClientError:
    """The typed error for ``status`` (None: unreachable), its message prefixed by ``server`` and redacted."""
    kind = UnreachableError if status is None else RefusedError if status < 500 else ServerFailedError
    return kind(redact(f"{server}: {message}", tuple(secrets)), status, reason)
