"""pytest fixtures of the doubles; ``grafana`` is the double, and (marked ``live``) the real Grafana at
GRAFANA_URL when that is set.

Tests written against ``grafana`` run on both: they name every dashboard, folder and sync project with
the target's ``suffix`` (unique per test), so they neither collide with each other nor with what a real
Grafana holds, and what they made is deleted afterwards.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.doubles.grafana import GrafanaDouble
from tests.doubles.ruler import RulerDouble


@dataclass
class GrafanaTarget:
    """Where the tests' Grafana is and how to authenticate (a token, or a user and password);
    ``double`` is None for a real Grafana."""

    url: str
    credential: str | tuple[str, str]
    double: GrafanaDouble | None
    suffix: str


def _clean_up(target: GrafanaTarget) -> None:
    """Delete the dashboards and folders a test made on a real Grafana (their uids end with the suffix)."""
    from grafana_client import GrafanaApi

    api = GrafanaApi.from_url(target.url, credential=target.credential)
    for hit in api.search.search_dashboards(type_="dash-db", limit=5000):
        if hit["uid"].endswith(target.suffix):
            api.dashboard.delete_dashboard(hit["uid"])
    for folder in api.folder.get_all_folders():
        if folder["uid"].endswith(target.suffix):
            api.folder.delete_folder(folder["uid"])


@pytest.fixture
def grafana_double() -> Iterator[GrafanaDouble]:
    """A fresh Grafana double on loopback."""
    double = GrafanaDouble()
    yield double
    double.close()


@pytest.fixture
def ruler_double() -> Iterator[RulerDouble]:
    """A fresh Mimir ruler API double on loopback."""
    double = RulerDouble()
    yield double
    double.close()


@pytest.fixture(params=["double", pytest.param("live", marks=pytest.mark.live)])
def grafana(request: pytest.FixtureRequest) -> Iterator[GrafanaTarget]:
    """Each test twice: against a double, and against the real Grafana at GRAFANA_URL (GRAFANA_TOKEN, or
    GRAFANA_USER and GRAFANA_PASSWORD), skipped when GRAFANA_URL is not set."""
    suffix = f"-t{uuid.uuid4().hex[:8]}"
    if request.param == "live":
        env = os.environ
        if not env.get("GRAFANA_URL"):
            pytest.skip("no GRAFANA_URL: make up, then make test-live, runs these against a real Grafana")
        credential = env.get("GRAFANA_TOKEN") or (
            env.get("GRAFANA_USER", ""),
            env.get("GRAFANA_PASSWORD", ""),
        )
        target = GrafanaTarget(env["GRAFANA_URL"], credential, None, suffix)
        yield target
        _clean_up(target)
        return
    double = GrafanaDouble()
    yield GrafanaTarget(double.url, double.token, double, suffix)
    double.close()


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 and its key (paths), made with openssl."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)
