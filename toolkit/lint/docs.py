"""The checks part of docs/lint.md, made from the registry and the examples, with lint's real output
(``python -m toolkit.lint.docs`` rewrites it)."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from toolkit.lint.engine import CHECKS, lint_bundle, source_findings
from toolkit.lint.examples import EXAMPLES, Example
from toolkit.lint.findings import Finding
from toolkit.lint.policy import Policy
from toolkit.lint.report import human
from toolkit.locations import SourceLocation
from toolkit.metrics import Metric, MetricType
from toolkit.sources.files import load_paths

BEGIN, END = "<!-- checks: begin -->", "<!-- checks: end -->"


def _scope(name: str) -> str:
    registered = CHECKS[name]
    if registered.needs_server:
        return " Needs `--prometheus URL`."
    if registered.project_only:
        return " Project only."
    return " Convention: the project, or `--conventions`." if registered.convention else ""


def checks_table() -> str:
    """Every registered check: name, level and what it finds."""
    rows = ["| check | level | what it finds |", "| --- | --- | --- |"]
    for name in sorted(CHECKS):
        rows.append(f"| `{name}` | {CHECKS[name].level} | {CHECKS[name].doc}{_scope(name)} |")
    return "\n".join(rows)


def example_findings(name: str, quiet: bool = False) -> list[Finding]:
    """What ``name`` reports on its example, or on its quiet example, as ``toolkit lint example.yml`` reports
    it, linted as a project would be: with the conventions and a 1m scrape interval (as the project's own
    for project-only checks)."""
    example = EXAMPLES[name]
    text = example.quiet_text if quiet else example.text
    file = "example.json" if text.startswith("{") else "example.yml"
    file = "alertmanager.yml" if text.startswith("route:") else file
    with tempfile.TemporaryDirectory(prefix="toolkit-lint-example-") as folder:
        path = Path(folder) / file
        path.write_text(text)
        loaded = load_paths([path])
        catalogue = tuple(Metric(m, MetricType.COUNTER, "Example.") for m in example.catalogue)
        bundle = replace(loaded.bundle, metrics=catalogue)
        found = source_findings(loaded.errors, loaded.skipped)
        found += lint_bundle(
            bundle,
            is_project=CHECKS[name].project_only,
            only=[name],
            jobs=1,
            conventions=True,
            scrape_interval="1m",
            policy=Policy.from_settings(example.policy),
        )
        return [
            finding._replace(location=SourceLocation(file, finding.location.line))
            for finding in found
            if finding.check == name
        ]


def _example(name: str, example: Example) -> str:
    language = "json" if example.is_dashboard else "yaml"
    lines = example.text.splitlines()
    if CHECKS[name].needs_server:
        output = "(asks the server given with --prometheus; see the tests for a run against a real one)"
    else:
        output = "\n".join(
            human(
                example_findings(name),
                lambda f: lines[f.location.line - 1] if 0 < f.location.line <= len(lines) else "",
            )
        )
    quiet = (
        f"Quiet on:\n\n```{'json' if example.quiet_text.startswith('{') else 'yaml'}\n{example.quiet_text}```"
    )
    return (
        f"### `{name}`\n\n{CHECKS[name].doc}{_scope(name)}\n\nFires on:\n\n```{language}\n{example.text}```\n\n"
        f"```text\n{output}\n```\n\n{quiet}"
    )


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
