"""The registry of checks: each is one unit with a stable name, a one-line doc, a default level and flags;
its firing and quiet examples are in :mod:`toolkit.lint.examples`, keyed by the same name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from toolkit.lint.findings import Finding, Level

if TYPE_CHECKING:
    from toolkit.lint.context import LintContext

CheckFunction = Callable[["LintContext"], Iterator[Finding]]


class Check(NamedTuple):
    """A registered check.

    ``project_only``: runs on the project's own definitions only (it needs the catalogue or the tests).
    ``convention``: a house convention, not a correctness problem: it runs on the project, and on foreign
    files only with ``--conventions`` (or ``lint.conventions: true`` in toolkit.yaml).
    ``needs_server``: asks the Prometheus given with ``--prometheus``; skipped without one.
    ``whole_bundle``: compares objects with each other, so it cannot run on a shard of the bundle.
    ``loader``: reported while reading files (what Prometheus refuses), not run over a bundle.
    """

    name: str
    doc: str
    level: Level
    run: CheckFunction
    project_only: bool = False
    whole_bundle: bool = False
    convention: bool = False
    needs_server: bool = False
    loader: bool = False


CHECKS: dict[str, Check] = {}


def check(
    name: str,
    doc: str,
    level: Level,
    project_only: bool = False,
    whole_bundle: bool = False,
    convention: bool = False,
    needs_server: bool = False,
    loader: bool = False,
):
    """Register the decorated function as the check ``name``; ``doc`` becomes its docstring."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"check {name} is registered twice")
        CHECKS[name] = Check(
            name, doc, level, function, project_only, whole_bundle, convention, needs_server, loader
        )
        function.__doc__ = doc
        return function

    return register
