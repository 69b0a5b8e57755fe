"""Peer: grafana-foundation-sdk building the benchmark's dashboards, writing each as it is built, then the
rules.

``python -m bench.peers.foundation_sdk_build OUT DASHBOARDS RULES``
"""

from __future__ import annotations

import json

from grafana_foundation_sdk.builders import dashboard, prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef, Threshold, ThresholdsMode

from bench.peers.peer_build import run
from bench.workloads import PANELS, ROWS

DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")


def build(n: int):
    """Dashboard ``n``: ROWS rows of PANELS / ROWS panels, a stat first in each row."""
    board = dashboard.Dashboard(f"Bench {n}").uid(f"bench-{n:05d}").description("d")
    per_row = PANELS // ROWS
    for r in range(ROWS):
        board = board.with_row(dashboard.Row(f"Row {r}"))
        for i in range(per_row):
            p = r * per_row + i
            if p % 5 == 0:
                query = prometheus.Dataquery().expr(f'sum(up{{shard="{n}"}})').ref_id("A")
                panel = stat.Panel().title(f"Stat {p}").unit("short").description("d")
            else:
                expr = (
                    f'sum by (job) (rate(http_requests_total{{shard="{n}", panel="{p}"}}[$__rate_interval]))'
                )
                query = prometheus.Dataquery().expr(expr).legend_format("{{job}}").ref_id("A")
                steps = [Threshold(color="green", value=None), Threshold(color="orange", value=10.0)]
                steps.append(Threshold(color="red", value=20.0))
                thresholds = dashboard.ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps(steps)
                panel = (
                    timeseries.Panel()
                    .title(f"Series {p}")
                    .unit("reqps")
                    .description("Requests per second.")
                    .thresholds(thresholds)
                )
            board = board.with_panel(
                panel.datasource(DATASOURCE).with_target(query).height(8).span(24 // per_row)
            )
    return board.build()


def main() -> None:
    run(build, lambda board: json.dumps(board, cls=JSONEncoder, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
