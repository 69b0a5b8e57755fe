"""Checks of the routing policy against its tests: every route is reached by some route test's alert."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.lint.context import LintContext
from toolkit.lint.findings import Finding, Level
from toolkit.lint.registry import check
from toolkit.locations import SourceLocation

NAME = "routes/uncovered"


@check(
    NAME,
    "A route of the Alertmanager config that no RouteTest's alert reaches (routing by `amtool config routes test`).",
    Level.WARNING,
    project_only=True,
    whole_bundle=True,
)
def uncovered(ctx: LintContext) -> Iterator[Finding]:
    config = ctx.bundle.alertmanager
    if not config or "route" not in config:
        return
    import tempfile  # here: only a project with a routing policy pays for amtool
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from toolkit.clients.promtools import ToolMissingError, find_tool, route_receivers
    from toolkit.output.build import dump_yaml
    from toolkit.route_tests import RouteTest
    from toolkit.testing.route_config import config_under_test, route_number, route_table

    routes = route_table(config)
    sources = ctx.bundle.route_sources
    default = ctx.bundle.alertmanager_source or SourceLocation("alertmanager.yml")
    try:
        find_tool("amtool")
    except ToolMissingError as error:
        yield Finding(default, NAME, Level.INFO, f"route coverage not checked: {error}")
        return
    alerts = [dict(test.labels) for test in ctx.bundle.route_tests if isinstance(test, RouteTest)]
    with tempfile.TemporaryDirectory(prefix="toolkit-lint-routes-") as tmp:
        path = Path(tmp) / "alertmanager.yml"
        path.write_text(dump_yaml(config_under_test(config, "http://127.0.0.1:9")))
        with ThreadPoolExecutor(max_workers=4) as pool:
            reached = list(pool.map(lambda labels: route_receivers(path, labels), alerts))
    covered = {route_number(name) for names in reached for name in names}
    for number, route in enumerate(routes):
        if number in covered:
            continue
        where = sources[number] if number < len(sources) else default
        matchers = ", ".join(route.get("matchers") or []) or "everything"
        what = "the root route" if number == 0 else f"the route {{{matchers}}}"
        yield Finding(
            where,
            NAME,
            Level.WARNING,
            f"no route test's alert reaches {what} to {route['receiver']}: add a RouteTest to ROUTE_TESTS "
            "whose labels it routes, so a change to it fails a test",
            f"route to {route['receiver']}",
        )
