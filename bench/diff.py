"""``toolkit diff``'s comparison of two builds of 500 dashboards of 20 panels, beside the floor of
loading both trees' JSON. Target: under 5 s."""

from __future__ import annotations

import copy
import json
import tempfile
import time
from pathlib import Path

from toolkit.diff.compare import compare
from toolkit.sources.files import load_paths

DASHBOARDS, PANELS = 500, 20


def _board(n: int, shifted: bool) -> dict:
    panels = []
    for p in range(PANELS):
        expr = f'sum by (job) (rate(http_requests_total{{shard="{n}", panel="{p}"}}[$__rate_interval]))'
        if shifted and p == 3:
            expr = expr.replace("sum by (job)", "sum by (job, route)")
        panels.append(
            {
                "id": p + 1,
                "type": "timeseries",
                "title": f"Panel {p}",
                "gridPos": {
                    "x": (p % 2) * 12 + (1 if shifted and p == 5 else 0) * 0,
                    "y": (p // 2) * 8 + (8 if shifted and p == 5 else 0),
                    "w": 12,
                    "h": 8,
                },
                "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []},
                "targets": [{"refId": "A", "expr": expr}],
            }
        )
    return {"uid": f"d{n}", "title": f"Dashboard {n}", "panels": panels, "templating": {"list": []}}


def main() -> None:
    """Print the diff time of two 500-dashboard builds and the JSON-load floor."""
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        trees = []
        for side, shifted in (("old", False), ("new", True)):
            folder = Path(tmp) / side
            folder.mkdir()
            for n in range(DASHBOARDS):
                (folder / f"d{n}.json").write_text(json.dumps(_board(n, shifted and n % 10 == 0), indent=2))
            trees.append(folder)
        started = time.perf_counter()
        for folder in trees:
            for path in sorted(folder.glob("*.json")):
                copy.deepcopy(json.loads(path.read_text()))
        floor = time.perf_counter() - started
        started = time.perf_counter()
        old, new = (load_paths([folder]).bundle for folder in trees)
        changes = compare(old, new)
        took = time.perf_counter() - started
    print(
        f"   {DASHBOARDS} dashboards x {PANELS} panels:  diff {took:.2f} s ({len(changes)} changes)   "
        f"JSON load floor {floor:.2f} s   ratio {took / floor:.1f}x   (target: < 5 s)"
    )
