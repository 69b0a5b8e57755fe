"""Start-up: ``toolkit --help`` (the console script) and ``python -m toolkit --help`` beside ``python -c pass``
and beside ``python -c "import click"`` (what any click command line pays before its own code runs), all
with this interpreter, alternating. Target (issue 17): the console script at most 1.5x ``python -c pass``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.harness import Contender, Plan, contest, describe, paired, python, ratio_target

ROUNDS_PER_PLAN_ROUND = (
    10  # a start-up is ~0.05 s: many more rounds than the other benchmarks, for the same cost
)


def _against(ours: Contender, theirs: Contender, limit: float | None = None) -> str:
    wall, cpu = paired(ours, theirs)
    line = f"{ours.name} / {theirs.name}: wall {wall}  cpu {cpu}"
    if limit is None:
        return line
    return f"{line}   {ratio_target(f'startup {ours.name} vs {theirs.name}', wall, cpu, limit)}"


def main(plan: Plan) -> None:
    """Print the start-up times, CPU and peaks, and the ratios of both ways in against the two floors."""
    script = Path(sys.executable).with_name("toolkit")
    if not script.exists():
        print(f"   skipped: no console script at {script} (pip install -e . into this interpreter's venv)")
        return
    ours = Contender("toolkit --help", [str(script), "--help"])
    module = Contender("python -m toolkit --help", python("toolkit", "--help"))
    bare = Contender("python -c pass", [sys.executable, "-c", "pass"])
    click_floor = Contender("python -c 'import click'", [sys.executable, "-c", "import click"])
    contenders = [ours, module, bare, click_floor]
    rounds = plan.rounds * ROUNDS_PER_PLAN_ROUND
    contest(contenders, rounds, warmup=True)
    print(f"-- {rounds} rounds, the order rotating each round")
    for contender in contenders:
        print(f"   {describe(contender)}")
    print(f"   {_against(ours, bare, 1.5)}")
    print(f"   {_against(module, bare)}")
    print(f"   {_against(click_floor, bare)}   (click's own start-up: every click command line pays it)")
    print(f"   {_against(ours, click_floor)}   (what the toolkit adds to click)")
