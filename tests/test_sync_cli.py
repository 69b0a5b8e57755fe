"""The ``toolkit sync`` command: plan and summary output, exit codes, what was and was not applied,
secrets kept out of the output, TLS options and progress only on a terminal."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.doubles.grafana import GrafanaDouble
from tests.sample_project import DASHBOARD, REPO, make_project
from toolkit.cli import main
from toolkit.commands.progress import CLEAR, Progress
from toolkit.commands.sync import WRITES_LABEL
from toolkit.sources.code import load_project

BUNDLE = load_project(REPO).bundle
COUNT = len(BUNDLE.dashboards)


def sync(double: GrafanaDouble, *args: str, **env: str):
    environment = {"GRAFANA_URL": double.url, "GRAFANA_TOKEN": double.token, **env}
    return CliRunner().invoke(
        main, ["--project", str(REPO), "sync", "--only", "grafana", *args], env=environment
    )


def test_dry_run_prints_the_plan_and_the_summary_table(grafana_double) -> None:
    result = sync(grafana_double, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "plan (dry run, nothing changed):"
    assert "  create   api" in lines
    assert "target           to write  to remove  unchanged    refused     failed" in lines
    assert f"grafana        {COUNT:>10}          0          0          0          0" in lines
    assert grafana_double.writes == 0


def test_sync_then_noop_then_a_refusal_lists_what_was_and_was_not_applied(grafana_double) -> None:
    first = sync(grafana_double)
    assert first.exit_code == 0, first.output
    assert f"grafana        {COUNT:>10}          0          0          0          0" in first.output
    second = sync(grafana_double)
    assert second.exit_code == 0 and "plan:" not in second.output
    assert f"grafana                 0          0 {COUNT:>10}          0          0" in second.output

    grafana_double.edit_in_ui("cost", "Cost (Alice)")
    refused = sync(grafana_double, "--prune")
    assert refused.exit_code == 1, refused.output
    out = refused.output
    assert "  refused  cost  changed since this project's last sync: version 2 was saved by alice at " in out
    assert '             ~ renamed from "Cost (Alice)" to "LLM cost"' in out
    assert "error: grafana: 1 dashboard(s) refused: cost" in out
    assert out.endswith("not applied:\n  grafana: cost: refused\napplied: nothing\n")
    assert grafana_double.dashboards["cost"]["dashboard"]["title"] == "Cost (Alice)"

    forced = sync(grafana_double, "--force")
    assert forced.exit_code == 0, forced.output
    assert "  update   cost  --force" in forced.output


def test_a_failed_write_is_listed_with_its_cause(grafana_double) -> None:
    grafana_double.fail_next(1, 400, "/api/dashboards/db", "Dashboard title cannot be empty")
    result = sync(grafana_double, "--workers", "1")
    assert result.exit_code == 1
    assert (
        f"not applied:\n  grafana: create agent: Grafana at {grafana_double.url}: save dashboard agent: "
        "400 Dashboard title cannot be empty\napplied:\n  grafana: create api\n" in result.output
    )
    assert result.output.count("\n  grafana: create ") == COUNT


def test_the_token_and_passwords_never_appear_in_output(grafana_double) -> None:
    token = grafana_double.token
    grafana_double.fail_next(1, 403, message=f"token {token} lacks dashboards:write")
    result = sync(grafana_double)
    assert result.exit_code == 1
    assert token not in result.output and "token *** lacks dashboards:write" in result.output

    wrong = sync(grafana_double, GRAFANA_TOKEN="wrong-" + token)
    assert wrong.exit_code == 1 and "wrong-" not in wrong.output
    assert f"error: grafana: Grafana at {grafana_double.url}: search: 401 Unauthorized" in wrong.output

    user, password = grafana_double.user
    in_url = grafana_double.url.replace("http://", f"http://{user}:{password}@")
    grafana_double.fail_next(1, 403, message=f"{user}:{password} may not read")
    basic = sync(grafana_double, GRAFANA_URL=in_url, GRAFANA_TOKEN="")
    assert (
        basic.exit_code == 1 and password not in basic.output and f"{user}:*** may not read" in basic.output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "grafana-x"], "Invalid value for '--only'"),
        (
            ["--insecure", "--ca-cert", str(REPO / "toolkit.yaml")],
            "--ca-cert and --insecure contradict each other",
        ),
        (["--workers", "0"], "Invalid value for '--workers'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["--project", str(REPO), "sync", *args])
    assert result.exit_code == 2 and message in result.output


def test_an_unknown_context_exits_2_naming_the_known_ones() -> None:
    result = CliRunner().invoke(main, ["--project", str(REPO), "sync", "--context", "prod"])
    assert result.exit_code == 2
    assert (
        result.output
        == f"Error: {REPO / 'toolkit.yaml'}: no context 'prod' in toolkit.yaml: use one of local\n"
    )


def test_tls_is_verified_by_default_with_ca_cert_and_insecure_options(tls_files: tuple[str, str]) -> None:
    cert, _ = tls_files
    double = GrafanaDouble(tls=tls_files)
    try:
        refused = sync(double, "--dry-run")
        assert refused.exit_code == 1 and "certificate verify failed" in refused.output
        trusted = sync(double, "--dry-run", "--ca-cert", cert)
        assert trusted.exit_code == 0, trusted.output
        insecure = sync(double, "--dry-run", "--insecure")
        assert insecure.exit_code == 0, insecure.output
        assert insecure.stderr.startswith("warning: TLS certificates are not verified (--insecure)")
    finally:
        double.close()


def test_progress_is_quiet_off_a_terminal_and_counts_grafana_writes_on_one(
    grafana_double, monkeypatch
) -> None:
    result = sync(grafana_double)
    assert result.exit_code == 0 and result.stderr == ""
    monkeypatch.delenv("CI", raising=False)  # the line is never drawn in CI

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    with Progress(None, "syncing", stream=terminal, delay=0) as progress:
        show = progress.counting(WRITES_LABEL)
        for done in range(1, 21):
            show(done, 20)
        deadline = time.monotonic() + 5
        while "writes 20/20" not in terminal.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "syncing: Grafana writes 20/20" in terminal.getvalue()
    assert terminal.getvalue().endswith(CLEAR), "the line is cleared at the end"


HUGE = 18446744073709551616  # 2**64: json writes it, orjson does not
RAW = (
    'raw_panel({"type": "stat", "title": "Big", "description": "Overflows.", "gridPos": {"h": 4, "w": 6, "x": 0, "y": 20}, "fieldConfig": '
    '{"defaults": {"unit": "short", "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None}, '
    '{"color": "red", "value": VALUE}]}}, "overrides": []}}),'
)


def threshold_project(root: Path, value: str) -> Path:
    """A throw-away project whose one dashboard has a panel given as JSON with a red threshold at ``value``."""
    source = DASHBOARD.format(uid="overview", title="Overview")
    source = source.replace("import dashboard,", "import dashboard, raw_panel,").replace(
        'description="Share of targets up."),',
        'description="Share of targets up."),' + RAW.replace("VALUE", value),
    )
    assert value in source and "raw_panel," in source
    return make_project(root, {"overview": source})


def sync_project(double: GrafanaDouble, root: Path):
    environment = {"GRAFANA_URL": double.url, "GRAFANA_TOKEN": double.token}
    return CliRunner().invoke(main, ["--project", str(root), "sync", "--only", "grafana"], env=environment)


def big_step(double: GrafanaDouble) -> object:
    """The red threshold of the panel "Big" as the double holds it."""
    panel = next(p for p in double.dashboards["overview"]["dashboard"]["panels"] if p["title"] == "Big")
    return panel["fieldConfig"]["defaults"]["thresholds"]["steps"][-1]["value"]


def test_an_integer_beyond_64_bits_is_synced_then_a_second_sync_is_a_no_op(
    grafana_double, tmp_path: Path
) -> None:
    root = threshold_project(tmp_path, str(HUGE))
    first = sync_project(grafana_double, root)
    assert first.exit_code == 0, first.output
    assert "grafana                 1          0          0          0          0" in first.output
    assert big_step(grafana_double) == HUGE and type(big_step(grafana_double)) is int
    writes = grafana_double.writes
    second = sync_project(grafana_double, root)
    assert second.exit_code == 0, second.output
    assert "grafana                 0          0          1          0          0" in second.output
    assert grafana_double.writes == writes


def test_an_infinite_threshold_is_not_sent_and_the_failure_says_where(grafana_double, tmp_path: Path) -> None:
    root = threshold_project(tmp_path, 'float("inf")')
    result = sync_project(grafana_double, root)
    assert result.exit_code == 1, result.output
    assert (
        "  grafana: create overview: dashboard.panels[3].fieldConfig.defaults.thresholds.steps[1].value is inf, "
        "which JSON cannot carry: give a finite number (nothing was sent)\n" in result.output
    )
    assert "overview" not in grafana_double.dashboards
