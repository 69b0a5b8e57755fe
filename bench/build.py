"""``toolkit build`` beside its floor and its peers, each run a separate process, at 1x, 4x and 16x.

The project: 125 dashboards of 20 panels and 500 alert rules per 1x (bench.workloads). The floor writes
the toolkit's own output, handed to it as data, with plain ``json.dumps``/``yaml.safe_dump``. The peers
build the same dashboards with raw grafanalib and with grafana-foundation-sdk and write the same rules
with plain yaml (at 1x and 4x; at 16x too with --full). Targets (issue 17): at most 1.5x the floor; peak at most 150 MiB at 2,000 dashboards.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path

from bench.harness import (
    FULL,
    Contender,
    Plan,
    compare_line,
    contest,
    describe,
    median,
    python,
    target,
    toolkit,
)
from bench.peers.records import write_records
from bench.workloads import PANELS, counts, make_project

PEERS = {"grafanalib": "grafanalib_build", "grafana_foundation_sdk": "foundation_sdk_build"}


def _emptied(folder: Path):
    return lambda: shutil.rmtree(folder, ignore_errors=True)


def _floor_input(built: Path, records: Path, out: Path):
    """Before each floor run: empty its output; the first time, store the toolkit's output as its input
    (the toolkit runs first in the first round)."""

    def prepare() -> None:
        if not records.exists():
            write_records(built, records)
        shutil.rmtree(out, ignore_errors=True)

    return prepare


def main(plan: Plan) -> None:
    """Print build times, peaks and ratios against the floor and the peers at each scale."""
    for scale in plan.scales:
        dashboards, rules = counts(scale)
        with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
            root = make_project(Path(tmp) / "project", scale)
            ours = Contender(
                "toolkit build", toolkit("--project", str(root), "build"), prepare=_emptied(root / "build")
            )
            records, floor_out = Path(tmp) / "records", Path(tmp) / "floor"
            floor = Contender(
                "floor (json.dumps, yaml.safe_dump)",
                python("bench.peers.floor_build", str(records), str(floor_out)),
                prepare=_floor_input(root / "build", records, floor_out),
            )
            others = [floor]
            for package, module in PEERS.items() if scale <= 4 or plan is FULL else ():
                if importlib.util.find_spec(package) is None:
                    print(f"   ({package} not installed: pip install -e '.[bench]')")
                    continue
                out = Path(tmp) / module
                argv = python(f"bench.peers.{module}", str(out), str(dashboards), str(rules))
                others.append(
                    Contender(module.removesuffix("_build").replace("_", "-"), argv, prepare=_emptied(out))
                )
            contest([ours, *others], plan.rounds, warmup=scale == plan.scales[0])
            same = _same_dashboards(root / "build", floor_out)
        print(f"-- {scale}x: {dashboards} dashboards x {PANELS} panels, {rules} rules ({plan.rounds} rounds)")
        print(f"   {describe(ours)}")
        print(compare_line(ours, floor, 1.5, f"build {scale}x vs floor"))
        for peer in others[1:]:
            print(compare_line(ours, peer))
        peak = median([r.peak_mib for r in ours.runs])
        if scale == 16:
            print(
                f"   peak {peak:.0f} MiB at {dashboards} dashboards: {target(f'build peak {scale}x', peak, 150, ' MiB')}"
            )
        if not same:
            print("   WARNING: the floor's dashboard files differ from the toolkit's")


def _same_dashboards(built: Path, floor: Path) -> bool:
    """True when the floor wrote the toolkit's dashboard files byte for byte (so the floor is fair)."""
    ours = sorted((built / "dashboards").glob("*.json"))
    return bool(ours) and all((floor / "dashboards" / p.name).read_bytes() == p.read_bytes() for p in ours)
