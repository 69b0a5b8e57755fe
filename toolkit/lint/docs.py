"""The table of checks in docs/lint.md, made from the registry (``python -m toolkit.lint.docs`` rewrites it)."""

from __future__ import annotations

import sys
from pathlib import Path

from toolkit.lint.engine import CHECKS

BEGIN, END = "<!-- checks: begin -->", "<!-- checks: end -->"


def checks_table() -> str:
    """Every registered check: name, level, what it finds, and an example that triggers it."""
    rows = [
        BEGIN,
        "| check | level | what it finds | example that triggers it |",
        "| --- | --- | --- | --- |",
    ]
    for registered in sorted(CHECKS.values(), key=lambda c: c.name):
        example = registered.example.replace("|", "\\|").replace("\n", " ⏎ ")
        scope = " Project only." if registered.project_only else ""
        rows.append(f"| `{registered.name}` | {registered.level} | {registered.doc}{scope} | `{example}` |")
    return "\n".join([*rows, END])


def rewrite(path: Path) -> None:
    """Replace the table between the markers in ``path``."""
    text = path.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    path.write_text(text[:start] + checks_table() + text[end:])


if __name__ == "__main__":
    rewrite(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/lint.md"))
