"""Run the project's alert and expression tests with ``promtool test rules``, one subject at a time.

The rules and test files are rendered from the bundle into a temporary folder, exactly as the build
writes them, so the tests always prove the code as it is now, whether or not ``build/`` is current.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from toolkit.bundle import Bundle, RuleTestEntry
from toolkit.clients.promtools import ChildProcesses, find_tool, run_tool
from toolkit.locations import SourceLocation
from toolkit.output.build import TESTS_DIR, render
from toolkit.output.junit import JUnitCase, junit_xml

EVAL_TIME = re.compile(r"\btime: ([0-9a-z.]+)")


@dataclass(frozen=True)
class SubjectResult:
    """The outcome of every test case of one alert (or expression): ``output`` is promtool's report."""

    subject: str
    is_alert: bool
    cases: int
    passed: bool
    output: str
    sources: tuple[SourceLocation, ...]

    @property
    def failed_times(self) -> tuple[str, ...]:
        """The evaluation times promtool reported as failing, in report order, without repeats."""
        return tuple(dict.fromkeys(EVAL_TIME.findall(self.output)))

    def summary(self) -> str:
        """One line: what failed, at which evaluation times, and where its tests are defined."""
        kind = "alert" if self.is_alert else "expression"
        if self.passed:
            return f"ok    {kind} {self.subject} ({self.cases} case{'s' if self.cases != 1 else ''})"
        times = ", ".join(self.failed_times) or "unknown time"
        where = ", ".join(str(s) for s in self.sources)
        return f"FAIL  {kind} {self.subject} at eval time {times} (tests at {where})"

    def junit_case(self) -> JUnitCase:
        """This result as a JUnit test case, promtool's report as the failure text."""
        failure = None if self.passed else self.summary()
        source = self.sources[0] if self.sources else None
        return JUnitCase(
            "alerts" if self.is_alert else "expressions", self.subject, source, failure, self.output
        )


@dataclass(frozen=True)
class TestReport:
    """Every subject's result, in name order."""

    results: tuple[SubjectResult, ...]

    @property
    def failed(self) -> tuple[SubjectResult, ...]:
        """The subjects with at least one failing case."""
        return tuple(r for r in self.results if not r.passed)

    def to_junit(self) -> bytes:
        """JUnit XML: one test case per subject, promtool's report as the failure text."""
        return junit_xml([result.junit_case() for result in self.results])


def run_rule_tests(
    bundle: Bundle,
    subjects: Sequence[str] = (),
    on_result: Callable[[SubjectResult], None] | None = None,
) -> TestReport:
    """Run the bundle's tests (only those of ``subjects`` when given); promtool runs in parallel.

    ``on_result`` is called with each result as it is known, in subject order.

    Raises ToolMissingError, saying how to install promtool, when it is not on PATH.
    """
    find_tool("promtool")
    by_file: dict[str, list[RuleTestEntry]] = {}
    for entry in bundle.rule_tests:
        if not subjects or entry.subject in subjects:
            by_file.setdefault(entry.file, []).append(entry)
    children = ChildProcesses()
    with tempfile.TemporaryDirectory(prefix="toolkit-test-") as tmp:
        root = Path(tmp)
        for path, content in render(bundle).items():
            if path.startswith("prometheus/"):
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).write_bytes(content)
        tests_dir = root / TESTS_DIR
        scratch = root / "promtool-tmp"  # promtool's own temporary storage, removed with ours even if killed
        scratch.mkdir()

        def run(item: tuple[str, list[RuleTestEntry]]) -> SubjectResult:
            name, entries = item
            done = run_tool(
                "promtool",
                ["test", "rules", name],
                cwd=tests_dir,
                children=children,
                env={"TMPDIR": str(scratch)},
            )
            return SubjectResult(
                subject=entries[0].subject,
                is_alert=entries[0].is_alert,
                cases=len(entries),
                passed=done.returncode == 0,
                output=(done.stdout + done.stderr).strip(),
                sources=tuple(dict.fromkeys(e.source for e in entries)),
            )

        results = []
        pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2)
        try:
            for result in pool.map(run, sorted(by_file.items())):
                results.append(result)
                if on_result:
                    on_result(result)
        except BaseException:
            children.stop()  # on Ctrl-C, SIGTERM or an error: no promtool outlives the run
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return TestReport(tuple(results))
