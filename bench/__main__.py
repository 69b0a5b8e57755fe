"""``python -m bench [NAME...]``: run the named benchmarks (default: all), printing each one's report."""

from __future__ import annotations

import importlib
import sys
import time

# Each module has main(), which prints its measurements and ratios.
BENCHES = ("build", "lint", "diff", "sync", "import_")


def run(names: list[str]) -> int:
    """Run benchmarks by name; return the exit status."""
    unknown = [name for name in names if name not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    for name in names or BENCHES:
        started = time.perf_counter()
        print(f"== bench {name}")
        importlib.import_module(f"bench.{name}").main()
        print(f"   ({time.perf_counter() - started:.1f} s)\n")
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
