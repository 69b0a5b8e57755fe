"""SLO objects: validation, Sloth-compatible rules, burn-rate policies from settings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.sample_project import REPO
from toolkit.clients.promtools import check_rules
from toolkit.errors import DefinitionError, SettingsError
from toolkit.output.build import dump_yaml
from toolkit.rules import RecordingRule
from toolkit.settings import load_settings, parse_settings
from toolkit.slo import SLO, Latency, Ratio, slo_groups

AVAILABILITY = Ratio(
    errors='http_requests_total{job="api", status=~"5.."}', total='http_requests_total{job="api"}'
)


def settings_with(policy_yaml: str):
    text = (REPO / "toolkit.yaml").read_text().replace("slo:\n  policy: workbook\n", policy_yaml)
    return parse_settings(text, REPO / "toolkit.yaml")


def rules(groups) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for group in groups:
        for rule in group.rules:
            found.setdefault(rule.name, []).append(rule)
    return found


def test_sloth_names_and_windows() -> None:
    slo = SLO("availability", "api", 99.9, AVAILABILITY)
    found = rules(slo_groups([slo], load_settings(REPO)))
    windows = [r.labels["sloth_window"] for r in found["slo:sli_error:ratio_rate5m"]]
    assert windows == ["5m"]
    for window in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"):
        (rule,) = found[f"slo:sli_error:ratio_rate{window}"]
        assert dict(rule.labels) == {
            "sloth_id": "api-availability",
            "sloth_service": "api",
            "sloth_slo": "availability",
            "sloth_window": window,
        }
    for meta in (
        "slo:objective:ratio",
        "slo:error_budget:ratio",
        "slo:time_period:days",
        "slo:current_burn_rate:ratio",
        "slo:period_burn_rate:ratio",
        "slo:period_error_budget_remaining:ratio",
    ):
        assert meta in found
    assert found["slo:error_budget:ratio"][0].expr == "vector(0.001)"


def test_the_workbook_policy_pages_on_14_4x_and_6x_and_tickets_on_3x_and_1x() -> None:
    slo = SLO("availability", "api", 99.9, AVAILABILITY)
    page, ticket = rules(slo_groups([slo], load_settings(REPO)))["ApiAvailabilityBudgetBurn"]
    assert (page.severity, ticket.severity) == ("critical", "warning")
    assert "slo:sli_error:ratio_rate5m" in page.expr and "> 14.4 * 0.001" in page.expr
    assert "slo:sli_error:ratio_rate6h" in page.expr and "> 6 * 0.001" in page.expr
    assert "slo:sli_error:ratio_rate1d" in ticket.expr and "> 3 * 0.001" in ticket.expr
    assert "slo:sli_error:ratio_rate3d" in ticket.expr and "> 1 * 0.001" in ticket.expr


def test_the_simple_policy_is_2x_warning_and_10x_critical() -> None:
    settings = settings_with("slo:\n  policy: simple\n")
    slo = SLO("availability", "api", 99.9, AVAILABILITY)
    page, ticket = rules(slo_groups([slo], settings))["ApiAvailabilityBudgetBurn"]
    assert "> 10 * 0.001" in page.expr and "> 2 * 0.001" in ticket.expr
    assert "14.4" not in page.expr


def test_a_policy_of_your_own_adds_its_windows() -> None:
    settings = settings_with(
        "slo:\n  policy: strict\n  policies:\n    strict:\n"
        "      - {severity: critical, factor: 20, long: 15m, short: 1m}\n"
        "      - {severity: warning, factor: 2, long: 12h, short: 1h}\n"
    )
    found = rules(slo_groups([SLO("availability", "api", 99.9, AVAILABILITY)], settings))
    assert "slo:sli_error:ratio_rate15m" in found and "slo:sli_error:ratio_rate12h" in found


def test_an_unknown_policy_lists_the_known_ones() -> None:
    with pytest.raises(SettingsError, match="slo.policy 'fast' is not a policy: use one of simple, workbook"):
        slo_groups([SLO("availability", "api", 99.9, AVAILABILITY)], settings_with("slo:\n  policy: fast\n"))


def test_latency_matches_both_spellings_of_a_whole_bucket() -> None:
    sli = Latency("http_request_duration_seconds", le=2, selector='job="api"')
    assert 'le=~"2|2.0"' in sli.error_ratio("5m")
    assert 'le="0.25"' in Latency("x_seconds", le=0.25).error_ratio("5m")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: SLO("availability", "api", 100, AVAILABILITY),
            "objective 100 must be a percentage between 0 and 100",
        ),
        (lambda: SLO("Availability", "api", 99, AVAILABILITY), "SLO name 'Availability' must be lower-case"),
        (
            lambda: SLO("availability", "api", 99, AVAILABILITY, window="a month"),
            "window 'a month' is not a Prometheus duration",
        ),
        (lambda: SLO("availability", "api", 99, Ratio("rate(x[5m])", "y")), "is not a series selector"),
        (
            lambda: SLO("availability", "api", 99, "errors/total"),
            "sli must be Ratio(errors=..., total=...) or Latency(...)",
        ),
    ],
)
def test_bad_objectives_are_refused_with_the_reason(make, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        make()
    assert message in str(caught.value)
    assert "tests/test_slo.py:" in str(caught.value)


def test_an_slo_defined_twice_names_both() -> None:
    one = SLO("availability", "api", 99.9, AVAILABILITY)
    two = SLO("availability", "api", 99.5, AVAILABILITY)
    with pytest.raises(DefinitionError, match="SLO api-availability is defined twice: at .*test_slo.py:"):
        slo_groups([one, two], load_settings(REPO))


def test_generated_rules_pass_promtool(tmp_path: Path) -> None:
    groups = slo_groups(
        [
            SLO("availability", "api", 99.9, AVAILABILITY),
            SLO("latency", "api", 95, Latency("http_request_duration_seconds", le=2, selector='job="api"')),
        ],
        load_settings(REPO),
    )
    data = {
        "groups": [
            {
                "name": g.name,
                "rules": [
                    r.to_data() if isinstance(r, RecordingRule) else r.to_data(team="t", runbook_url="u")
                    for r in g.rules
                ],
            }
            for g in groups
        ]
    }
    path = tmp_path / "slo.yml"
    path.write_text(dump_yaml(data))
    check_rules([path])
    assert len(yaml.safe_load(path.read_text())["groups"]) == 6
