"""A small wrapper that runs one command and writes its wall time, CPU time and peak memory as JSON.

``python -S measure.py RESULT -- COMMAND...``. The command is forked from this small process rather than
from the benchmark's: Linux counts the memory of the process a child was forked from in the child's
``ru_maxrss``, so children of a large parent would report at least the parent's size. Imports nothing
beyond the standard library's core, so its own footprint stays that of a bare interpreter.
"""

import json
import os
import resource
import subprocess
import sys
import time


def main() -> None:
    result, command = sys.argv[1], sys.argv[3:]
    started = time.perf_counter()
    code = subprocess.call(command)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(result, "w") as out:
        json.dump(
            {
                "wall": wall,
                "cpu": usage.ru_utime + usage.ru_stime,
                "maxrss_kib": usage.ru_maxrss,
                "code": code,
            },
            out,
        )
    os._exit(0)


if __name__ == "__main__":
    main()
