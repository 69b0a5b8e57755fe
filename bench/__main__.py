"""``python -m bench [--quick | --full] [NAME...]``: run the named benchmarks (default: all) and print each
one's figures beside its floor or peer, then a summary of the targets."""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from bench.harness import DEFAULT, FULL, QUICK, VERDICTS

BENCHES = ("startup", "build", "diff", "sync", "lint", "imports")


def run(argv: list[str]) -> int:
    """Run benchmarks by name; return the exit status (0 even when a target is missed)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"one of {', '.join(BENCHES)} (default: all)"
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="1x and 4x only, 3 rounds")
    size.add_argument("--full", action="store_true", help="1x, 4x and 16x, 5 rounds")
    options = parser.parse_args(argv)
    unknown = [name for name in options.names if name not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    plan = QUICK if options.quick else FULL if options.full else DEFAULT
    for name in options.names or BENCHES:
        started = time.perf_counter()
        print(f"== bench {name}", flush=True)
        importlib.import_module(f"bench.{name}").main(plan)
        print(f"   ({time.perf_counter() - started:.0f} s)\n", flush=True)
    if VERDICTS:
        print("== targets")
        for verdict in VERDICTS:
            print(f"   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
