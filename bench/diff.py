"""``toolkit diff`` between two git revisions of ``build/`` beside its floor, each run a separate process.

Per 1x: 125 dashboards of 20 panels and 500 alert rules; the new revision changes a query, moves a panel
and adds a tag in one dashboard in ten, and adds a group of rules. The floor reads both revisions whole
(``git archive``) and names the files whose parsed data differs; the diff reads only the files whose bytes
differ, so a second contest changes every dashboard, where nothing can be skipped. Targets (issue 17): at
most 1.3x the floor, memory flat (peak at 16x about that at 1x).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from bench.harness import Contender, Plan, compare_line, contest, describe, median, python, target, toolkit
from bench.peers.peer_build import write_rules
from bench.workloads import DASHBOARDS, RULES, RULES_PER_GROUP, board


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


def _revision(repo: Path, scale: int, changed: bool, every: int = 10) -> str:
    """Commit build/ with one dashboard in ``every`` changed (none unless ``changed``); its revision."""
    folder = repo / "build" / "dashboards"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(DASHBOARDS * scale):
        data = board(n, changed and n % every == 0)
        (folder / f"{data['uid']}.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    write_rules(repo / "build", RULES * scale + (RULES_PER_GROUP if changed else 0))
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "rev")
    return _git(repo, "rev-parse", "HEAD")


def _contest(repo: Path, old: str, new: str, plan: Plan, warmup: bool) -> tuple[Contender, Contender]:
    ours = Contender(
        "toolkit diff", toolkit("--project", str(repo), "diff", "--base", old, "--head", new), ok=(1,)
    )
    floor = Contender(
        "floor (git archive, parse, ==)", python("bench.peers.diff_floor", str(repo), old, new), ok=(1,)
    )
    contest([ours, floor], plan.rounds, warmup=warmup)
    return ours, floor


def main(plan: Plan) -> None:
    """Print diff times, peaks and the ratio against the floor at each scale, for a typical change and for
    one that changes every dashboard."""
    peaks: dict[str, dict[int, float]] = {"typical": {}, "every": {}, "floor": {}}
    for scale in plan.scales:
        with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
            repo = Path(tmp)
            _git(repo, "init", "-q")
            (repo / "toolkit.yaml").write_text("project: bench\n")
            old, new = _revision(repo, scale, False), _revision(repo, scale, True)
            every = _revision(repo, scale, True, every=1)
            ours, floor = _contest(repo, old, new, plan, warmup=scale == plan.scales[0])
            all_ours, all_floor = _contest(repo, old, every, plan, warmup=False)
        for kind, contender in (("typical", ours), ("every", all_ours), ("floor", floor)):
            peaks[kind][scale] = median([r.peak_mib for r in contender.runs])
        print(
            f"-- {scale}x: {DASHBOARDS * scale} dashboards x 20 panels, {RULES * scale} rules ({plan.rounds} rounds)"
        )
        print(f"   one dashboard in ten changed:  {describe(ours)}")
        print(compare_line(ours, floor, 1.3, f"diff {scale}x vs floor"))
        print(f"   every dashboard changed:       {describe(all_ours)}")
        print(compare_line(all_ours, all_floor, 1.3, f"diff {scale}x vs floor, every dashboard changed"))
    first, last = plan.scales[0], plan.scales[-1]
    if first == last:
        return
    growth = {kind: peaks[kind][last] / peaks[kind][first] for kind in peaks}
    print(
        f"   peak growth {first}x -> {last}x: {growth['typical']:.2f}x, every dashboard changed "
        f"{growth['every']:.2f}x (the floor's: {growth['floor']:.2f}x, as git archive's output is held whole)  "
        f"{target(f'diff peak growth {first}x->{last}x (flat)', max(growth['typical'], growth['every']), 1.5)}"
    )
