"""How the clients reach servers: TLS verification, timeouts, a connection pool, and retries.

Connection errors, timeouts, 429 and 5xx are retried with bounded exponential backoff, honouring
``Retry-After`` up to a bound (urllib3's ``Retry`` on the session's adapter); TLS errors are not (a
certificate that fails verification fails again). Every method is retried:
the toolkit's writes are idempotent (rule groups, reloads) or guarded by Grafana's version check. Other
4xx fail at once.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import niquests
from niquests.adapters import HTTPAdapter
from urllib3.exceptions import InsecureRequestWarning
from urllib3.util.retry import Retry

from toolkit.clients.deadline import Deadline

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class InsecureTransportWarning(UserWarning):
    """TLS verification was turned off on purpose."""


class _DeadlineRetry(Retry):
    """urllib3's retry policy that also stops, and shortens its waits, at a :class:`Deadline`."""

    deadline: Deadline | None = None

    def new(self, **kw) -> Retry:
        retry = super().new(**kw)
        retry.deadline = self.deadline
        return retry

    def is_exhausted(self) -> bool:
        return super().is_exhausted() or (self.deadline is not None and self.deadline.expired)

    def get_backoff_time(self) -> float:
        wait = super().get_backoff_time()
        return wait if self.deadline is None else max(0.0, min(wait, self.deadline.remaining()))

    def get_retry_after(self, response) -> float | None:
        wait = super().get_retry_after(response)
        if wait is None or self.deadline is None:
            return wait
        return max(0.0, min(wait, self.deadline.remaining()))


@dataclass(frozen=True)
class Transport:
    """TLS, timeout, pool and retry options shared by every client.

    ``ca_cert`` is a CA bundle to verify servers with; ``insecure`` skips verification (and warns once,
    when the transport is made). ``workers`` sizes the connection pool and the callers' thread pools.
    """

    ca_cert: str | None = None
    insecure: bool = False
    retries: int = 5
    backoff: float = 0.2
    backoff_max: float = 5.0
    retry_after_max: int = 30
    timeout: float = 30.0
    workers: int = 8

    def __post_init__(self) -> None:
        if self.insecure:
            warnings.warn(
                "TLS certificates are not verified (--insecure): use it only against a server you trust",
                InsecureTransportWarning,
                stacklevel=3,
            )

    @property
    def verify(self) -> bool | str:
        """What to give the HTTP library's ``verify``: False, a CA bundle path, or True."""
        return False if self.insecure else self.ca_cert or True

    @property
    def attempts(self) -> int:
        """How often one request may be tried."""
        return self.retries + 1

    def retry(self, statuses: frozenset[int] = RETRY_STATUSES, deadline: Deadline | None = None) -> Retry:
        """The retry policy for answers with ``statuses`` and for connection errors and timeouts, ending at
        ``deadline`` if given."""
        retry = _DeadlineRetry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=0,
            allowed_methods=None,
            status_forcelist=statuses,
            backoff_factor=self.backoff,
            backoff_max=self.backoff_max,
            respect_retry_after_header=True,
            retry_after_max=self.retry_after_max,
            raise_on_status=False,
        )
        retry.deadline = deadline
        return retry

    def mount(
        self,
        session: niquests.Session,
        prefix: str = "",
        statuses: frozenset[int] = RETRY_STATUSES,
        deadline: Deadline | None = None,
    ) -> niquests.Session:
        """``session`` with the retry policy for URLs under ``prefix`` (default: all), ending at ``deadline``
        if given, and TLS options."""
        adapter = HTTPAdapter(
            max_retries=self.retry(statuses, deadline),
            pool_connections=self.workers,
            pool_maxsize=self.workers,
        )
        for scheme_or_prefix in (prefix,) if prefix else ("http://", "https://"):
            session.mount(scheme_or_prefix, adapter)
        session.verify = self.verify
        if self.insecure:
            warnings.filterwarnings("ignore", category=InsecureRequestWarning)
        return session

    def session(self, deadline: Deadline | None = None) -> niquests.Session:
        """A new session with the retry policy (ending at ``deadline`` if given) and TLS options."""
        return self.mount(niquests.Session(), deadline=deadline)

    def timeout_for(self, deadline: Deadline | None) -> float:
        """The timeout of one attempt now: :attr:`timeout`, or its share of what ``deadline`` leaves."""
        return self.timeout if deadline is None else deadline.attempt_timeout(self.timeout, self.attempts)
