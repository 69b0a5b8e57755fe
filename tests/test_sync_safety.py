"""toolkit sync under trouble: a title clash, refused credentials, a server that stops answering, credentials
in URLs, and build/ edited by hand."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.sample_project import REPO
from tests.test_sync_files import options, rule_bundle, served_rules
from toolkit.cli import main
from toolkit.clients import connect
from toolkit.clients.contexts import Context
from toolkit.clients.deadline import Deadline
from toolkit.clients.errors import DeadlineError
from toolkit.clients.transport import Transport
from toolkit.sync.run import run_sync


def sync(double, *args: str, project: Path = REPO, **env: str):
    environment = {"GRAFANA_URL": double.url, "GRAFANA_TOKEN": double.token, **env}
    return CliRunner().invoke(
        main, ["--project", str(project), "sync", "--only", "grafana", *args], env=environment
    )


def test_a_title_clash_names_both_dashboards_and_the_fix(grafana_double) -> None:
    grafana_double.provision({"uid": "legacy-api", "title": "API", "panels": []}, folder="platform")
    grafana_double.dashboards["legacy-api"]["provisioned"] = False
    result = sync(grafana_double)
    assert result.exit_code == 1
    assert (
        "  grafana: create api: title clash: dashboard 'legacy-api' in folder 'platform' is also titled 'API', "
        "and Grafana needs titles unique within a folder: give dashboard 'api' another title (or folder) in its "
        "module, or rename or move the other one in Grafana; nothing was written"
    ) in result.output
    assert "run toolkit sync again" not in result.output


@pytest.mark.parametrize(
    ("env", "hint"),
    [
        ({"GRAFANA_TOKEN": "wrong-token"}, "Grafana did not accept the credentials: check GRAFANA_TOKEN"),
        (
            {"GRAFANA_TOKEN": ""},
            "no credentials were given: set GRAFANA_TOKEN (or GRAFANA_USER and GRAFANA_PASSWORD)",
        ),
    ],
)
def test_refused_credentials_name_the_variables(grafana_double, env: dict, hint: str) -> None:
    result = sync(grafana_double, **env)
    assert result.exit_code == 1
    assert (
        f"error: grafana: Grafana at {grafana_double.url}: search: 401 Unauthorized; {hint}" in result.output
    )
    assert "wrong-token" not in result.output


def test_a_password_in_a_server_url_is_never_shown(prometheus_factory, tmp_path: Path) -> None:
    server = prometheus_factory(rule_files_dir=tmp_path / "rules")
    host = server.url.removeprefix("http://")
    ctx = Context(
        name="t",
        prometheus_url=f"http://robot:hunter2@{host}/missing",
        prometheus_rules_dir=str(tmp_path / "rules"),
    )
    report = run_sync(rule_bundle(), ctx, options("prometheus"))
    assert not report.ok
    message = report.failures["prometheus"]
    assert "hunter2" not in message and "robot" not in message
    assert f"Prometheus at http://***@{host}/missing" in message


@pytest.mark.servers
def test_a_frozen_prometheus_fails_within_the_time_limit_and_keeps_the_old_rules(
    prometheus_factory, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    server = prometheus_factory(rule_files_dir=rules)
    ctx = Context(name="t", prometheus_url=server.url, prometheus_rules_dir=str(rules))
    assert run_sync(rule_bundle(), ctx, options("prometheus")).ok
    before = {p.name: p.read_bytes() for p in rules.iterdir()}
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        report = run_sync(rule_bundle("up == 2"), ctx, options("prometheus", timeout=4))
        elapsed = time.monotonic() - started
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
    assert elapsed < 30, "the time limit must bound the whole target (without it: minutes)"
    message = report.failures["prometheus"]
    assert message.startswith(
        f"Prometheus at {server.url}: POST /-/reload: no answer within the time limit of 4 s"
    )
    assert "the previous files were restored, but reloading them failed too" in message
    assert {p.name: p.read_bytes() for p in rules.iterdir()} == before
    assert served_rules(server) == [("TargetDown", "up == 0")]


def test_the_deadline_ends_retries_and_keeps_a_reserve_for_restoring() -> None:
    now = [0.0]
    deadline = Deadline(8, clock=lambda: now[0])
    assert deadline.attempt_timeout(30, 6) == 1.0
    now[0] = 5.9
    assert deadline.remaining() == pytest.approx(0.1) and not deadline.expired
    now[0] = 6.5
    assert deadline.expired and deadline.attempt_timeout(30, 6) == 0.0
    with deadline.restoring():
        assert deadline.remaining() == pytest.approx(1.5)
    retry = Transport().retry(deadline=deadline)
    assert retry.is_exhausted() and retry.new().deadline is deadline


def test_a_client_past_its_deadline_does_not_send() -> None:
    now = [0.0]
    deadline = Deadline(1, clock=lambda: now[0])
    now[0] = 2.0
    client = connect.prometheus(Context(name="t", prometheus_url="http://127.0.0.1:9"), Transport(), deadline)
    with pytest.raises(DeadlineError, match=r"GET /api/v1/rules: no answer within the time limit of 1 s"):
        client.rule_groups()


def test_sync_warns_when_build_differs_from_the_code(grafana_double, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        REPO, project, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info")
    )
    edited = project / "build/dashboards/api.json"
    edited.write_text(edited.read_text().replace('"title": "API"', '"title": "API (edited)"'))
    result = sync(grafana_double, "--dry-run", project=project)
    assert result.exit_code == 0, result.output
    assert (
        "warning: build/ differs from the code (build/dashboards/api.json): sync publishes what the code defines"
    ) in result.output


def test_transport_deadline_shortens_waits() -> None:
    now = [0.0]
    deadline = Deadline(4, clock=lambda: now[0])
    retry = dataclasses.replace(Transport(), backoff=10, backoff_max=10).retry(deadline=deadline)
    assert retry.get_backoff_time() <= 3.0
