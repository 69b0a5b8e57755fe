"""The server clients (retries, typed errors, redaction, TLS options) and the contexts they are made from."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from urllib3.exceptions import ConnectTimeoutError

from tests.sample_project import REPO
from toolkit.clients import connect
from toolkit.clients.alertmanager_process import free_port
from toolkit.clients.bodies import parse_json
from toolkit.clients.contexts import Context, resolve_context
from toolkit.clients.errors import (
    ClientError,
    RefusedError,
    ServerFailedError,
    UnreachableError,
    UnsendableError,
)
from toolkit.clients.grafana import Grafana
from toolkit.clients.http import HttpClient
from toolkit.clients.prometheus import Prometheus
from toolkit.clients.ruler import Ruler
from toolkit.clients.transport import InsecureTransportWarning, Transport
from toolkit.errors import SettingsError
from toolkit.settings import parse_settings

FAST = Transport(backoff=0.01, backoff_max=0.05)


def test_retry_after_is_honoured_up_to_a_bound_and_backoff_is_bounded() -> None:
    retry = Transport(retries=20, backoff=1, backoff_max=5, retry_after_max=30).retry()
    assert retry.parse_retry_after("3") == 3
    assert retry.parse_retry_after("3600") == 30
    assert retry.respect_retry_after_header and retry.status_forcelist == {429, 500, 502, 503, 504}
    for _ in range(10):
        retry = retry.increment(method="GET", url="/", error=ConnectTimeoutError())
    assert retry.get_backoff_time() == 5


def test_5xx_are_retried_a_bounded_number_of_times_then_fail_typed(grafana_double) -> None:
    grafana = Grafana(grafana_double.url, Transport(retries=2, backoff=0.01), grafana_double.token)
    grafana_double.fail_next(3, 503)
    before = grafana_double.requests
    with pytest.raises(ServerFailedError) as failed:
        grafana.dashboards()
    assert failed.value.status == 503 and grafana_double.requests - before == 3
    assert str(failed.value) == f"Grafana at {grafana_double.url}: search: 503 injected failure"


def test_a_4xx_fails_at_once_with_the_servers_message(ruler_double) -> None:
    ruler = Ruler(ruler_double.url, FAST, tenant="t")
    ruler_double.fail_next(1, 422, message="group name too long")
    before = ruler_double.requests
    with pytest.raises(RefusedError) as refused:
        ruler.set_group("ns", {"name": "g", "rules": []})
    assert refused.value.status == 422 and ruler_double.requests - before == 1
    assert str(refused.value) == (
        f'ruler at {ruler_double.url}: POST /prometheus/config/v1/rules/ns: 422 {{"message": "group name too long"}}'
    )


def test_an_unreachable_server_is_a_typed_error_naming_it() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(UnreachableError) as down:
        Prometheus(url, Transport(retries=1, backoff=0.01)).rule_groups()
    refused = "Failed to establish a new connection: [Errno 111] Connection refused"
    assert (
        down.value.status is None and str(down.value) == f"Prometheus at {url}: GET /api/v1/rules: {refused}"
    )
    with pytest.raises(UnreachableError) as grafana_down:
        Grafana(url, Transport(retries=1, backoff=0.01), "token").dashboards()
    assert str(grafana_down.value) == f"Grafana at {url}: search: {refused}"


def test_grafana_sends_the_organization_and_refuses_a_wrong_token(grafana_double) -> None:
    Grafana(grafana_double.url, FAST, grafana_double.token, org=3).dashboards()
    assert grafana_double.last_request.headers["X-Grafana-Org-Id"] == "3"
    with pytest.raises(RefusedError) as refused:
        Grafana(grafana_double.url, FAST, "wrong").dashboards()
    assert refused.value.status == 401
    assert str(refused.value).endswith(
        "search: 401 Unauthorized; Grafana did not accept the credentials: check GRAFANA_TOKEN "
        "(or GRAFANA_USER and GRAFANA_PASSWORD, or the context's grafana.token_file)"
    )


def test_secrets_are_redacted_from_every_client_error(grafana_double) -> None:
    grafana_double.fail_next(1, 400, message=f"bad token {grafana_double.token}")
    grafana = Grafana(grafana_double.url, FAST, grafana_double.token, secrets=(grafana_double.token,))
    with pytest.raises(RefusedError) as refused:
        grafana.dashboards()
    assert grafana_double.token not in str(refused.value) and "bad token ***" in str(refused.value)


BIG = 2**64 + 1  # beyond 64 bits, and no float holds it: orjson neither writes nor reads it exactly


def test_json_bodies_are_what_the_standard_library_writes_and_answers_keep_every_digit(
    grafana_double,
) -> None:
    board = {"uid": "big", "title": "Größe", "panels": [{"id": 1, "maxDataPoints": BIG, "interval": 0.1}]}
    payload = {"dashboard": board, "folderUid": "", "overwrite": False, "message": "m"}
    grafana = Grafana(grafana_double.url, FAST, grafana_double.token, org=3)
    grafana.save(payload)
    sent = grafana_double.last_request
    assert sent.body == json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    assert sent.headers["Content-Type"] == "application/json" and sent.headers["X-Grafana-Org-Id"] == "3"
    assert sent.headers["Authorization"] == f"Bearer {grafana_double.token}"
    panel = grafana.dashboard("big")["dashboard"]["panels"][0]
    assert type(panel["maxDataPoints"]) is int and panel["maxDataPoints"] == BIG

    assert grafana.create_folder("f", "Folder") and not grafana.create_folder("f", "Folder")
    assert grafana_double.last_request.body == b'{"title":"Folder","uid":"f"}'

    plain = HttpClient(grafana_double.url, FAST, headers={"Authorization": f"Bearer {grafana_double.token}"})
    plain.post_json("/api/dashboards/db", {**payload, "overwrite": True})
    assert (
        grafana_double.last_request.body
        == json.dumps({**payload, "overwrite": True}, ensure_ascii=False, separators=(",", ":")).encode()
    )
    assert plain.get_json("/api/dashboards/uid/big")["dashboard"]["panels"][0]["maxDataPoints"] == BIG


@pytest.mark.parametrize(
    "text",
    [
        "123456789012345678",  # 18 digits: read by orjson
        "9223372036854775807",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775809",
        "[0.1, 1e-07, 1E5, -0.0, 5e-324, 1.7976931348623157e308]",
        '{"a": 1, "a": 2.5, "b": "1234567890123456789012"}',
        "[NaN, Infinity, -Infinity, 1e400]",
        '"\\ud800"',
        '{"t": "Gr\u00f6\u00dfe"}',
    ],
)
def test_answers_are_read_as_the_standard_library_reads_them(text: str) -> None:
    for content in (text.encode(), text.encode("utf-16")):
        parsed = parse_json(content)
        assert repr(parsed) == repr(json.loads(content)), "same values, same types"


def test_every_built_dashboard_is_read_as_the_standard_library_reads_it() -> None:
    for path in sorted((REPO / "build" / "dashboards").glob("*.json")):
        content = path.read_bytes()
        assert repr(parse_json(content)) == repr(json.loads(content)), path.name
    with pytest.raises(ValueError):
        parse_json(b'{"not": json}')


def test_a_body_json_cannot_carry_is_not_sent_and_the_error_says_where(grafana_double) -> None:
    grafana = Grafana(grafana_double.url, FAST, grafana_double.token)
    before = grafana_double.requests
    for value in (math.nan, math.inf, -math.inf):
        board = {"uid": "odd", "title": "Odd", "panels": [{"id": 1}, {"id": 2, "options": {"max": value}}]}
        with pytest.raises(UnsendableError) as refused:
            grafana.save({"dashboard": board, "folderUid": ""})
        assert str(refused.value) == (
            f"dashboard.panels[1].options.max is {value}, which JSON cannot carry: give a finite number "
            "(nothing was sent)"
        )
    assert grafana_double.requests == before


def test_a_missing_dashboard_is_refused_with_grafanas_message(grafana_double) -> None:
    with pytest.raises(RefusedError) as missing:
        Grafana(grafana_double.url, FAST, grafana_double.token).dashboard("gone")
    assert missing.value.status == 404
    assert (
        str(missing.value) == f"Grafana at {grafana_double.url}: GET dashboard gone: 404 Dashboard not found"
    )


def test_insecure_warns_and_turns_verification_off() -> None:
    with pytest.warns(InsecureTransportWarning, match="TLS certificates are not verified"):
        transport = Transport(insecure=True)
    assert transport.verify is False and transport.session().verify is False
    assert Transport(ca_cert="/etc/ca.pem").verify == "/etc/ca.pem" and Transport().verify is True


CONTEXTS = """
contexts:
  local:
    grafana: {url: "http://127.0.0.1:3000", org: 2, token_file: secrets/grafana-token}
    prometheus: {url: "http://127.0.0.1:9090", rules_dir: build/prometheus}
    alertmanager: {url: "http://127.0.0.1:9093", config_file: build/alertmanager/alertmanager.yml}
  mimir:
    ruler: {url: "https://mimir.example", tenant: team-a}
