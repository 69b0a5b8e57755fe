"""Floor of ``toolkit lint`` on rule files: Python and the declared libraries alone, no checks. It imports
click, PyYAML and promql-parser (what any Python linter built on them loads), then splits the rule files
under FOLDER among WORKERS forked processes as ``toolkit lint`` does (in path order, about equal bytes each,
this process taking the last share), and each loads its files with PyYAML's C loader (no line tracking)
and parses every rule's expression with promql-parser. Nothing is checked, located or printed.

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


def shares(files: list[Path], workers: int) -> list[list[Path]]:
    """``files`` in order, cut into ``workers`` runs of about equal bytes."""
    sizes = [file.stat().st_size for file in files]
    total = sum(sizes) or 1
    runs: list[list[Path]] = [[] for _ in range(workers)]
    done = 0
    for file, size in zip(files, sizes, strict=True):
        runs[min(workers - 1, done * workers // total)].append(file)
        done += size
    return runs


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
    *others, own = shares(files, workers)
    children = []
    for share in others:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                load_and_parse(share)
                code = 0
            finally:
                os._exit(code)  # no second flush of the parent's buffers, no atexit handlers
        children.append(pid)
    load_and_parse(own)
    failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    sys.exit(f"{len(failed)} worker(s) failed" if failed else 0)


if __name__ == "__main__":
    main()
