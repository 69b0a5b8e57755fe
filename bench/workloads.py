"""The generated inputs the benchmarks share: a project of N dashboards and rules, and dashboard JSON.

At scale 1 a project holds 125 dashboards of 20 panels (4 rows of 5: a stat and four time series with
thresholds) and 500 alert rules in 25 groups; scale 16 is 2,000 dashboards and 8,000 rules. The peers
(raw grafanalib, grafana-foundation-sdk) build the same dashboards and rules from the same numbers.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.harness import REPO
from toolkit.bundle.migrate import BUILT_IN_ANNOTATION

DASHBOARDS, PANELS, ROWS, RULES, RULES_PER_GROUP = 125, 20, 4, 500, 20

PROJECT_DASHBOARDS = """
from toolkit.panels import Query, dashboard, row, stat, timeseries, warn_crit

PANELS, ROWS = {panels}, {rows}


def _builder(n):
    def build(settings):
        panels = []
        for p in range(PANELS):
            if p % 5 == 0:
                panels.append(stat(f"Stat {{p}}", f'sum(up{{{{shard="{{n}}"}}}})', unit="short", description="d"))
            else:
                panels.append(timeseries(
                    f"Series {{p}}",
                    Query(f'sum by (job) (rate(http_requests_total{{{{shard="{{n}}", panel="{{p}}"}}}}[$__rate_interval]))', "{{{{job}}}}"),
                    unit="reqps",
                    description="Requests per second.",
                    thresholds=warn_crit(10, 20),
                ))
        per_row = PANELS // ROWS
        rows = [row(f"Row {{r}}", *panels[r * per_row:(r + 1) * per_row]) for r in range(ROWS)]
        return dashboard(settings, uid=f"bench-{{n:05d}}", title=f"Bench {{n}}", description="d", rows=rows)
    return build


DASHBOARDS = tuple(_builder(n) for n in range({dashboards}))
"""

PROJECT_ALERTS = """
from toolkit.rules import AlertRule, RuleGroup, Severity


def _group(g):
    def groups(settings):
        return [RuleGroup(f"bench-{{g:04d}}", [
            AlertRule(
                name=f"BenchAlert{{g}}x{{i}}",
                expr=f'sum by (job) (rate(http_requests_total{{{{status=~"5..", shard="{{g}}"}}}}[5m])) > {{i}}',
                for_="5m",
                severity=Severity.WARNING,
                summary="Bench alert.",
                description="{{{{ $labels.job }}}} is at {{{{ $value }}}}.",
            )
            for i in range({per_group})
        ])]
    return groups


RULE_GROUPS = tuple(_group(g) for g in range({groups}))
"""


def counts(scale: int) -> tuple[int, int]:
    """Dashboards and rules at ``scale``."""
    return DASHBOARDS * scale, RULES * scale


def make_project(root: Path, scale: int) -> Path:
    """A toolkit project at ``scale`` under ``root`` (the repository's toolkit.yaml, generated packages)."""
    dashboards, rules = counts(scale)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "toolkit.yaml", root / "toolkit.yaml")
    sources = {
        "dashboards": PROJECT_DASHBOARDS.format(panels=PANELS, rows=ROWS, dashboards=dashboards),
        "alerts": PROJECT_ALERTS.format(per_group=RULES_PER_GROUP, groups=rules // RULES_PER_GROUP),
    }
    for package, source in sources.items():
        (root / package).mkdir(exist_ok=True)
        (root / package / "__init__.py").write_text(source)
    return root


def board(n: int, changed: bool = False) -> dict:
    """Dashboard JSON as Grafana stores it (20 time series panels); ``changed`` edits one query, moves
    one panel and adds a tag, as a typical change does."""
    panels = []
    for p in range(PANELS):
        expr = f'sum by (job) (rate(http_requests_total{{shard="{n}", panel="{p}"}}[$__rate_interval]))'
        if changed and p == 3:
            expr = expr.replace("sum by (job)", "sum by (job, route)")
        panels.append(
            {
                "id": p + 1,
                "type": "timeseries",
                "title": f"Panel {p}",
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
                "gridPos": {
                    "x": (p % 2) * 12,
                    "y": (p // 2) * 8 + (8 if changed and p == 5 else 0),
                    "w": 12,
                    "h": 8,
                },
                "fieldConfig": {
                    "defaults": {
                        "unit": "reqps",
                        "thresholds": {
                            "mode": "absolute",
                            "steps": [{"color": "green", "value": None}, {"color": "red", "value": 80.0}],
                        },
                    },
                    "overrides": [],
                },
                "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}},
                "targets": [{"refId": "A", "expr": expr, "legendFormat": "{{job}}", "range": True}],
            }
        )
    return {
        "uid": f"bench-{n:05d}",
        "title": f"Bench {n}",
        "tags": ["bench", "changed"] if changed else ["bench"],
        "schemaVersion": 41,
        "time": {"from": "now-6h", "to": "now"},
        "panels": panels,
        "templating": {"list": []},
        "annotations": {"list": [dict(BUILT_IN_ANNOTATION)]},  # Grafana stores it in every dashboard
    }