"""


def settings(tmp_path: Path):
    """The project's settings (checked by the schema) with the contexts above."""
    text = (REPO / "toolkit.yaml").read_text().split("\ncontexts:")[0] + CONTEXTS
    return parse_settings(text, tmp_path / "toolkit.yaml")


def test_a_context_from_toolkit_yaml_with_paths_from_the_project_root(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "grafana-token").write_text("file-token\n")
    context = resolve_context(settings(tmp_path), env={})
    assert context == Context(
        name="local",
        grafana_url="http://127.0.0.1:3000",
        grafana_org=2,
        grafana_auth="file-token",
        prometheus_url="http://127.0.0.1:9090",
        prometheus_rules_dir=str(tmp_path / "build" / "prometheus"),
        alertmanager_url="http://127.0.0.1:9093",
        alertmanager_config_file=str(tmp_path / "build" / "alertmanager" / "alertmanager.yml"),
    )
    assert context.secrets == ("file-token",)


def test_the_environment_overrides_the_context(tmp_path: Path) -> None:
    env = {
        "GRAFANA_URL": "https://grafana.example",
        "GRAFANA_USER": "admin",
        "GRAFANA_PASSWORD": "pw",
        "PROMETHEUS_URL": "http://prom:9090",
        "ALERTMANAGER_URL": "http://am:9093",
        "RULER_URL": "https://user:ruler-secret@mimir.example",
    }
    context = resolve_context(settings(tmp_path), "mimir", env)
    assert (context.grafana_url, context.grafana_auth) == ("https://grafana.example", ("admin", "pw"))
    assert (context.prometheus_url, context.alertmanager_url) == ("http://prom:9090", "http://am:9093")
    assert context.ruler_tenant == "team-a" and context.secrets == ("pw", "ruler-secret")
    assert resolve_context(settings(tmp_path), "mimir", {**env, "GRAFANA_TOKEN": "t"}).grafana_auth == "t"


