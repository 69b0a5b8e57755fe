"""Floor of ``toolkit lint`` on rule files: Python and the declared libraries alone, no checks. It imports
click, PyYAML and promql-parser (what any Python linter built on them loads), then shares the rule files
under FOLDER among WORKERS forked processes as ``toolkit lint`` does (pieces of about PIECE_BYTES in path
order, each worker taking the next from a pipe as soon as it is done with the one before; this process is
one of them), and each loads its files with PyYAML's C loader (no line tracking) and parses every rule's
expression with promql-parser. Nothing is checked, located or printed.

``python -m bench.peers.lint_floor WORKERS FOLDER``
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click  # noqa: F401  (a click command line loads it: part of the floor)
import promql_parser
import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


PIECE_BYTES = 16 * 1024


def pieces(files: list[Path]) -> list[list[Path]]:
    """``files`` in order, in runs of about PIECE_BYTES."""
    runs: list[list[Path]] = []
    held = 0
    for file in files:
        if not runs or held >= PIECE_BYTES:
            runs.append([])
            held = 0
        runs[-1].append(file)
        held += file.stat().st_size
    return runs


def take_and_parse(queue: int, runs: list[list[Path]]) -> int:
    """Take pieces from the queue until none is left, loading and parsing each; how many expressions parsed."""
    parsed = 0
    while taken := os.read(queue, 2):
        parsed += load_and_parse(runs[int.from_bytes(taken, "big")])
    return parsed


def load_and_parse(files: list[Path]) -> int:
    """Load every file and parse every rule's expression; how many expressions parsed."""
    parsed = 0
    for file in files:
        for document in yaml.load_all(file.read_text(encoding="utf-8"), Loader=LOADER):
            for group in (document or {}).get("groups") or []:
                for rule in group.get("rules") or []:
                    try:
                        promql_parser.parse(str(rule["expr"]))
                        parsed += 1
                    except ValueError:
                        pass
    return parsed


def main() -> None:
    """Parse every rule file under the folder (argv[2]) on argv[1] processes, as the floor does."""
    workers, folder = int(sys.argv[1]), Path(sys.argv[2])
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
    runs = pieces(files)
    queue, write = os.pipe()
    os.write(write, b"".join(number.to_bytes(2, "big") for number in range(len(runs))))
    os.close(write)
    children = []
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                take_and_parse(queue, runs)
                code = 0
            finally:
                os._exit(code)  # no second flush of the parent's buffers, no atexit handlers
        children.append(pid)
    take_and_parse(queue, runs)
    failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    sys.exit(f"{len(failed)} worker(s) failed" if failed else 0)


if __name__ == "__main__":
    main()
