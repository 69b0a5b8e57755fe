"""docs/exit-codes.md stays true: every exit code its table documents for a command is what a real run of
that command gives, and its example error is the exact message the toolkit prints."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.sample_project import DASHBOARD, REPO, make_project, write
from toolkit.cli import main

PAGE = REPO / "docs" / "exit-codes.md"
RULES = """\
groups:
  - name: extra
    rules:
      - alert: ExtraDown
        expr: up == 0
        for: 5m
        labels: {severity: critical}
        annotations: {summary: A target is down., description: "{{ $labels.job }} is down."}
"""
TESTS = """
from toolkit.alert_tests import AlertTest


def tests(settings):
    return [AlertTest("ServiceDown", {{'up{{job="api"}}': "{values}"}}, fires_at="5m", labels={{"job": "api"}})]
"""


def documented() -> dict[tuple[str, int], str]:
    """(command, code) -> when, from the page's "By command" table (cells saying "never" left out)."""
    table = PAGE.read_text().split("## By command", 1)[1].split("\n\n", 2)[1]
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    return {
        (cells[0].strip().strip("`"), code): cells[1 + column].strip()
        for cells in rows
        for column, code in enumerate((0, 1, 2))
        if cells[1 + column].strip() != "never"
    }


def run(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["--project", str(project), *args], env=env)


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args], cwd=root, check=True, capture_output=True
    )


def committed(project: Path) -> Path:
    assert run(project, "build").exit_code == 0
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    return project


def changed(project: Path) -> Path:
    committed(project)
    write(project, "dashboards/overview.py", DASHBOARD.format(uid="overview", title="Renamed"))
    assert run(project, "build").exit_code == 0
    return project


def broken(project: Path) -> Path:
    """The sample project with a duration without a unit: the page's example error."""
    text = (project / "alerts/basic.py").read_text()
    (project / "alerts/basic.py").write_text(text.replace('for_="1m"', 'for_="5"'))
    return project


def with_test(project: Path, values: str) -> Path:
    write(project, "alerts/checks.py", TESTS.format(values=values))
    write(
        project,
        "alerts/__init__.py",
        "from alerts import basic, checks\n\nRULE_GROUPS = (basic.groups,)\nALERT_TESTS = (checks.tests,)\n",
    )
    return project


def rules_file(project: Path, text: str) -> str:
    path = project.parent / "input.yml"
    path.write_text(text)
    return str(path)


def impossible_rule(project: Path) -> str:
    return rules_file(project, RULES.replace("up == 0", "up > 1"))


def sync_env(double) -> dict[str, str]:
    return {"GRAFANA_URL": double.url, "GRAFANA_TOKEN": double.token}


def failing_sync(project: Path, double) -> Result:
    double.fail_next(1, 400, "/api/dashboards/db", "Dashboard title cannot be empty")
    return run(project, "sync", "--only", "grafana", env=sync_env(double))


RUNS: dict[tuple[str, int], Callable[..., Result]] = {
    ("toolkit build", 0): lambda p, d: run(p, "build"),
    ("toolkit build", 2): lambda p, d: run(broken(p), "build"),
    ("toolkit build --check", 0): lambda p, d: run(committed(p), "build", "--check"),
    ("toolkit build --check", 1): lambda p, d: run(p, "build", "--check"),
    ("toolkit build --check", 2): lambda p, d: run(broken(p), "build", "--check"),
    ("toolkit test", 0): lambda p, d: run(with_test(p, "0x10"), "test"),
    ("toolkit test", 1): lambda p, d: run(with_test(p, "1x10"), "test"),
    ("toolkit test", 2): lambda p, d: run(p, "test", "NoSuchAlert"),
    ("toolkit lint", 0): lambda p, d: run(p, "lint", rules_file(p, RULES)),
    ("toolkit lint", 1): lambda p, d: run(p, "lint", impossible_rule(p)),
    ("toolkit lint", 2): lambda p, d: run(broken(p), "lint"),
    ("toolkit diff", 0): lambda p, d: run(committed(p), "diff", "--base", "HEAD"),
    ("toolkit diff", 1): lambda p, d: run(changed(p), "diff", "--base", "HEAD"),
    ("toolkit diff", 2): lambda p, d: run(committed(p), "diff", "--base", "no-such-rev"),
    ("toolkit render", 0): lambda p, d: run(committed(p), "render", "overview"),
    ("toolkit render", 2): lambda p, d: run(committed(p), "render", "nosuch"),
    ("toolkit import rules", 0): lambda p, d: run(p, "import", "rules", rules_file(p, RULES)),
    ("toolkit import rules", 2): lambda p, d: run(p, "import", "rules", rules_file(p, "groups: 3\n")),
    ("toolkit import dashboard", 0): lambda p, d: run(
        p, "import", "dashboard", str(REPO / "build/dashboards/api.json"), "--name", "api"
    ),
    ("toolkit import dashboard", 2): lambda p, d: run(p, "import", "dashboard", rules_file(p, "[1, 2]")),
    ("toolkit sync", 0): lambda p, d: run(p, "sync", "--only", "grafana", env=sync_env(d)),
    ("toolkit sync", 1): failing_sync,
    ("toolkit sync", 2): lambda p, d: run(p, "sync", "--context", "nowhere"),
}


def test_the_page_documents_every_command_and_every_code() -> None:
    from toolkit.cli import COMMANDS

    text = PAGE.read_text()
    for code in (0, 1, 2, 130, 143):
        assert re.search(rf"^\| {code} \| ", text, re.MULTILINE), f"code {code} is not in the table"
    commands = {command.split()[1] for command, _ in documented()}
    assert commands == set(COMMANDS)
    assert set(documented()) == set(RUNS), "every documented code has a run below, and only those"
    assert "[exit codes and errors](docs/exit-codes.md)" in (REPO / "README.md").read_text()


@pytest.mark.parametrize(("command", "code"), sorted(RUNS), ids=lambda v: str(v))
def test_each_documented_code_is_what_a_real_run_gives(
    tmp_path: Path, request: pytest.FixtureRequest, command: str, code: int
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    make_project(project)
    double = request.getfixturevalue("grafana_double") if command == "toolkit sync" else None
    result = RUNS[command, code](project, double)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code == 2:
        assert any(line.startswith("Error: ") for line in result.output.splitlines()), result.output


def test_the_example_error_is_the_real_message(tmp_path: Path) -> None:
    example = PAGE.read_text().split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    assert example[0] == "$ toolkit build" and example[2:] == ["$ echo $?", "2"]
    make_project(tmp_path)
    result = run(broken(tmp_path), "build")
    assert (result.exit_code, result.output) == (2, example[1] + "\n")
