"""``toolkit import`` on real files: the whole rule corpus, a 170-panel dashboard, and the share of
panels carried as ``raw_panel`` over the corpus's mixin dashboards, by reason.

Targets (issue 13): the rule corpus in under 10 s; a node-exporter-sized dashboard (170 panels) in
under 1 s; the raw_panel share is printed so that it can go down.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from bench.harness import FULL, REPO, Contender, Plan, contest, median, run_child, target, toolkit
from bench.lint import CORPUS, corpus_files

RAW_PANEL = re.compile(r"\braw_panel\(")
RAW_REASON = re.compile(r"^note: [^:]+: panel [\d.]+ .* carried raw: (.+)$", re.M)
EMPTY = {"dashboards": "DASHBOARDS = ()\n", "alerts": "RULE_GROUPS = ()\n"}
PANELS = 170
SAMPLE = 20


def _empty_project(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copy(REPO / "toolkit.yaml", root / "toolkit.yaml")
    for package, registry in EMPTY.items():
        (root / package).mkdir()
        (root / package / "__init__.py").write_text(registry)


def _big_dashboard(path: Path) -> int:
    """A dashboard of PANELS real corpus panels (the largest dashboards' panels, laid out anew)."""
    boards = sorted(CORPUS.glob("mixins/*/dashboards/*.json"), key=lambda p: -p.stat().st_size)
    panels: list[dict] = []
    for board_path in boards:
        board = json.loads(board_path.read_text())
        leaves = [p for p in board.get("panels") or [] if p.get("type") != "row" and "gridPos" in p]
        panels += leaves[: PANELS - len(panels)]
        if len(panels) == PANELS:
            break
    for n, panel in enumerate(panels):
        panel["id"] = n + 1
        panel["gridPos"] = {"h": 8, "w": 8, "x": (n % 3) * 8, "y": (n // 3) * 8}
    path.write_text(json.dumps({"uid": "big", "title": "Big", "schemaVersion": 39, "panels": panels}))
    return len(panels)


def _rules(plan: Plan, tmp: Path) -> None:
    files = corpus_files()
    project = tmp / "rules-project"
    bulk = Contender(
        "toolkit import rules (corpus)",
        toolkit("--project", str(project), "import", "rules", *map(str, files)),
    )
    bulk.prepare = lambda: _empty_project(project)
    try:
        contest([bulk], plan.rounds)
    except RuntimeError:
        bulk.runs.clear()
        _rules_one_by_one(plan, files, project)
        return
    took = median([r.wall for r in bulk.runs])
    print(
        f"   rule corpus ({len(files)} files) in one command: {took:.2f} s (cpu {median([r.cpu for r in bulk.runs]):.2f} s)  peak {median([r.peak_mib for r in bulk.runs]):.0f} MiB  {target('import rule corpus', took, 10, ' s')}"
    )


def _rules_one_by_one(plan: Plan, files: list[Path], project: Path) -> None:
    """Without a bulk import: one process per file (a sample of SAMPLE files unless --full, scaled up)."""
    sample = files if plan is FULL else files[:: max(1, len(files) // SAMPLE)]
    seconds, refused = 0.0, 0
    for file in sample:
        _empty_project(project)
        done = run_child(toolkit("--project", str(project), "import", "rules", str(file)), ok=(0, 1, 2))
        seconds, refused = seconds + done.wall, refused + (done.code != 0)
    total = seconds * len(files) / len(sample)
    how = "all files" if len(sample) == len(files) else f"{len(sample)} files timed, scaled to {len(files)}"
    print(
        f"   rule corpus ({len(files)} files), one process per file, as there is no bulk import ({how}; "
        f"{refused} of {len(sample)} refused): {total:.2f} s  {target('import rule corpus', total, 10, ' s')}"
    )


def main(plan: Plan) -> None:
    """Print the import times and the raw_panel share."""
    if not (CORPUS / "mixins").is_dir():
        print(f"   skipped: no corpus at {CORPUS}")
        return
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp_name:
        tmp = Path(tmp_name)
        _rules(plan, tmp)
        big = tmp / "big.json"
        count = _big_dashboard(big)
        project = tmp / "dashboard-project"
        one = Contender(
            "toolkit import dashboard (170 panels)",
            toolkit("--project", str(project), "import", "dashboard", str(big), "--name", "big"),
        )
        one.prepare = lambda: _empty_project(project)
        contest([one], plan.rounds)
        took = median([r.wall for r in one.runs])
        cpu = median([r.cpu for r in one.runs])
        print(
            f"   one dashboard of {count} corpus panels: {took:.2f} s (whole process; cpu {cpu:.2f} s)  "
            f"{target('import 170-panel dashboard', took, 1, ' s', note=f'{len(one.runs)} rounds, cpu {cpu:.2f} s')}"
        )
        _raw_panel_share(tmp / "corpus-project")


def _leaf_panels(board: dict) -> int:
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


def _raw_panel_share(project: Path) -> None:
    """Import every mixin dashboard in one command; count the panels the modules carry as raw_panel."""
    _empty_project(project)
    boards = sorted(CORPUS.glob("mixins/*/dashboards/*.json"))
    done = run_child(
        toolkit("--project", str(project), "import", "dashboards", str(CORPUS / "mixins")), ok=(0, 1, 2)
    )
    if done.code:
        print(
            f"   raw_panel share: the bulk import of {len(boards)} mixin dashboards failed: {done.stderr.strip()[-300:]}"
        )
        return
    panels = sum(_leaf_panels(json.loads(board.read_text())) for board in boards)
    raw = sum(len(RAW_PANEL.findall(module.read_text())) for module in (project / "dashboards").glob("*.py"))
    print(
        f"   {len(boards)} mixin dashboards imported in one command in {done.wall:.2f} s (peak {done.peak_mib:.0f} MiB); "
        f"raw_panel carries {raw} of {panels} panels ({100 * raw / max(panels, 1):.1f}%)"
    )
    reasons = Counter(why.split(": ")[0] for why in RAW_REASON.findall(done.stdout + done.stderr))
    for why, count in reasons.most_common():
        print(f"     {count:4d} {why}")
