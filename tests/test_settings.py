"""toolkit.yaml: validation against the shipped schema, with the key's path, line and allowed values."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.sample_project import REPO
from toolkit.errors import SettingsError
from toolkit.settings import load_settings, parse_settings

GOOD = (REPO / "toolkit.yaml").read_text()


def error_for(text: str) -> str:
    with pytest.raises(SettingsError) as caught:
        parse_settings(text, Path("toolkit.yaml"))
    return str(caught.value)


def test_the_repository_settings_are_valid() -> None:
    settings = load_settings(REPO)
    assert settings.selector("api") == 'job="api"'
    assert settings.threshold("cpu_busy_ratio") == 0.8
    assert settings.budget("monthly_usd") == 5000
    assert settings.runbook_url("ServiceDown", "system-alerts").endswith("/ServiceDown")


def test_a_wrong_type_names_the_key_line_and_expectation() -> None:
    text = GOOD.replace("cpu_busy_ratio: 0.80", "cpu_busy_ratio: lots")
    line = text.splitlines().index("  cpu_busy_ratio: lots") + 1
    assert error_for(text) == (
        f"toolkit.yaml:{line}: thresholds.cpu_busy_ratio: 'lots' is not of type 'number'; "
        "expected HighCPUUsage: CPU busy fraction per instance"
    )


def test_an_out_of_range_ratio_is_rejected() -> None:
    message = error_for(GOOD.replace("memory_used_ratio: 0.85", "memory_used_ratio: 85"))
    assert "thresholds.memory_used_ratio: 85 is greater than the maximum of 1" in message


def test_a_misspelt_key_lists_the_allowed_keys() -> None:
    message = error_for(GOOD.replace("\nbudgets:", "\nbudgest:"))
    assert "'budgets' is a required property" in message
    assert (
        "Additional properties are not allowed ('budgest' was unexpected); allowed keys: alerting, budgets"
        in message
    )


def test_a_missing_selector_fails_loudly() -> None:
    message = error_for(GOOD.replace('  node: job="node"\n', ""))
    assert message.startswith("toolkit.yaml:")
    assert "selectors: 'node' is a required property" in message


def test_invalid_yaml_gives_the_line() -> None:
    assert error_for("platform: [acme\n").startswith("toolkit.yaml:2: invalid YAML: ")


def test_every_problem_is_listed() -> None:
    data = yaml.safe_load(GOOD)
    data["platform"] = "Acme Corp"
    data["scrape_interval"] = "15 seconds"
    message = error_for(yaml.safe_dump(data))
    assert "platform: 'Acme Corp' does not match" in message
    assert "scrape_interval: '15 seconds' does not match" in message


def test_a_missing_settings_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError, match=r"no toolkit.yaml in .*: run toolkit from the project root or pass --project DIR"
    ):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "key", "instead"),
    [
        (
            'grafana: {url: "http://127.0.0.1:3000"}',
            'grafana: {url: "http://admin:hunter2@127.0.0.1:3000"}',
            "contexts.local.grafana.url",
            "set GRAFANA_TOKEN (or GRAFANA_USER and GRAFANA_PASSWORD) in the environment",
        ),
        (
            'prometheus: {url: "http://127.0.0.1:9090"',
            'prometheus: {url: "http://127.0.0.1:9090/?token=hunter2"',
            "contexts.local.prometheus.url",
            "give PROMETHEUS_URL, credentials included, in the environment",
        ),
        (
            "runbook_url: https://runbooks.acme.example/alerts/{alertname}",
            "runbook_url: https://bot:hunter2@runbooks.acme.example/alerts/{alertname}",
            "runbook_url",
            "keep runbooks readable without one",
        ),
    ],
)
def test_credentials_in_a_url_are_refused_with_the_alternative(
    old: str, new: str, key: str, instead: str
) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new)
    line = next(n for n, text_line in enumerate(text.splitlines(), 1) if "hunter2" in text_line)
    message = error_for(text)
    assert message.startswith(f"toolkit.yaml:{line}: {key}: the URL carries ")
    assert instead in message
    assert "hunter2" not in message
