"""Grafana's HTTP API through grafana-client (``GrafanaApi``), with the toolkit's transport and errors.

grafana-client does the requests, authentication (a token as Bearer, a (user, password) pair as basic
auth) and the mapping of answers to its exceptions; this class mounts our retries and TLS options on its
session, sets the organization, pages the search, and turns grafana-client's exceptions (and the
connection errors it lets through) into :class:`~toolkit.clients.errors.ClientError`.

Dashboards and folders are sent as JSON :mod:`~toolkit.clients.bodies` writes (``data=`` bytes through
grafana-client's request runner), and a dashboard is read by ``GET`` on grafana-client's session and
parsed by :mod:`~toolkit.clients.bodies`: grafana-client writes and reads with niquests' orjson, which
refuses to write an integer beyond 64 bits and reads one as a rounded float, where Grafana keeps its
digits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import quote

import niquests

from toolkit.clients.bodies import json_request, read_json
from toolkit.clients.deadline import Deadline
from toolkit.clients.errors import ClientError, DeadlineError, client_error, failure_reason
from toolkit.clients.transport import Transport
from toolkit.clients.urls import redact_url

PAGE = 5000  # the most Grafana's search answers at once
T = TypeVar("T")


class Grafana:
    """The Grafana at ``url`` as ``auth`` (a token, (user, password), or None), in organization ``org``."""

    def __init__(
        self,
        url: str,
        transport: Transport,
        auth: str | tuple[str, str] | None = None,
        org: int | None = None,
        secrets: Iterable[str] = (),
        deadline: Deadline | None = None,
    ) -> None:
        from grafana_client import GrafanaApi

        self.url = url.rstrip("/")
        self.name = f"Grafana at {redact_url(self.url)}"
        self.secrets = tuple(secrets)
        self.transport = transport
        self.deadline = deadline
        self.has_auth = auth is not None
        self.org = org
        self.api = GrafanaApi.from_url(self.url, credential=auth, timeout=transport.timeout)
        client = self.api.client
        transport.mount(client.s, deadline=deadline)
        client.verify = transport.verify
        if org:
            client.organization_id = org
            client.s.headers["X-Grafana-Org-Id"] = str(org)

    def _call(self, what: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        from grafana_client.client import GrafanaException

        timeout = self.transport.timeout_for(self.deadline)
        if self.deadline is not None and timeout <= 0:
            raise DeadlineError(f"{self.name}: {what}: {self.deadline.describe()}")
        self.api.client.timeout = timeout
        try:
            return call(*args, **kwargs)
        except (GrafanaException, niquests.exceptions.RequestException) as error:
            if self.deadline is not None and self.deadline.expired:
                raise DeadlineError(f"{self.name}: {what}: {self.deadline.describe()}") from None
            if isinstance(error, GrafanaException):
                raise self._error(what, error) from None
            raise client_error(self.name, f"{what}: {failure_reason(error)}", self.secrets) from None

    def _hint(self, status: int | None) -> str:
        if status == 401 and not self.has_auth:
            return "; no credentials were given: set GRAFANA_TOKEN (or GRAFANA_USER and GRAFANA_PASSWORD)"
        if status == 401:
            return (
                "; Grafana did not accept the credentials: check GRAFANA_TOKEN (or GRAFANA_USER and "
                "GRAFANA_PASSWORD, or the context's grafana.token_file)"
            )
        if status == 403:
            org = f" in organization {self.org}" if self.org else ""
            return (
                f"; the credentials lack the permission{org}: sync needs a service account token with the "
                "Editor role (Admin to create folders)"
            )
        return ""

    def _error(self, what: str, error: Any) -> ClientError:
        answer = error.response if isinstance(error.response, dict) else {}
        status = error.status_code or None
        if status is None and error.__cause__ is not None:  # grafana-client wraps timeouts and HTTP errors
            message = failure_reason(error.__cause__)
        else:
            message = answer.get("message") or error.message or str(error)
        text = f"{what}: {status} {message}{self._hint(status)}" if status else f"{what}: {message}"
        return client_error(self.name, text, self.secrets, status, answer.get("status", ""))

    def dashboards(self) -> list[dict[str, Any]]:
        """Every dashboard's search hit (uid, title, tags, folderUid), all pages. A sync's first request: a
        wrong token or URL fails here, before any work."""
        hits, page = [], 1
        while True:
            batch = self._call(
                "search", self.api.search.search_dashboards, type_="dash-db", limit=PAGE, page=page
            )
            hits += batch
            if len(batch) < PAGE:
                return hits
            page += 1

    def _get(self, path: str) -> niquests.Response:
        """``GET`` of ``path`` under the API on grafana-client's session, with its authentication and TLS
        options; an answer of 400 or more raises grafana-client's exception, as its own requests do."""
        from grafana_client.client import GrafanaException

        client = self.api.client
        answer = client.s.get(
            f"{client.url}{path}", auth=client.auth, verify=client.verify, timeout=client.timeout
        )
        status = answer.status_code or 0
        if status >= 400:
            try:
                body = answer.json()
            except ValueError:
                body = answer.text
            raise GrafanaException(status, body, answer.text)
        return answer

    def dashboard(self, uid: str) -> dict[str, Any]:
        """``{"dashboard": ..., "meta": ...}`` of the dashboard ``uid``, every number as Grafana holds it."""
        what = f"GET dashboard {uid}"
        answer = self._call(what, self._get, f"/dashboards/uid/{quote(uid, safe='')}")
        return read_json(answer, self.name, what, self.secrets)

    def versions(self, uid: str) -> list[dict[str, Any]]:
        """The dashboard's saved versions, newest first (version, created, createdBy, message)."""
        answer = self._call(
            f"GET versions of {uid}", self.api.dashboard_versions.get_dashboard_versions_by_uid, uid
        )
        return answer.get("versions", []) if isinstance(answer, dict) else list(answer)

    def save(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``POST /api/dashboards/db`` with ``payload`` (dashboard, folderUid, overwrite, message)."""
        uid = payload["dashboard"].get("uid", "")
        body = json_request(payload)
        return self._call(f"save dashboard {uid}", self.api.client.POST, "/dashboards/db", **body)

    def delete(self, uid: str) -> None:
        """Delete the dashboard ``uid``."""
        self._call(f"delete dashboard {uid}", self.api.dashboard.delete_dashboard, uid)

    def folders(self) -> dict[str, str]:
        """Folder titles by uid."""
        return {f["uid"]: f["title"] for f in self._call("list folders", self.api.folder.get_all_folders)}

    def create_folder(self, uid: str, title: str) -> bool:
        """Create the folder; False when one with ``uid`` exists already (409, or 412 on older Grafana)."""
        body = json_request({"title": title, "uid": uid})
        try:
            self._call(f"create folder {uid}", self.api.client.POST, "/folders", **body)
        except ClientError as error:
            if error.status in (409, 412):
                return False
            raise
        return True
