"""Build time of the real project and of a generated large one, beside the floor of dumping the same data.

Large project: 500 dashboards of 20 panels and 2,000 alert rules. The floor is the time plain
``json.dumps`` and ``yaml.safe_dump`` take to write the same data. Target: under 10 s, within 4x the floor.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import yaml

from toolkit.build import render, write_build
from toolkit.project import load_project

REPO = Path(__file__).resolve().parent.parent
DASHBOARDS, PANELS, RULES = 500, 20, 2000

LARGE_DASHBOARDS = f"""
from toolkit.panels import Query, dashboard, row, stat, timeseries, warn_crit


def _builder(n):
    def build(settings):
        panels = []
        for p in range({PANELS}):
            if p % 4 == 0:
                panels.append(stat(f"Stat {{p}}", f"sum(up{{{{n=\\"{{n}}\\"}}}})", unit="short", description="d"))
            else:
                panels.append(timeseries(
                    f"Series {{p}}",
                    Query(f"sum by (job) (rate(http_requests_total{{{{shard=\\"{{n}}\\"}}}}[$__rate_interval]))", "{{{{job}}}}"),
                    unit="reqps",
                    description="Requests per second.",
                    thresholds=warn_crit(10, 20),
                ))
        rows = [row(f"Row {{r}}", *panels[r * 5:(r + 1) * 5]) for r in range(4)]
        return dashboard(settings, uid=f"bench-{{n:03d}}", title=f"Bench {{n}}", description="d", rows=rows)
    return build


DASHBOARDS = tuple(_builder(n) for n in range({DASHBOARDS}))
"""

LARGE_ALERTS = f"""
from toolkit.rules import AlertRule, RuleGroup, Severity


def _group(g):
    def groups(settings):
        return [RuleGroup(f"bench-{{g:03d}}", [
            AlertRule(
                name=f"BenchAlert{{g}}x{{i}}",
                expr=f"sum by (job) (rate(http_requests_total{{{{status=~\\"5..\\", shard=\\"{{g}}\\"}}}}[5m])) > {{i}}",
                for_="5m",
                severity=Severity.WARNING,
                summary="Bench alert.",
                description="{{{{ $labels.job }}}} is at {{{{ $value }}}}.",
            )
            for i in range(20)
        ])]
    return groups


RULE_GROUPS = tuple(_group(g) for g in range({RULES // 20}))
"""


def _large_project(root: Path) -> Path:
    shutil.copy(REPO / "toolkit.yaml", root / "toolkit.yaml")
    for package, source in (("dashboards", LARGE_DASHBOARDS), ("alerts", LARGE_ALERTS)):
        (root / package).mkdir()
        (root / package / "__init__.py").write_text(source)
    return root


def _build(root: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    bundle = load_project(root).bundle
    write_build(root, render(bundle))
    return time.perf_counter() - started, bundle


def _floor(bundle, out: Path) -> float:
    started = time.perf_counter()
    for board in bundle.dashboards:
        (out / f"{board.uid}.json").write_text(json.dumps(board.data, indent=2, sort_keys=True) + "\n")
    for name, groups in bundle.rule_files().items():
        (out / name).write_text(yaml.safe_dump({"groups": [g.to_data() for g in groups]}, sort_keys=False))
    return time.perf_counter() - started


def main() -> None:
    """Print build times, floors and ratios for the real and the large project."""
    with tempfile.TemporaryDirectory() as tmp:
        real_time, real_bundle = _build(_copy_of_repo(Path(tmp) / "real"))
        real_floor = _floor(real_bundle, _mkdir(Path(tmp) / "real-floor"))
        large_time, large_bundle = _build(_large_project(_mkdir(Path(tmp) / "large")))
        large_floor = _floor(large_bundle, _mkdir(Path(tmp) / "large-floor"))
    rules = sum(len(g.rules) for g in large_bundle.rule_groups)
    panels = sum(len(d.data["panels"]) for d in large_bundle.dashboards)
    print(
        f"   real project:  build {real_time:6.2f} s   floor {real_floor:6.3f} s   ratio {real_time / real_floor:5.1f}x"
    )
    print(
        f"   large project ({len(large_bundle.dashboards)} dashboards, {panels} panels incl. rows, {rules} rules):"
        f"  build {large_time:6.2f} s   floor {large_floor:6.2f} s   ratio {large_time / large_floor:5.1f}x"
        f"   (target: < 10 s and <= 4x)"
    )


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def _copy_of_repo(target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy(REPO / "toolkit.yaml", target / "toolkit.yaml")
    for package in ("dashboards", "alerts"):
        shutil.copytree(REPO / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    return target
