"""Peer: raw grafanalib building the benchmark's dashboards, writing each as it is built, then the rules.

``python -m bench.peers.grafanalib_build OUT DASHBOARDS RULES``
"""

from __future__ import annotations

import json

from grafanalib._gen import DashboardEncoder
from grafanalib.core import (
    Dashboard,
    GridPos,
    RowPanel,
    Stat,
    Target,
    Templating,
    Threshold,
    TimeSeries,
)

from bench.peers.peer_build import run
from bench.workloads import PANELS, ROWS

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


def build(n: int) -> Dashboard:
    """Dashboard ``n``: ROWS rows of PANELS / ROWS panels, a stat first in each row."""
    panels, y, per_row = [], 0, PANELS // ROWS
    for r in range(ROWS):
        panels.append(RowPanel(title=f"Row {r}", gridPos=GridPos(h=1, w=24, x=0, y=y)))
        y += 1
        for i in range(per_row):
            p = r * per_row + i
            pos = GridPos(h=8, w=24 // per_row, x=i * (24 // per_row), y=y)
            if p % 5 == 0:
                panels.append(
                    Stat(
                        title=f"Stat {p}",
                        dataSource=DATASOURCE,
                        targets=[Target(expr=f'sum(up{{shard="{n}"}})', refId="A")],
                        format="short",
                        description="d",
                        gridPos=pos,
                    )
                )
            else:
                expr = (
                    f'sum by (job) (rate(http_requests_total{{shard="{n}", panel="{p}"}}[$__rate_interval]))'
                )
                panels.append(
                    TimeSeries(
                        title=f"Series {p}",
                        dataSource=DATASOURCE,
                        targets=[Target(expr=expr, legendFormat="{{job}}", refId="A")],
                        unit="reqps",
                        description="Requests per second.",
                        thresholds=[
                            Threshold("green", 0, 0.0),
                            Threshold("orange", 1, 10.0),
                            Threshold("red", 2, 20.0),
                        ],
                        gridPos=pos,
                    )
                )
        y += 8
    return Dashboard(
        title=f"Bench {n}", uid=f"bench-{n:05d}", description="d", panels=panels, templating=Templating()
    ).auto_panel_ids()


def main() -> None:
    run(build, lambda board: json.dumps(board.to_json_data(), cls=DashboardEncoder, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
