"""The registry of checks: each has a stable name, a one-line doc, a default level and an example."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.lint.findings import Finding, Level

if TYPE_CHECKING:
    from toolkit.lint.context import LintContext

CheckFunction = Callable[["LintContext"], Iterator[Finding]]


@dataclass(frozen=True)
class Check:
    """A registered check; ``example`` is a snippet that triggers it (shown in docs/lint.md)."""

    name: str
    doc: str
    level: Level
    example: str
    run: CheckFunction
    project_only: bool = False


CHECKS: dict[str, Check] = {}


def check(name: str, doc: str, level: Level, example: str, project_only: bool = False):
    """Register the decorated function as the check ``name``; ``doc`` becomes its docstring."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"check {name} is registered twice")
        CHECKS[name] = Check(name, doc, level, example, function, project_only)
        function.__doc__ = doc
        return function

    return register
