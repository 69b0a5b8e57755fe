"""A stream of (path, kind, data) records in marshal format: how the floors get their input as data."""

from __future__ import annotations

import json
import marshal
from collections.abc import Iterator
from pathlib import Path

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def write_records(tree: Path, records: Path) -> int:
    """Store every file under ``tree`` as parsed data (JSON, YAML) or text; the number of records."""
    count = 0
    with records.open("wb") as stream:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            text = path.read_text()
            if path.suffix == ".json":
                record = ("json", json.loads(text))
            elif path.suffix in (".yml", ".yaml"):
                record = ("yaml", yaml.load(text, Loader=LOADER))
            else:
                record = ("text", text)
            marshal.dump((path.relative_to(tree).as_posix(), *record), stream)
            count += 1
    return count


def read_records(records: Path) -> Iterator[tuple[str, str, object]]:
    """The records of a stream, one at a time."""
    with records.open("rb") as stream:
        while True:
            try:
                yield marshal.load(stream)
            except EOFError:
                return
