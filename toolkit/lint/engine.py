"""Run the registered checks over a bundle and keep what is not disabled."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.bundle import Bundle
from toolkit.durations import duration_seconds
from toolkit.lint import (  # noqa: F401  (they register checks)
    config_checks,
    dashboard_checks,
    policy_checks,
    promql_checks,
    route_checks,
    rule_checks,
)
from toolkit.lint.context import DEFAULT_SCRAPE_SECONDS, LintContext, file_lines
from toolkit.lint.findings import Finding, Level
from toolkit.lint.parallel import fan_out, spare_cpus
from toolkit.lint.policy import Policy
from toolkit.lint.promql import parse
from toolkit.lint.registry import CHECKS, Check
from toolkit.locations import SourceLocation
from toolkit.promql import MAX_NESTING, forget_parsed
from toolkit.sources.files import RuleFileProblem

if TYPE_CHECKING:
    from toolkit.lint.live import LivePrometheus
    from toolkit.settings import Settings


PARALLEL_FROM = 300  # rules and dashboards per worker process: with fewer, forking costs more than it saves
CHUNK = 50  # rules and dashboards whose parsed expressions are kept at once


def lint_bundle(
    bundle: Bundle,
    *,
    is_project: bool,
    scrape_interval: str | None = None,
    disabled: Mapping[str, str] | None = None,
    disabled_at: Mapping[str, SourceLocation] | None = None,
    only: Iterable[str] = (),
    prometheus: str | None = None,
    jobs: int | None = None,
    conventions: bool | None = None,
    root: Path | None = None,
    policy: Policy | None = None,
    recorded: frozenset[str] | None = None,
    shared: dict | None = None,
) -> list[Finding]:
    """Every finding of every enabled check, sorted by place; findings a rule or dashboard suppresses are kept
    with their reason in ``Finding.suppressed``, for the caller to show or drop.

    House conventions apply to the project's own definitions, and to foreign files only with
    ``conventions``. With ``prometheus`` (a URL), the live checks also ask that server; without it they
    are skipped. ``root`` resolves relative source paths (to point at the exact line of a field).
    ``recorded`` (the names recording rules produce, default: the bundle's) and ``shared`` (what whole-bundle
    checks carry over) let a run lint its files in batches (:func:`toolkit.lint.stream.lint_paths`).
    A large bundle is split across ``jobs`` worker processes (default: one per PARALLEL_FROM rules and
    dashboards, at most one per spare CPU: :func:`toolkit.lint.parallel.spare_cpus`); the findings are the
    same for any number of jobs.
    """
    ctx = LintContext(
        bundle,
        scrape_seconds=duration_seconds(scrape_interval) if scrape_interval else DEFAULT_SCRAPE_SECONDS,
        is_project=is_project,
        live=_server(prometheus),
        disabled=disabled or {},
        disabled_at=disabled_at or {},
        root=root,
        conventions=is_project if conventions is None else conventions,
        knows_scrape_interval=bool(scrape_interval),
        policy=policy or Policy(),
        recorded=recorded or frozenset(),
        shared={} if shared is None else shared,
    )
    wanted = set(only) or set(CHECKS)
    enabled = [
        registered
        for name, registered in CHECKS.items()
        if name in wanted
        and name not in (disabled or {})
        and not registered.loader
        and (is_project or not registered.project_only)
        and (ctx.conventions or not registered.convention or name in set(only))
    ]
    size = sum(len(group.rules) for group in bundle.rule_groups) + len(bundle.dashboards)
    workers = jobs or min(spare_cpus(), size // PARALLEL_FROM + 1)
    shards = ctx.shards(workers) if workers > 1 else [ctx]
    tasks = [  # the whole-bundle checks last: fan_out runs the last task in this process, which keeps their state
        *(partial(_run_in_chunks, [c for c in enabled if not c.whole_bundle], shard) for shard in shards),
        partial(_run, [c for c in enabled if c.whole_bundle], ctx),
    ]
    with _deep_recursion():
        parts = fan_out(tasks) if len(shards) > 1 else [task() for task in tasks]
    return sorted({finding for part in parts for finding in part})


def _server(prometheus: str | None) -> LivePrometheus | None:
    """The Prometheus at ``prometheus`` with its metadata loaded; None without one."""
    if not prometheus:
        return None
    from toolkit.lint.live import LivePrometheus  # here: only a run with --prometheus asks a server

    return LivePrometheus(prometheus).load()


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """Room for the label analysis to follow a syntax tree as deep as toolkit.promql allows (Python calls
    Python without using the C stack, so this is safe)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * MAX_NESTING + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _run(checks: Iterable[Check], ctx: LintContext) -> list[Finding]:
    return [finding for registered in checks for finding in registered.run(ctx)]


