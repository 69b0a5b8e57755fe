"""promtool test changes (``build/prometheus/tests/``, one file per alert or expression tested): the
tests of a subject added or removed, and every changed field of their cases by path."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.bundle import Bundle, RuleTestEntry
from toolkit.diff.generic import MISSING, generic_changes, matched
from toolkit.diff.model import ADDED, CHANGED, REMOVED, Change

SECTION = "alert tests"


def _by_file(bundle: Bundle) -> dict[str, list[RuleTestEntry]]:
    files: dict[str, list[RuleTestEntry]] = {}
    for test in bundle.rule_tests:
        files.setdefault(test.file, []).append(test)
    return files


def _name(tests: list[RuleTestEntry]) -> str:
    return tests[0].subject


def _cases(count: int) -> str:
    return f"{count} case{'s' if count != 1 else ''}"


def rule_test_changes(old: Bundle, new: Bundle) -> Iterator[Change]:
    """Every change of the promtool tests from ``old`` to ``new``, by test file."""
    before, after = _by_file(old), _by_file(new)
    for file, a, b in matched(before, after, by_name=True):
        if a is MISSING or b is MISSING:
            tests = b if a is MISSING else a
            yield Change(
                SECTION, ADDED if a is MISSING else REMOVED, f"{_name(tests)} ({_cases(len(tests))})"
            )
        else:
            if _name(a) != _name(b):
                yield Change(SECTION, CHANGED, f"{file}: tests of {_name(a)} -> tests of {_name(b)}")
            yield from generic_changes(
                SECTION, _name(b), [t.data for t in a], [t.data for t in b], ("cases",)
            )
