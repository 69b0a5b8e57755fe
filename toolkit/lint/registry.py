"""The registry of checks: each has a stable name, a one-line doc and a default level."""

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
    """A registered check (its example input, for docs/lint.md, is in :mod:`toolkit.lint.examples`).

    A ``whole_bundle`` check compares objects with each other, so it cannot run on a shard of the bundle.
    """

    name: str
    doc: str
    level: Level
    run: CheckFunction
    project_only: bool = False
    whole_bundle: bool = False


CHECKS: dict[str, Check] = {}


def check(name: str, doc: str, level: Level, project_only: bool = False, whole_bundle: bool = False):
    """Register the decorated function as the check ``name``; ``doc`` becomes its docstring."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"check {name} is registered twice")
        CHECKS[name] = Check(name, doc, level, function, project_only, whole_bundle)
        function.__doc__ = doc
        return function

    return register
