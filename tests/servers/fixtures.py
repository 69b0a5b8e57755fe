"""pytest fixtures over the real servers; registered in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.exporter import MetricsExporter, WebhookReceiver
from tests.servers.processes import Server, start_alertmanager, start_prometheus


@pytest.fixture
def metrics_exporter() -> Iterator[MetricsExporter]:
    """A loopback exporter whose ``text`` the test sets."""
    exporter = MetricsExporter()
    yield exporter
    exporter.close()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A loopback server that records Alertmanager's webhook notifications."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def prometheus_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Start real Prometheus servers (see ``start_prometheus``); every one is stopped at the end."""
    started: list[Server] = []

    def start(**options) -> Server:
        folder: Path = tmp_path_factory.mktemp("prometheus")
        server = start_prometheus(folder, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def alertmanager_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Start real Alertmanager servers with a config text; every one is stopped at the end."""
    started: list[Server] = []

    def start(config: str) -> Server:
        server = start_alertmanager(tmp_path_factory.mktemp("alertmanager"), config)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
