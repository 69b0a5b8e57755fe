"""Floor of the build: write the toolkit's own output, handed over as data, with plain ``json.dumps`` and
``yaml.safe_dump``, one file at a time (the least any builder of these files must do).

``python -m bench.peers.floor_build RECORDS OUT``: RECORDS is a marshal stream of (path, kind, data).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from bench.peers.records import read_records


def main() -> None:
    records, out = Path(sys.argv[1]), Path(sys.argv[2])
    for path, kind, data in read_records(records):
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "json":
            target.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        elif kind == "yaml":
            target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000))
        else:
            target.write_text(data)


if __name__ == "__main__":
    main()
