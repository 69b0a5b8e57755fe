"""A small throw-away project in a temporary folder, for tests that change definitions."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

DASHBOARD = """
from toolkit.panels import dashboard, row, stat, timeseries


def build(settings):
    return dashboard(
        settings,
        uid="{uid}",
        title="{title}",
        description="A test dashboard.",
        rows=[
            row(
                "Traffic",
                timeseries(
                    "Requests",
                    "sum(rate(http_requests_total[$__rate_interval]))",
                    unit="reqps",
                    description="Requests per second.",
                ),
                stat("Up", "avg(up)", unit="percentunit", description="Share of targets up."),
            )
        ],
    )
"""

ALERTS = """
from toolkit.rules import AlertRule, RuleGroup, Severity


def groups(settings):
    return [
        RuleGroup(
            "test-alerts",
            [
                AlertRule(
                    name="ServiceDown",
                    expr="up == 0",
                    for_="1m",
                    severity=Severity.CRITICAL,
                    summary="A target is down.",
                    description="{{ $labels.job }} is down.",
                )
            ],
        )
    ]
"""


def write(root: Path, relative: str, text: str) -> Path:
    """Write ``text`` (dedented) to ``root/relative``, creating folders."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def make_project(root: Path, dashboards: dict[str, str] | None = None) -> Path:
    """A project with the repository's toolkit.yaml, the given dashboard modules and one alert group.

    ``dashboards`` maps module name to source; by default one dashboard module ``overview``.
    """
    shutil.copy(REPO / "toolkit.yaml", root / "toolkit.yaml")
    modules = dashboards or {"overview": DASHBOARD.format(uid="overview", title="Overview")}
    for name, source in modules.items():
        write(root, f"dashboards/{name}.py", source)
    names = sorted(modules)
    write(
        root,
        "dashboards/__init__.py",
        f"from dashboards import {', '.join(names)}\n\nDASHBOARDS = ({''.join(f'{n}.build, ' for n in names)})\n",
    )
    write(root, "alerts/basic.py", ALERTS)
    write(root, "alerts/__init__.py", "from alerts import basic\n\nRULE_GROUPS = (basic.groups,)\n")
    return root
