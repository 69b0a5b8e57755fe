"""``toolkit import`` on the shared real-world corpus (../shared/corpus), as whole processes.

- every rule file promtool accepts (RULES.tsv), imported in one ``toolkit import rules`` (target < 10 s);
- the largest corpus dashboard, scaled to 170 panels like node-exporter-full (target < 1 s for the import
  itself, measured in process);
- the share of panels carried as ``raw_panel`` when every mixin dashboard is imported (lower is better).

Skipped with the reason when the corpus is absent.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def _project(folder: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from tests.sample_project import make_project

    root = folder / "project"
    root.mkdir()
    return make_project(root)


def _rule_corpus() -> None:
    rows = [line.split("\t") for line in (CORPUS / "RULES.tsv").read_text().splitlines()[1:]]
    files = [str(CORPUS / path) for path, _, verdict in rows if verdict.strip() == "ok"]
    with tempfile.TemporaryDirectory() as folder:
        root = _project(Path(folder))
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "toolkit", "--project", str(root), "import", "rules", *files],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        took = time.perf_counter() - started
    status = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
    print(
        f"   rule corpus ({len(files)} files promtool accepts):  import {took:.2f} s  (target: < 10 s)  {status}"
    )


def _panel_count(board: dict) -> int:
    return sum(1 + len(p.get("panels") or []) for p in board.get("panels") or [])


def _large_dashboard() -> None:
    from toolkit.importer.dashboards import import_dashboard, read_dashboard
    from toolkit.settings import load_settings

    files = sorted((CORPUS / "mixins").glob("*/dashboards/*.json"))
    boards = [(json.loads(f.read_text()), f) for f in files]
    board, path = max((b for b in boards if "panels" in b[0]), key=lambda b: _panel_count(b[0]))
    panels = list(board["panels"])
    while _panel_count({"panels": panels}) < 170:
        panels += [{**p, "id": 10_000 + len(panels)} for p in board["panels"] if p.get("type") != "row"]
    board = {**board, "panels": panels[:170]}
    settings = load_settings(REPO)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        import_dashboard(read_dashboard(json.dumps(board), str(path)), "large", str(path), settings)
        best = min(best, time.perf_counter() - started)
    print(f"   {path.name} scaled to 170 panels:  import {best:.2f} s  (target: < 1 s)")


def _raw_share() -> None:
    from toolkit.importer.dashboards import import_dashboard, read_dashboard
    from toolkit.settings import load_settings

    settings = load_settings(REPO)
    raw = typed = failed = 0
    for path in sorted((CORPUS / "mixins").glob("*/dashboards/*.json")):
        try:
            source = import_dashboard(
                read_dashboard(path.read_text(), str(path)), "x", str(path), settings
            ).source
        except Exception:  # noqa: BLE001  (counted: the corpus test names it)
            failed += 1
            continue
        raw += source.count("raw_panel(")
        typed += len(re.findall(r"\bat\(", source))
    share = raw / max(1, raw + typed)
    print(
        f"   mixin dashboards: raw_panel share {share:.1%} ({raw} of {raw + typed} panels; {failed} not imported)"
    )


def main() -> None:
    """Print the import measurements."""
    if not (CORPUS / "RULES.tsv").is_file():
        print(f"   skipped: the shared corpus is not at {CORPUS}")
        return
    sys.path.insert(0, str(REPO))
    _rule_corpus()
    _large_dashboard()
    _raw_share()
