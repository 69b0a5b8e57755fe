"""``python -m bench [--quick | --full] [NAME...]``: run the named benchmarks (default: all) and print each
one's figures beside its floor or peer, then a summary of the targets: each target's verdict, the
benchmarks that measured no target (skipped) and those that failed (exit status 1)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback

from bench.harness import DEFAULT, FULL, QUICK, VERDICTS

BENCHES = ("startup", "build", "diff", "sync", "lint", "imports")


def run(argv: list[str]) -> int:
    """Run benchmarks by name; return the exit status: 0 even when a target is missed, 1 when a benchmark
    failed (the others still run)."""
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
    failed, unmeasured = {}, []
    for name in options.names or BENCHES:
        started, verdicts = time.perf_counter(), len(VERDICTS)
        load = os.getloadavg()[0]  # the machine may be shared: the load says how noisy the figures may be
        print(f"== bench {name} (load average {load:.1f} on {os.cpu_count()} CPUs)", flush=True)
        try:
            importlib.import_module(f"bench.{name}").main(plan)
        except Exception as error:  # one benchmark's failure is reported, and the others still run
            traceback.print_exc()
            failed[name] = f"{type(error).__name__}: {error}".splitlines()[0]
        else:
            if len(VERDICTS) == verdicts:
                unmeasured.append(name)
        print(f"   ({time.perf_counter() - started:.0f} s)\n", flush=True)
    print("== targets")
    for verdict in VERDICTS:
        print(f"   {verdict}")
    for name in unmeasured:
        print(f"   bench {name}: no target measured (see its output above)")
    for name, reason in failed.items():
        print(f"   bench {name}: FAILED ({reason})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
