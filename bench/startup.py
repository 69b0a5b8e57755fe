"""Start-up: ``toolkit --help`` beside ``python -c pass``, alternating. Target (issue 17): at most 1.5x."""

from __future__ import annotations

import sys

from bench.harness import Contender, Plan, compare_line, contest, describe, toolkit


def main(plan: Plan) -> None:
    """Print the start-up times and their ratio."""
    ours = Contender("toolkit --help", toolkit("--help"))
    bare = Contender("python -c pass", [sys.executable, "-c", "pass"])
    contest([ours, bare], plan.rounds * 4, warmup=True)
    print(f"   {describe(ours)}")
    print(compare_line(ours, bare, 1.5, "startup toolkit --help vs python -c pass"))
