"""``toolkit test``: prove the alerts fire and stay quiet as their tests say (promtool), and that the routing
policy sends, groups, inhibits and mutes as its tests say (a real Alertmanager)."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.common import project_root, write_output
from toolkit.commands.progress import Progress, quiet_option
from toolkit.output.junit import junit_xml
from toolkit.sources.code import load_project
from toolkit.testing.alerts import SubjectResult, run_rule_tests
from toolkit.testing.routes import RouteResult, run_route_tests


@click.command("test")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--routes", "only_routes", is_flag=True, help="Run only the route and template tests.")
@click.option("--alerts", "only_alerts", is_flag=True, help="Run only the alert and expression tests.")
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the results as JUnit XML to this file (for CI test reports).",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Show promtool's report and the routes matched for passing tests too.",
)
@quiet_option
@click.pass_context
def command(
    ctx: click.Context,
    names: tuple[str, ...],
    only_routes: bool,
    only_alerts: bool,
    junit: Path | None,
    verbose: bool,
) -> None:
    """Run the alert tests with `promtool test rules` and the route tests on a real Alertmanager.

    Alert tests are the AlertTest and ExprTest objects listed in ALERT_TESTS in
    alerts/__init__.py; route tests the RouteTest and TemplateTest objects in
    ROUTE_TESTS. Both run against the code as it is now, so build/ need not be
    current. NAME selects alerts (by alert name) and route tests (by test name).
    Exit 1 when any test fails, 2 when promtool, amtool or Alertmanager is
    missing or fails.

    \b
    Example:
      toolkit test                       # everything
      toolkit test HighErrorRate         # one alert's tests
      toolkit test --routes              # only the routing policy's tests
      toolkit test "info does not post at night"
      toolkit test --junit test-results/alerts.xml
    """
    if only_routes and only_alerts:
        raise click.UsageError("--routes and --alerts exclude each other: give neither to run both")
    root = project_root(ctx)

    bundle = load_project(root).bundle
    alert_names = {entry.subject for entry in bundle.rule_tests}
    route_names = {test.name for test in bundle.route_tests}
    unknown = sorted(set(names) - alert_names - route_names)
    if unknown:
        raise click.UsageError(f"no tests for: {', '.join(unknown)}")
    run_alerts = not only_routes and (not names or bool(alert_names & set(names)))
    run_routes = not only_alerts and (not names or bool(route_names & set(names)))
    total = len({n for n in alert_names if not names or n in names}) if run_alerts else 0
    total += len({n for n in route_names if not names or n in names}) if run_routes else 0
    cases = []
    with Progress(ctx, "testing", total) as progress:

        def show(result: SubjectResult | RouteResult) -> None:
            progress.advance()
            progress.echo(result.summary(), fg=None if result.passed else "red")
            text = result.output if isinstance(result, SubjectResult) else result.report()
            if text and (not result.passed or verbose):
                progress.echo("\n".join(f"      {line}" for line in text.splitlines()))

        if run_alerts:
            rule_report = run_rule_tests(bundle, [n for n in names if n in alert_names], on_result=show)
            cases += [result.junit_case() for result in rule_report.results]
        if run_routes:
            route_report = run_route_tests(bundle, [n for n in names if n in route_names], on_result=show)
            cases += [result.junit_case() for result in route_report.results]
    if junit:

        def write_junit(path: Path) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(junit_xml(cases))

        write_output("--junit", junit, write_junit)
    failed = sum(1 for case in cases if case.failure is not None)
    click.echo(f"{len(cases) - failed} passed, {failed} failed")
    if failed:
        ctx.exit(1)