def test_context_errors_name_the_file_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError, match=r"toolkit.yaml: no context 'prod' in toolkit.yaml: use one of local, mimir"
    ):
        resolve_context(settings(tmp_path), "prod", {})
    with pytest.raises(
        SettingsError, match="cannot read the Grafana token file .*grafana-token: No such file"
    ):
        resolve_context(settings(tmp_path), "local", {})
    with pytest.raises(
        ClientError, match="context mimir names no Grafana: set GRAFANA_URL or contexts.mimir.grafana.url"
    ):
        connect.grafana(resolve_context(settings(tmp_path), "mimir", {}), FAST)


def test_the_projects_local_context_matches_the_monitoring_stack() -> None:
    from toolkit.settings import load_settings

    local = resolve_context(load_settings(REPO), "local", {})
    assert (local.grafana_url, local.prometheus_url, local.alertmanager_url) == (
        "http://127.0.0.1:3000",
        "http://127.0.0.1:9090",
        "http://127.0.0.1:9093",
    )
    assert Path(local.prometheus_rules_dir) == REPO / "build" / "prometheus"
    assert Path(local.alertmanager_config_file) == REPO / "build" / "alertmanager" / "alertmanager.yml"
    compose = (REPO / "monitoring" / "docker-compose.yml").read_text()
    assert '"127.0.0.1:${GRAFANA_PORT:-3000}:3000"' in compose and "../build:/etc/build:ro" in compose
