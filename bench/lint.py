"""``toolkit lint`` against ``promtool check rules`` on real rule files, as whole processes, beside a floor.

1x is every rule file of ../shared/corpus/mixins that promtool accepts (RULES.tsv); Nx is N copies of it
(1x, 4x and 50x; 16x too with --full; seven times the rounds at 1x, one round at 50x unless --full).
The floor (bench/peers/lint_floor.py) is Python with the declared libraries alone: click, PyYAML's C loader
and promql-parser's parse of every expression, the files split among as many forked workers as ``toolkit
lint`` takes on an idle machine, nothing checked: the floor/promtool ratio is what Python and the libraries
cost beside promtool, the toolkit/floor ratio what lint adds (its checks, line tracking, reports).
Each scale prints the three's wall, CPU and peak memory (medians) and the ratios: the median of the
per-round ratios, runs alternating. Targets (issue 14): at most 1.0x promtool's wall time at 1x; at most 2x
promtool's peak memory at 50x.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.harness import (
    FULL,
    REPO,
    Contender,
    Plan,
    compare_line,
    contest,
    describe,
    paired,
    python,
    ratio,
    target,
    toolkit,
)
from toolkit.lint.parallel import usable_cpus
from toolkit.lint.stream import SHARE_BYTES

CORPUS = REPO.parent / "shared" / "corpus"
ONE_X_ROUNDS = 7  # times the plan's rounds at 1x: a run takes a fifth of a second there, and the target's
# median of per-round ratios needs more than three rounds to stand above this machine's swings


def corpus_files() -> list[Path]:
    """The corpus's mixin rule files that promtool accepts."""
    table = CORPUS / "RULES.tsv"
    if not table.is_file():
        return []
    rows = [line.split("\t") for line in table.read_text().splitlines()[1:]]
    return [CORPUS / row[0] for row in rows if row[0].startswith("mixins/") and row[-1] == "ok"]


def _copies(files: list[Path], folder: Path, scale: int) -> list[str]:
    paths = []
    for copy in range(scale):
        for file in files:
            target_path = folder / f"copy{copy:02d}" / file.parent.name / file.name
            target_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target_path)
            paths.append(str(target_path))
    return paths


def main(plan: Plan) -> None:
    """Print lint's and promtool's wall, CPU and peak at each scale, with the ratios."""
    files, promtool = corpus_files(), shutil.which("promtool")
    if not files or promtool is None:
        print(f"   skipped: {'no corpus at ' + str(CORPUS) if not files else 'promtool not installed'}")
        return
    rules = sum(f.read_text().count("- alert:") + f.read_text().count("- record:") for f in files)
    for scale in sorted({*plan.scales, 50} - ({16} if plan is not FULL else set())):
        with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
            paths = _copies(files, Path(tmp), scale)
            ours = Contender("toolkit lint", toolkit("lint", tmp), ok=(0, 1))
            workers = min(usable_cpus(), sum(Path(p).stat().st_size for p in paths) // SHARE_BYTES + 1)
            floor = Contender(
                "floor: yaml + promql-parser", python("bench.peers.lint_floor", str(workers), tmp)
            )
            theirs = Contender("promtool check rules", [promtool, "check", "rules", *paths])
            rounds = (
                ONE_X_ROUNDS * plan.rounds
                if scale == 1
                else plan.rounds
                if scale < 50
                else max(1, plan.rounds - 2)
            )
            contest([ours, floor, theirs], rounds, warmup=scale == plan.scales[0])
        print(f"-- {scale}x: {len(files) * scale} files, {rules * scale} rules ({rounds} rounds)")
        print(f"   {describe(ours)}")
        print(compare_line(ours, floor))
        print(compare_line(ours, theirs, 1.0 if scale == 1 else None, f"lint {scale}x wall vs promtool"))
        wall, cpu = paired(floor, theirs)
        print(
            f"   floor/promtool: wall {wall}  cpu {cpu}   (Python and the libraries alone, {workers} "
            f"worker{'s' if workers > 1 else ''}, nothing checked)"
        )
        memory = ratio([r.peak_mib for r in ours.runs], [r.peak_mib for r in theirs.runs])
        verdict = f"   {target('lint 50x peak vs promtool', memory.median, 2.0)}" if scale == 50 else ""
        print(f"   peak toolkit/promtool {memory}{verdict}")
