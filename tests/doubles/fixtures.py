"""pytest fixtures of the doubles; with GRAFANA_URL set, ``grafana`` is that real Grafana instead."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.doubles.grafana import GrafanaDouble
from tests.doubles.ruler import RulerDouble


@dataclass
class GrafanaTarget:
    """Where the tests' Grafana is and how to authenticate; ``double`` is None for a real Grafana."""

    url: str
    token: str
    double: GrafanaDouble | None


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


@pytest.fixture
def grafana(request: pytest.FixtureRequest) -> Iterator[GrafanaTarget]:
    """The real Grafana at GRAFANA_URL (token GRAFANA_TOKEN) when set, else a double."""
    if os.environ.get("GRAFANA_URL"):
        yield GrafanaTarget(os.environ["GRAFANA_URL"], os.environ.get("GRAFANA_TOKEN", ""), None)
        return
    double = GrafanaDouble()
    yield GrafanaTarget(double.url, double.token, double)
    double.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses ``grafana`` as ``live``: `make test-live` runs them against GRAFANA_URL."""
    for item in items:
        if "grafana" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.live)
