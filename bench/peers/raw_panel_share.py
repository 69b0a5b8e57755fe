"""How many panels the dashboard import carries as ``raw_panel`` on the corpus's mixin dashboards.

``python -m bench.peers.raw_panel_share FILE...``: imports each dashboard through the importer library
(nothing written) and prints, as its last line, JSON with the panels seen, those carried raw, and the
dashboards that failed to import.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.importer.dashboards import import_dashboard, read_dashboard

RAW = re.compile(r"\braw_panel\(")


def _panels(board: dict) -> int:
    """Leaf panels (rows do not count), also inside collapsed rows and legacy ``rows``."""
    count = 0
    todo = list(board.get("panels") or []) + [
        p for r in board.get("rows") or [] for p in r.get("panels") or []
    ]
    while todo:
        panel = todo.pop()
        if panel.get("type") == "row":
            todo += panel.get("panels") or []
        else:
            count += 1
    return count


def main() -> None:
    panels = raw = 0
    failed = []
    for n, name in enumerate(sys.argv[1:]):
        path = Path(name)
        try:
            board = read_dashboard(path.read_text(), str(path))
            module = import_dashboard(board, f"board_{n}", path.name)
        except (ToolkitError, ValueError, KeyError, TypeError) as error:
            failed.append(f"{path.parent.parent.name}/{path.name}: {type(error).__name__}: {error}"[:200])
            continue
        panels += _panels(json.loads(path.read_text()))
        raw += len(RAW.findall(module.source))
    print(json.dumps({"dashboards": len(sys.argv) - 1, "panels": panels, "raw": raw, "failed": failed}))


if __name__ == "__main__":
    main()