def _run_in_chunks(checks: list[Check], ctx: LintContext) -> list[Finding]:
    """Every check over one chunk of about CHUNK rules and dashboards at a time, the parsed expressions
    dropped after each: syntax trees are large, so memory stays flat whatever the input's size."""
    size = sum(len(group.rules) for group in ctx.bundle.rule_groups) + len(ctx.bundle.dashboards)
    found: list[Finding] = []
    chunks = ctx.shards(max(1, size // CHUNK))
    chunks.reverse()
    while chunks:  # each chunk (and the expressions it parsed) is let go once checked
        found += _run(checks, chunks.pop())
        parse.cache_clear()
        forget_parsed()
    return found


def settings_options(settings: Settings, root: Path) -> dict:
    """The options of ``lint_bundle`` for the project's own definitions: the scrape interval and the lint
    section of ``toolkit.yaml`` (see :func:`lint_section`)."""
    return {**lint_section(settings, root), "scrape_interval": settings.scrape_interval, "root": root}


def file_options(settings: Settings) -> dict:
    """The options of ``lint_bundle`` for foreign files inside a project: its lint section, and whether it
    applies the house conventions to them (``lint.conventions``)."""
    return {**lint_section(settings), "conventions": bool(settings.section("lint").get("conventions"))}


def lint_section(settings: Settings, root: Path | None = None) -> dict:
    """What ``toolkit.yaml``'s lint section sets: checks disabled with a reason (and the line that names
    each, relative to ``root`` when given) and the team's policies."""
    section = settings.section("lint")
    disabled = section.get("disabled", {})
    where = SourceLocation(str(settings.path))
    path = where.relative_to(root).path if root is not None else where.path
    lines = file_lines(str(settings.path))
    return {
        "disabled": disabled,
        "disabled_at": {name: SourceLocation(path, _line_naming(lines, name)) for name in disabled},
        "policy": Policy.from_settings(section.get("policies")),
    }


def _line_naming(lines: tuple[str, ...], key: str) -> int:
    quoted = (key, f'"{key}"', f"'{key}'")
    return next((n for n, text in enumerate(lines, 1) if text.strip().startswith(quoted)), 0)


def source_findings(errors: Iterable[Exception], skipped: Iterable[Exception] = ()) -> list[Finding]:
    """What reading the files found: a fatal ``source/read`` finding for each file that cannot be read, a
    ``rule/load`` finding for each problem Prometheus would refuse a rule file for (fatal) or that only
    other rulers accept (warning), and an info ``source/skipped`` for each file of another kind."""
    findings = []
    for error in errors:
        where = getattr(error, "location", None) or SourceLocation("")
        message = getattr(error, "message", str(error))
        column = getattr(error, "column", 0)
        if isinstance(error, RuleFileProblem):
            level = Level.FATAL if error.fatal else Level.WARNING
            findings.append(Finding(where, "rule/load", level, message, column=column))
        else:
            findings.append(Finding(where, "source/read", Level.FATAL, message, column=column))
    for error in skipped:
        where = getattr(error, "location", None) or SourceLocation("")
        message = f"{getattr(error, 'message', error)}: skipped"
        findings.append(Finding(where, "source/skipped", Level.INFO, message))
    return findings


def source_line(location: SourceLocation, root: Path | None = None) -> str:
    """The text of the line a finding points at ('' when unknown)."""
    if not location.line:
        return ""
    lines = file_lines(location.path, root)
    return lines[location.line - 1] if location.line <= len(lines) else ""
