"""Paired, alternating measurement of whole processes: wall time, CPU time and peak memory.

Every measured thing runs in its own child process. A *round* runs each contender once, the order rotating
from round to round, so a passing load on the shared machine slows both sides alike; the figure reported
is the median over rounds of the per-round ratio (toolkit / floor or peer), with its spread. Each child
runs under a small wrapper (bench/measure.py) that reports its wall time, CPU time and peak memory
(``ru_maxrss`` of its children: the largest resident set of the command and of the processes it waited
for), beside each time.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MEASURE = Path(__file__).resolve().with_name("measure.py")


@dataclass(frozen=True)
class Run:
    """One child process: wall and CPU seconds, peak resident memory in MiB, exit code and output."""

    wall: float
    cpu: float
    peak_mib: float
    code: int
    stdout: str
    stderr: str

    def reported(self) -> dict:
        """The JSON object a bench child printed as its last stdout line (its own inner timings)."""
        lines = self.stdout.strip().splitlines()
        return json.loads(lines[-1]) if lines else {}


def child_env(**extra: str) -> dict[str, str]:
    """The environment for children: this checkout first on the path, bytecode cached as when installed."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def run_child(
    argv: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None, ok: Sequence[int] = (0,)
) -> Run:
    """Run ``argv`` to its end under the measuring wrapper; RuntimeError when it exits with a code not in
    ``ok``."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as tmp,
    ):
        result = Path(tmp) / "result.json"
        wrapper = [sys.executable, "-S", str(MEASURE), str(result), "--", *argv]
        process = subprocess.Popen(
            wrapper, cwd=cwd, env=env or child_env(), stdout=out, stderr=err, start_new_session=True
        )
        try:
            process.wait()
        finally:  # interrupted: nothing of the run may outlive the benchmark
            if process.returncode is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"the measuring wrapper failed: {err.read().decode(errors='replace')[-800:]}")
        measured = json.loads(result.read_text())
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    code = measured["code"]
    if code not in ok:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {code}: {stderr[-800:] or stdout[-800:]}")
    return Run(measured["wall"], measured["cpu"], measured["maxrss_kib"] / 1024, code, stdout, stderr)


def python(module: str, *args: str) -> list[str]:
    """The command line that runs ``python -m module args`` with this interpreter."""
    return [sys.executable, "-m", module, *args]


def toolkit(*args: str) -> list[str]:
    """The command line of the installed ``toolkit`` script (this checkout's code, by PYTHONPATH); where this
    interpreter has no such script, ``python -m toolkit``."""
    script = Path(sys.executable).with_name("toolkit")
    return [str(script), *args] if script.exists() else python("toolkit", *args)


@dataclass
class Contender:
    """A command in a contest; ``prepare`` runs before each of its runs, untimed (e.g. empty its output)."""

    name: str
    argv: Sequence[str]
    cwd: Path | None = None
    env: dict[str, str] | None = None
    prepare: Callable[[], None] | None = None
    ok: Sequence[int] = (0,)
    runs: list[Run] = field(default_factory=list)

    def run(self) -> Run:
        """One measured run."""
        if self.prepare:
            self.prepare()
        measured = run_child(self.argv, self.cwd, self.env, self.ok)
        self.runs.append(measured)
        return measured


def contest(contenders: Sequence[Contender], rounds: int, warmup: bool = False) -> None:
    """Run every contender once per round, rotating the order; ``warmup`` adds an unmeasured first round."""
    if warmup:
        for contender in contenders:
            contender.run()
            contender.runs.pop()
    for round_ in range(rounds):
        shift = round_ % len(contenders)
        for contender in [*contenders[shift:], *contenders[:shift]]:
            contender.run()


@dataclass(frozen=True)
class Ratio:
    """The median of per-round ratios, their spread, and how many rounds they come from."""

    median: float
    low: float
    high: float
    pairs: int = 0

    def __str__(self) -> str:
        if self.low == self.high:
            return f"{self.median:.2f}x"
        return f"{self.median:.2f}x [{self.low:.2f}-{self.high:.2f}]"


def ratio(ours: Sequence[float], theirs: Sequence[float]) -> Ratio:
    """Median and range of ``ours[i] / theirs[i]`` over the rounds."""
    pairs = [a / b for a, b in zip(ours, theirs, strict=True) if b > 0]
    if not pairs:
        return Ratio(float("nan"), float("nan"), float("nan"))
    return Ratio(statistics.median(pairs), min(pairs), max(pairs), len(pairs))


def paired(ours: Contender, theirs: Contender) -> tuple[Ratio, Ratio]:
    """The wall-time and CPU-time ratios of ``ours`` against ``theirs``, round by round."""
    wall = ratio([r.wall for r in ours.runs], [r.wall for r in theirs.runs])
    return wall, ratio([r.cpu for r in ours.runs], [r.cpu for r in theirs.runs])


def median(values: Sequence[float]) -> float:
    """The median (nan for none)."""
    return statistics.median(values) if values else float("nan")


def describe(contender: Contender, seconds: Callable[[Run], float] | None = None) -> str:
    """``name  wall s  cpu s  peak MiB`` (medians), for one line of a report."""
    runs = contender.runs
    wall = median([seconds(r) if seconds else r.wall for r in runs])
    return (
        f"{contender.name:<34} {wall:7.3f} s  cpu {median([r.cpu for r in runs]):6.3f} s  "
        f"peak {median([r.peak_mib for r in runs]):6.0f} MiB"
    )


@dataclass
class Verdict:
    """A target and whether the measured figure met it."""

    what: str
    figure: float
    limit: float
    unit: str = "x"
    note: str = ""

    @property
    def met(self) -> bool:
        """True when the figure is within the limit."""
        return self.figure <= self.limit

    def __str__(self) -> str:
        state = "met" if self.met else "NOT MET"
        note = f" ({self.note})" if self.note else ""
        return (
            f"{self.what}: {self.figure:.2f}{self.unit}{note} (target <= {self.limit:g}{self.unit}) {state}"
        )


VERDICTS: list[Verdict] = []


def target(what: str, figure: float, limit: float, unit: str = "x", note: str = "") -> str:
    """Record a target's verdict for the summary; the text to print beside the figure."""
    verdict = Verdict(what, figure, limit, unit, note)
    VERDICTS.append(verdict)
    return f"target <= {limit:g}{unit}: {'met' if verdict.met else 'NOT MET'}"


def ratio_target(what: str, wall: Ratio, cpu: Ratio, limit: float) -> str:
    """Record the target ``limit`` on the wall ratio for the summary, with its rounds, spread and CPU ratio
    beside it; the text to print beside the figure."""
    note = f"{wall.pairs} rounds, range {wall.low:.2f}-{wall.high:.2f}, cpu {cpu.median:.2f}x"
    return target(what, wall.median, limit, note=note)


def compare_line(ours: Contender, theirs: Contender, limit: float | None = None, what: str = "") -> str:
    """``theirs``' line with the wall and CPU ratios of ``ours`` against it (and a target on the wall
    ratio, if any)."""
    wall, cpu = paired(ours, theirs)
    line = f"   {describe(theirs)}   {ours.name.split()[0]}/this: wall {wall}  cpu {cpu}"
    if limit is not None:
        line += "   " + ratio_target(what or f"{ours.name} vs {theirs.name}", wall, cpu, limit)
    return line


@dataclass(frozen=True)
class Plan:
    """How much to measure: scale factors and rounds per scale."""

    scales: tuple[int, ...]
    rounds: int


QUICK = Plan((1, 4), 3)
DEFAULT = Plan((1, 4, 16), 3)
FULL = Plan((1, 4, 16), 5)
