"""``toolkit build`` beside its floor and its peers, each run a separate process, at 1x, 4x and 16x.

The project: 125 dashboards of 20 panels and 500 alert rules per 1x (bench.workloads). The floor writes
the toolkit's own output, handed to it as data, with plain ``json.dumps``/``yaml.safe_dump``. The peers
build the same dashboards with raw grafanalib and with grafana-foundation-sdk and write the same rules
with plain yaml (at 1x and 4x; at 16x too with --full). Targets (issue 17): at most 1.5x the floor; peak at
most 150 MiB at 2,000 dashboards (16x; with --quick, which stops at 4x, one run of the toolkit alone there).
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
from bench.workloads import DASHBOARDS, PANELS, counts, make_project

PEERS = {"grafanalib": "grafanalib_build", "grafana_foundation_sdk": "foundation_sdk_build"}
PEAK_SCALE = 2_000 // DASHBOARDS  # the scale of the memory target: 2,000 dashboards
PEAK_LIMIT_MIB = 150


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
        if scale == PEAK_SCALE:
            print(_peak_line(ours, dashboards, f"median of {plan.rounds} runs"))
        if not same:
            print("   WARNING: the floor's dashboard files differ from the toolkit's")
    if PEAK_SCALE not in plan.scales:
        _peak_only()


def _peak_line(ours: Contender, dashboards: int, runs: str) -> str:
    peak = median([r.peak_mib for r in ours.runs])
    verdict = target(f"build peak at {dashboards} dashboards", peak, PEAK_LIMIT_MIB, " MiB")
    return f"   peak {peak:.0f} MiB at {dashboards} dashboards ({runs}): {verdict}"


def _peak_only() -> None:
    """One run of the toolkit alone at the memory target's scale, for its peak."""
    dashboards, rules = counts(PEAK_SCALE)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        root = make_project(Path(tmp) / "project", PEAK_SCALE)
        ours = Contender("toolkit build", toolkit("--project", str(root), "build"))
        contest([ours], 1)
    print(f"-- {PEAK_SCALE}x, peak only: {dashboards} dashboards x {PANELS} panels, {rules} rules (1 run)")
    print(f"   {describe(ours)}")
    print(_peak_line(ours, dashboards, "one run"))


def _same_dashboards(built: Path, floor: Path) -> bool:
    """True when the floor wrote the toolkit's dashboard files byte for byte (so the floor is fair)."""
    ours = sorted((built / "dashboards").glob("*.json"))
    return bool(ours) and all((floor / "dashboards" / p.name).read_bytes() == p.read_bytes() for p in ours)
