"""``toolkit test``: prove the alerts fire and stay quiet as their tests say, with promtool."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.common import project_root, write_output
from toolkit.commands.progress import Progress, quiet_option
from toolkit.project import load_project
from toolkit.rule_testing import SubjectResult, run_rule_tests


@click.command("test")
@click.argument("subjects", nargs=-1, metavar="[ALERT]...")
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the results as JUnit XML to this file (for CI test reports).",
)
@click.option("-v", "--verbose", is_flag=True, help="Show promtool's report for passing subjects too.")
@quiet_option
@click.pass_context
def command(ctx: click.Context, subjects: tuple[str, ...], junit: Path | None, verbose: bool) -> None:
    """Run every alert's and expression's tests with `promtool test rules`.

    Tests are the AlertTest and ExprTest objects listed in ALERT_TESTS in
    alerts/__init__.py. They run against the rules as the code defines them
    now, so build/ need not be current. Exit 1 when any test fails.

    \b
    Example:
      toolkit test                       # all alerts
      toolkit test HighErrorRate         # one alert's tests
      toolkit test --junit test-results/alerts.xml
    """
    root = project_root(ctx)

    bundle = load_project(root).bundle
    unknown = sorted(set(subjects) - {entry.subject for entry in bundle.rule_tests})
    if unknown:
        raise click.UsageError(f"no tests for: {', '.join(unknown)}")
    total = len({e.subject for e in bundle.rule_tests if not subjects or e.subject in subjects})
    with Progress(ctx, "testing", total) as progress:

        def show(result: SubjectResult) -> None:
            progress.advance()
            progress.echo(result.summary(), fg=None if result.passed else "red")
            if not result.passed or verbose:
                progress.echo("\n".join(f"      {line}" for line in result.output.splitlines()))

        report = run_rule_tests(bundle, subjects, on_result=show)
    if junit:

        def write_junit(path: Path) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(report.to_junit())

        write_output("--junit", junit, write_junit)
    failed = len(report.failed)
    click.echo(f"{len(report.results) - failed} passed, {failed} failed")
    if failed:
        ctx.exit(1)
