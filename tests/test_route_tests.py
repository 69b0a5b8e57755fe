"""Route tests: the platform's routing cases pass on a real Alertmanager, a broken policy fails the named case
with its line, errors exit 2 naming the binary and the fix, and no Alertmanager outlives a run."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.sample_project import REPO
from toolkit.alertmanager import (
    AlertmanagerConfig,
    NotificationTemplate,
    Receiver,
    Route,
    TimeInterval,
    TimePeriod,
)
from toolkit.bundle import Bundle
from toolkit.cli import main
from toolkit.clients.alertmanager_process import AlertmanagerFailedError, LocalAlertmanager
from toolkit.clients.promtools import check_alertmanager_config
from toolkit.errors import DefinitionError
from toolkit.lint.engine import lint_bundle
from toolkit.output.build import render
from toolkit.route_tests import RouteTest, TemplateTest
from toolkit.sources.code import load_project
from toolkit.testing.route_config import config_under_test, route_table
from toolkit.testing.routes import run_route_tests

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(
        not shutil.which("prometheus-alertmanager") or not shutil.which("amtool"),
        reason="needs Debian's prometheus-alertmanager (make setup)",
    ),
]


def copy_project(root: Path) -> Path:
    for name in ("toolkit.yaml", "alerts", "dashboards"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, root / name)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(root), *args])


def test_the_platforms_cases_pass_and_every_alertmanager_is_stopped() -> None:
    bundle = load_project(REPO).bundle
    started: list[LocalAlertmanager] = []
    report = run_route_tests(bundle, on_start=started.append)
    assert [r.name for r in report.failed] == []
    names = {r.name for r in report.results}
    assert len(report.results) == len(bundle.route_tests) >= 15
    assert {
        "critical pages PagerDuty and posts to the critical channel",
        "warning goes to the warnings channel",
        "cost warning goes to finance",
        "cost critical pages and goes to finance",
        "security goes to the security channel",
        "info goes to the info channel",
        "info does not post at night",
        "an alert without severity goes to the default channel",
        "ServiceDown inhibits the same job's warnings",
        "QuotaExceeded inhibits QuotaAlmostExceeded",
    } <= names
    route_cases = sum(isinstance(t, RouteTest) for t in bundle.route_tests)
    assert len(started) == route_cases
    for server in started:
        assert server.process is not None and server.process.poll() is not None
        with pytest.raises(ProcessLookupError):
            os.kill(server.pid, 0)


def test_a_changed_receiver_fails_the_named_case_with_the_route_that_matched(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    routing = root / "alerts" / "routing.py"
    edit(routing, 'Route("slack-warning", ', 'Route("slack-default", ')
    result = run(root, "test", "warning goes to the warnings channel")
    assert result.exit_code == 1, result.output
    case = line_of(routing, '"warning goes to the warnings channel"') - 1
    route = line_of(routing, 'Route("slack-default", matchers')
    assert (
        f"FAIL  route warning goes to the warnings channel (test at alerts/routing.py:{case})"
        in result.output
    )
    assert "receivers: expected slack-warning; got slack-default" in result.output
    assert f"matched route to slack-default at alerts/routing.py:{route}" in result.output
    assert "0 passed, 1 failed" in result.output


def test_a_removed_inhibition_fails_the_named_case(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    routing = root / "alerts" / "routing.py"
    edit(
        routing, "source_matchers=['alertname=\"ServiceDown\"']", "source_matchers=['alertname=\"Nothing\"']"
    )
    bundle = load_project(root).bundle
    started: list[LocalAlertmanager] = []
    report = run_route_tests(
        bundle, ["ServiceDown inhibits the same job's warnings"], on_start=started.append
    )
    assert len(started) == 1 and not started[0].running
    (result,) = report.results
    assert result.problems == (
        "inhibited: expected yes; got not inhibited",
        "notified at 2026-12-01T10:00:00+00:00: expected none; got slack-warning",
    )
    assert result.details == (
        f"matched route to slack-warning at alerts/routing.py:{line_of(routing, 'slack-warning')}",
    )


def test_time_intervals_are_judged_by_alertmanager_at_the_cases_time(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    routing = root / "alerts" / "routing.py"
    edit(routing, 'times=[("08:00", "18:00")]', 'times=[("02:00", "18:00")]')
    report = run_route_tests(
        load_project(root).bundle, ["info does not post at night", "info posts in working hours"]
    )
    night, day = report.results
    assert night.problems == ("notified at 2026-12-01T03:00:00+00:00: expected none; got slack-info",)
    assert day.passed


def test_an_offset_in_the_cases_time_is_honoured(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    # 10:00 in UTC-8 is 18:00 UTC, the end of working hours: not notified.
    edit(
        root / "alerts" / "routing.py",
        'WORKDAY = "2026-12-01T10:00:00+00:00"',
        'WORKDAY = "2026-12-01T10:00:00-08:00"',
    )
    report = run_route_tests(load_project(root).bundle, ["info posts in working hours"])
    assert report.results[0].problems == (
        "notified at 2026-12-01T10:00:00-08:00: expected slack-info; got none",
    )


def test_a_changed_template_fails_its_render_test(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    edit(
        root / "alerts" / "templates" / "slack.tmpl",
        "{{ .CommonLabels.alertname }}",
        "{{ .CommonLabels.job }}",
    )
    result = run(root, "test", "--routes", "the Slack title names the alert and its job")
    assert result.exit_code == 1
    assert (
        "rendered: expected '[FIRING:1] SlowAPIResponses (api)'; got '[FIRING:1] api (api)'" in result.output
    )


def test_routes_filter_and_junit_report_route_cases(tmp_path: Path) -> None:
    junit = tmp_path / "out" / "junit.xml"
    result = run(REPO, "test", "--routes", "--junit", str(junit))
    assert result.exit_code == 0, result.output
    assert "ok    alert" not in result.output
    tests = load_project(REPO).bundle.route_tests
    assert f"{len(tests)} passed, 0 failed" in result.output
    suite = ET.parse(junit).getroot()
    cases = {case.get("name"): case for case in suite}
    assert set(cases) == {t.name for t in tests}
    night = cases["info does not post at night"]
    assert (night.get("classname"), night.get("file")) == ("routes", "alerts/routing.py")
    assert int(night.get("line")) > 0


def test_names_select_alerts_and_routes_together() -> None:
    result = run(REPO, "test", "ServiceDown", "info does not post at night")
    assert result.exit_code == 0, result.output
    assert "ok    alert ServiceDown" in result.output
    assert "ok    route info does not post at night" in result.output
    assert "2 passed, 0 failed" in result.output
    assert run(REPO, "test", "no such test").exit_code == 2


def test_a_missing_alertmanager_exits_2_naming_the_binary_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run(REPO, "test", "--routes")
    assert result.exit_code == 2
    assert (
        "prometheus-alertmanager is not installed (route tests run a real one): run `make setup`, "
        "or on Debian/Ubuntu: apt-get install prometheus-alertmanager"
    ) in result.output


def test_an_alertmanager_that_rejects_its_config_exits_2_with_its_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "bin" / "prometheus-alertmanager"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\necho \'level=error msg="Loading configuration file failed" err="bad"\' >&2\nexit 1\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    result = run(REPO, "test", "--routes", "info does not post at night")
    assert result.exit_code == 2
    assert f"{fake} exited with status 1 before it was ready; its log:" in result.output
    assert 'msg="Loading configuration file failed"' in result.output
    assert "amtool check-config build/alertmanager/alertmanager.yml" in result.output


def _alertmanagers(pid: int) -> set[int]:
    """The Alertmanager processes whose parent is ``pid``."""
    out = subprocess.run(
        ["ps", "-o", "pid=,comm=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    found = (line.split() for line in out.splitlines())
    return {int(pid) for pid, comm in found if comm.startswith(("prometheus-aler", "alertmanager"))}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_stops_every_alertmanager_and_exits_130_or_143(
    tmp_path: Path, signum: int
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "--project", str(REPO), "test", "--routes"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[int] = set()
    deadline = time.monotonic() + 30
    while not seen and time.monotonic() < deadline and process.poll() is None:
        seen = _alertmanagers(process.pid)
        time.sleep(0.02)
    assert seen, "no Alertmanager was started"
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    code, message = (
        (130, "Interrupted (Ctrl-C).") if signum == signal.SIGINT else (143, "Terminated (SIGTERM).")
    )
    assert (process.returncode, err.splitlines()[-1]) == (code, message), err
    for pid in seen:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert list(temp.iterdir()) == []


def test_the_test_config_keeps_routing_and_replaces_every_receiver() -> None:
    config = load_project(REPO).bundle.alertmanager
    tested = config_under_test(config, "http://127.0.0.1:1")
    routes, originals = route_table(tested), route_table(config)
    assert [r["receiver"] for r in routes] == [f"route-{n}" for n in range(len(originals))]
    for route, original in zip(routes, originals, strict=True):
        for key in ("matchers", "continue", "group_by", "active_time_intervals", "mute_time_intervals"):
            assert route.get(key) == original.get(key)
    assert tested["inhibit_rules"] == config["inhibit_rules"]
    assert tested["time_intervals"] == config["time_intervals"]
    assert all(set(r) == {"name", "webhook_configs"} for r in tested["receivers"])
    assert "127.0.0.1" in yaml.safe_dump(tested["receivers"]) and "slack" not in yaml.safe_dump(
        tested["receivers"]
    )


def test_the_build_writes_time_intervals_and_templates_that_amtool_accepts(tmp_path: Path) -> None:
    files = render(load_project(REPO).bundle)
    for path, data in files.items():
        if path.startswith("alertmanager/"):
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_bytes(data)
    config = yaml.safe_load(files["alertmanager/alertmanager.yml"])
    assert config["time_intervals"] == [
        {
            "name": "working-hours",
            "time_intervals": [
                {
                    "times": [{"start_time": "08:00", "end_time": "18:00"}],
                    "weekdays": ["monday:friday"],
                    "location": "UTC",
                }
            ],
        }
    ]
    assert config["templates"] == ["templates/slack.tmpl"]
    assert files["alertmanager/templates/slack.tmpl"].startswith(b"{{/* generated by toolkit build")
    info = next(r for r in config["route"]["routes"] if r["receiver"] == "slack-info")
    assert (info["active_time_intervals"], info["repeat_interval"]) == (["working-hours"], "1d")
    check_alertmanager_config(tmp_path / "alertmanager" / "alertmanager.yml")


def test_lint_names_a_route_no_case_reaches(tmp_path: Path) -> None:
    assert [
        f for f in lint_bundle(load_project(REPO).bundle, is_project=True) if f.check == "routes/uncovered"
    ] == []
    root = copy_project(tmp_path)
    routing = root / "alerts" / "routing.py"
    edit(routing, 'receivers=["slack-security"],', 'receivers=["slack-warning"],')
    edit(
        routing,
        'alert("HighAuthFailureRate", "warning", category="security")',
        'alert("HighAuthFailureRate", "warning")',
    )
    findings = [
        f for f in lint_bundle(load_project(root).bundle, is_project=True) if f.check == "routes/uncovered"
    ]
    security = line_of(routing, 'Route("slack-security"')
    assert [(str(f.location), f.message) for f in findings] == [
        (
            f"alerts/routing.py:{security}",
            'no route test\'s alert reaches the route {category="security"} to slack-security: add a RouteTest '
            "to ROUTE_TESTS whose labels it routes, so a change to it fails a test",
        )
    ]


def test_definitions_fail_at_their_line() -> None:
    here = r"tests/test_route_tests\.py:\d+"
    with pytest.raises(DefinitionError, match=here + ".*state what must happen"):
        RouteTest("nothing expected", {"alertname": "X"})
    with pytest.raises(DefinitionError, match=here + ".*notified depends on the time of day"):
        RouteTest("no time", {"alertname": "X"}, notified=[])
    with pytest.raises(DefinitionError, match=here + ".*has no UTC offset"):
        RouteTest("naive", {"alertname": "X"}, at="2026-12-01T03:00:00", notified=[])
    with pytest.raises(DefinitionError, match=here + ".*inhibited=True needs the inhibiting alert"):
        RouteTest("alone", {"alertname": "X"}, inhibited=True)
    with pytest.raises(DefinitionError, match=here + ".*give the alert an alertname"):
        RouteTest("anonymous", {"job": "api"}, receivers=["x"])
    with pytest.raises(DefinitionError, match=here + ".*text must use a template"):
        TemplateTest("plain", "hello", "hello", labels={"alertname": "X"})
    with pytest.raises(DefinitionError, match=here + r".*times \('18:00', '08:00'\) must be HH:MM"):
        TimePeriod(times=[("18:00", "08:00")])
    with pytest.raises(DefinitionError, match=here + ".*'someday' is not a weekday"):
        TimePeriod(weekdays=["someday"])
    with pytest.raises(DefinitionError, match=here + ".*'Mars/Olympus' is not an IANA time zone"):
        TimePeriod(location="Mars/Olympus")
    with pytest.raises(DefinitionError, match=here + ".*give at least one TimePeriod"):
        TimeInterval("empty", [])
    with pytest.raises(DefinitionError, match=here + ".*mute_time_intervals is a list"):
        Route("x", mute_time_intervals="night")
    with pytest.raises(DefinitionError, match=here + ".*must be a plain file name ending in .tmpl"):
        NotificationTemplate("../x.tmpl", '{{ define "x" }}{{ end }}')


def test_a_route_naming_an_unknown_interval_or_a_case_an_unknown_receiver_fails_at_its_line(
    tmp_path: Path,
) -> None:
    root = copy_project(tmp_path)
    routing = root / "alerts" / "routing.py"
    edit(routing, "active_time_intervals=[WORKING_HOURS]", 'active_time_intervals=["office"]')
    result = run(root, "build")
    assert result.exit_code != 0
    line = line_of(routing, '            "slack-info",') - 1
    assert re.search(
        rf"alerts/routing.py:{line}: route to slack-info names unknown time interval 'office'", result.output
    ), result.output
    (tmp_path / "second").mkdir()
    root2 = copy_project(tmp_path / "second")
    routing2 = root2 / "alerts" / "routing.py"
    edit(routing2, 'receivers=["slack-cost"]', 'receivers=["finance"]')
    result = run(root2, "build")
    assert "names unknown receivers finance" in result.output
    finance = line_of(routing2, 'receivers=["finance"]')
    assert f"alerts/routing.py:{finance}" in result.output


def test_mute_time_intervals_in_a_named_zone_mute_only_inside_them() -> None:
    night = TimeInterval("night", [TimePeriod(times=[("00:00", "06:00")], location="Europe/Berlin")])
    config = AlertmanagerConfig(
        route=Route(
            "default",
            group_by=["alertname"],
            routes=[Route("oncall", matchers=['team="db"'], mute_time_intervals=["night"])],
        ),
        receivers=[Receiver("default"), Receiver("oncall")],
        time_intervals=[night],
    )
    labels = {"alertname": "PostgresDown", "team": "db"}
    tests = (
        RouteTest("muted at 05:30 in Berlin", labels, at="2026-12-01T04:30:00+00:00", notified=[]),
        RouteTest("sent at 06:00 in Berlin", labels, at="2026-12-01T06:00:00+01:00", notified=["oncall"]),
        RouteTest(
            "sent from the default route",
            {"alertname": "Other"},
            at="2026-12-01T04:30:00+00:00",
            receivers=["default"],
            notified=["default"],
        ),  # fmt: skip
    )
    bundle = Bundle(alertmanager=config.to_data(), route_tests=tests)
    report = run_route_tests(bundle)
    assert [(r.name, r.problems) for r in report.results] == [(t.name, ()) for t in tests]


def test_an_alertmanager_that_dies_during_a_case_is_an_error_naming_it() -> None:
    bundle = load_project(REPO).bundle

    def kill_once_it_has_the_alert(server: LocalAlertmanager) -> None:
        def kill() -> None:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and "Received alert" not in (
                server.log.read_text() if server.log.exists() else ""
            ):
                time.sleep(0.01)
            if server.process is not None:
                server.process.kill()

        threading.Thread(target=kill, daemon=True).start()

    with pytest.raises(AlertmanagerFailedError) as raised:
        run_route_tests(bundle, ["info does not post at night"], on_start=kill_once_it_has_the_alert)
    message = str(raised.value)
    assert re.search(r"/prometheus-alertmanager (stopped during the test|has stopped); its log:", message), (
        message
    )
    assert "if it keeps failing: run `make setup`" in message


def test_time_periods_validate_every_field_and_write_what_alertmanager_reads() -> None:
    period = TimePeriod(
        times=[("00:00", "06:00"), ("22:00", "24:00")],
        weekdays=["saturday", "monday:friday"],
        days_of_month=["1:7", "-3:-1"],
        months=["january:march", "12"],
        years=["2026:2027"],
        location="Europe/Berlin",
    )
    assert period.to_data() == {
        "times": [{"start_time": "00:00", "end_time": "06:00"}, {"start_time": "22:00", "end_time": "24:00"}],
        "weekdays": ["saturday", "monday:friday"],
        "days_of_month": ["1:7", "-3:-1"],
        "months": ["january:march", "12"],
        "years": ["2026:2027"],
        "location": "Europe/Berlin",
    }
    for field, value, message in (
        ("weekdays", ["friday:monday"], "weekday range 'friday:monday' ends before it starts"),
        ("days_of_month", ["0"], "'0' is not a day of the month"),
        ("months", ["13"], "'13' is not a month"),
        ("years", ["26:25"], "year range '26:25' ends before it starts"),
        ("times", [("8:00", "9:00")], "must be HH:MM clock times"),
    ):
        with pytest.raises(DefinitionError, match=re.escape(message)):
            TimePeriod(**{field: value})


def test_lint_says_when_amtool_is_missing_instead_of_passing_silently(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle = load_project(REPO).bundle
    monkeypatch.setenv("PATH", str(tmp_path))
    (finding,) = [f for f in lint_bundle(bundle, is_project=True) if f.check == "routes/uncovered"]
    assert finding.level.name == "INFO"
    assert finding.message.startswith("route coverage not checked: amtool is not installed")


@pytest.fixture
def amtool_without_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An amtool as old ones are: every command but ``template``."""
    fake = tmp_path / "old-amtool" / "amtool"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = template ]; then echo "amtool: error: expected command" >&2; exit 1; fi\n'
        f'exec {shutil.which("amtool")} "$@"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.usefixtures("amtool_without_render")
def test_templates_render_through_alertmanager_when_amtool_cannot(tmp_path: Path) -> None:
    name = "the Slack title names the alert and its job"
    started: list[LocalAlertmanager] = []
    assert run_route_tests(load_project(REPO).bundle, [name], on_start=started.append).results[0].passed
    assert len(started) == 1 and not started[0].running
    (tmp_path / "project").mkdir()
    root = copy_project(tmp_path / "project")
    template = root / "alerts" / "templates" / "slack.tmpl"
    edit(template, "{{ .CommonLabels.alertname }}", "{{ .CommonLabels.job }}")
    (result,) = run_route_tests(load_project(root).bundle, [name]).results
    assert result.problems == (
        "rendered: expected '[FIRING:1] SlowAPIResponses (api)'; got '[FIRING:1] api (api)'",
    )
    edit(template, '{{ define "slack.title" -}}', '{{ define "slack.title" -}}{{ .Nope.Nope }}')
    (result,) = run_route_tests(load_project(root).bundle, [name]).results
    assert result.problems[0].startswith("Alertmanager could not render it: ")
    assert "can't evaluate field Nope" in result.problems[0]
