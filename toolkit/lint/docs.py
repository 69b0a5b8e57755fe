"""The checks part of docs/lint.md, made from the registry and the examples, with lint's real output
(``python -m toolkit.lint.docs`` rewrites it)."""

from __future__ import annotations

import sys
from pathlib import Path

from toolkit.bundle import Bundle
from toolkit.lint.engine import CHECKS, lint_bundle
from toolkit.lint.examples import EXAMPLES, Example
from toolkit.lint.findings import Finding
from toolkit.lint.report import human
from toolkit.metrics import Metric, MetricType
from toolkit.sources.files import parse_alertmanager, parse_dashboard, parse_rule_file

BEGIN, END = "<!-- checks: begin -->", "<!-- checks: end -->"
LIVE = {"promql/series"}


def _scope(name: str) -> str:
    if name in LIVE:
        return " Needs `--prometheus URL`."
    return " Project only." if CHECKS[name].project_only else ""


def checks_table() -> str:
    """Every registered check: name, level and what it finds."""
    rows = ["| check | level | what it finds |", "| --- | --- | --- |"]
    for name in sorted(CHECKS):
        rows.append(f"| `{name}` | {CHECKS[name].level} | {CHECKS[name].doc}{_scope(name)} |")
    return "\n".join(rows)


def example_findings(name: str) -> list[Finding]:
    """What ``name`` reports on its example (linted as the project's own for project-only checks)."""
    example = EXAMPLES[name]
    if example.is_dashboard:
        bundle = Bundle(dashboards=(parse_dashboard(example.text, "example.json"),))
    elif example.is_alertmanager:
        bundle = Bundle(alertmanager=parse_alertmanager(example.text, "alertmanager.yml"))
    else:
        catalogue = tuple(Metric(m, MetricType.COUNTER, "Example.") for m in example.catalogue)
        bundle = Bundle(rule_groups=tuple(parse_rule_file(example.text, "example.yml")), metrics=catalogue)
    return lint_bundle(bundle, is_project=CHECKS[name].project_only, only=[name], jobs=1)


def _example(name: str, example: Example) -> str:
    language = "json" if example.is_dashboard else "yaml"
    lines = example.text.splitlines()
    if name in LIVE:
        output = "(asks the server given with --prometheus; see the tests for a run against a real one)"
    else:
        output = human(
            example_findings(name), lambda f: lines[f.location.line - 1] if f.location.line else ""
        )
    return f"### `{name}`\n\n{CHECKS[name].doc}{_scope(name)}\n\n```{language}\n{example.text}```\n\n```text\n{output}\n```"


def checks_section() -> str:
    """The table of checks, then each check with its example and what lint says about it."""
    examples = [_example(name, EXAMPLES[name]) for name in sorted(CHECKS)]
    return "\n\n".join([BEGIN, checks_table(), "## Every check, with an example", *examples, END])


def rewrite(path: Path) -> None:
    """Replace the section between the markers in ``path``."""
    text = path.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    path.write_text(text[:start] + checks_section() + text[end:])


if __name__ == "__main__":
    rewrite(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/lint.md"))
