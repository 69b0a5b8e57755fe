"""Turning checks off: in toolkit.yaml, per object in Python, per rule in YAML comments; always with a reason."""

from __future__ import annotations

from pathlib import Path

from tests.sample_project import make_project
from tests.test_lint import run
from toolkit.lint.engine import lint_bundle, settings_options
from toolkit.sources.code import load_project
from toolkit.sources.files import load_paths

RULE = """\
      - alert: Connections{n}{comment}
        expr: pg_stat_activity_offline_total > 100
        for: 5m
        labels: {{severity: warning, team: db}}
        annotations: {{summary: s, description: d, runbook_url: u}}
"""


def rules(*comments: str, above: str = "") -> str:
    body = "".join(RULE.format(n=n, comment=comment) for n, comment in enumerate(comments))
    return "groups:\n  - name: db\n    rules:\n" + above + body


def lint_file(tmp_path: Path, text: str):
    path = tmp_path / "r.yml"
    path.write_text(text)
    return lint_bundle(load_paths([path]).bundle, is_project=False)


def test_a_comment_above_a_rule_turns_a_check_off_with_its_reason(tmp_path: Path) -> None:
    above = "      # pg_stat_activity_count is a gauge, whatever its name says\n"
    above += "      # toolkit lint ignore promql/counter: the exporter's _count is a gauge\n"
    [finding] = lint_file(tmp_path, rules("", above=above))
    assert (finding.check, finding.location.line) == ("promql/counter", 7), "at the expr: line"
    assert finding.suppressed == "the exporter's _count is a gauge"


def test_a_comment_at_the_end_of_the_rules_line_turns_a_check_off(tmp_path: Path) -> None:
    [finding] = lint_file(tmp_path, rules(" # toolkit lint ignore promql/counter: a gauge"))
    assert finding.suppressed == "a gauge"


def test_a_comment_without_a_reason_or_naming_no_check_turns_nothing_off(tmp_path: Path) -> None:
    found = lint_file(
        tmp_path,
        rules(" # toolkit lint ignore promql/counter", " # toolkit lint ignore promql/countr: a gauge"),
    )
    assert [(f.location.line, f.check, f.message, f.suppressed) for f in found] == [
        (4, "lint/ignore", "turning promql/counter off needs a reason: say why it does not apply", ""),
        (5, "promql/counter", found[1].message, ""),
        (
            9,
            "lint/ignore",
            "promql/countr is not a check, so this turns nothing off: did you mean promql/counter?",
            "",
        ),
        (10, "promql/counter", found[3].message, ""),
    ]


def test_the_cli_hides_suppressed_findings_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(rules(" # toolkit lint ignore promql/counter: a gauge"))
    assert (run("lint", str(path)).exit_code, run("lint", str(path)).output) == (0, "no findings\n")
    shown = run("lint", "--show-suppressed", str(path))
    assert "(promql/counter) [suppressed: a gauge]" in shown.output


def test_toolkit_yaml_turns_checks_off_and_a_wrong_name_is_reported_at_its_line(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    project = load_project(root)
    assert "alerts/untested" in {f.check for f in lint_bundle(project.bundle, is_project=True)}
    settings = root / "toolkit.yaml"
    settings.write_text(
        settings.read_text()
        + "lint:\n  disabled:\n    alerts/untested: tests arrive next sprint\n    promql/rgexp: anchored job names\n"
    )
    project = load_project(root)
    found = lint_bundle(project.bundle, is_project=True, **settings_options(project.settings, root))
    line = settings.read_text().splitlines().index("    promql/rgexp: anchored job names") + 1
    assert [(str(f.location), f.check, f.message) for f in found] == [
        (
            f"toolkit.yaml:{line}",
            "lint/ignore",
            "lint.disabled: promql/rgexp is not a check, so this turns nothing off: did you mean promql/regexp?",
        )
    ]


def test_showing_suppressed_findings_does_not_change_the_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(
        "groups:\n  - name: g\n    rules:\n      # toolkit lint ignore promql/impossible: kept to test the pager\n"
        "      - alert: Never\n        expr: up{job='a'} > 1\n        for: 5m\n"
    )
    assert run("lint", str(path)).exit_code == 0
    shown = run("lint", "--show-suppressed", str(path))
    assert shown.exit_code == 0 and "[suppressed: kept to test the pager]" in shown.output
