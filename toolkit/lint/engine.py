"""Run the registered checks over a bundle and keep what is not disabled."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.bundle import Bundle
from toolkit.durations import duration_seconds
from toolkit.lint import (  # noqa: F401  (they register checks)
    config_checks,
    dashboard_checks,
    promql_checks,
    route_checks,
    rule_checks,
)
from toolkit.lint.context import DEFAULT_SCRAPE_SECONDS, LintContext
from toolkit.lint.findings import Finding, Level
from toolkit.lint.live import LivePrometheus
from toolkit.lint.parallel import fan_out, usable_cpus
from toolkit.lint.registry import CHECKS, Check
from toolkit.source import SourceLocation

if TYPE_CHECKING:
    from toolkit.settings import Settings


PARALLEL_FROM = 300  # rules and dashboards per worker process: with fewer, forking costs more than it saves


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
) -> list[Finding]:
    """Every finding of every enabled check, sorted by place; findings a rule or dashboard suppresses are kept
    with their reason in ``Finding.suppressed``, for the caller to show or drop.

    With ``prometheus`` (a URL), the live checks also ask that server; without it they are skipped.
    A large bundle is split across ``jobs`` worker processes (default: one per PARALLEL_FROM rules and
    dashboards, at most one per usable CPU); the findings are the same for any number of jobs.
    """
    ctx = LintContext(
        bundle,
        scrape_seconds=duration_seconds(scrape_interval) if scrape_interval else DEFAULT_SCRAPE_SECONDS,
        is_project=is_project,
        live=LivePrometheus(prometheus).load() if prometheus else None,
        disabled=disabled or {},
        disabled_at=disabled_at or {},
    )
    wanted = set(only) or set(CHECKS)
    enabled = [
        registered
        for name, registered in CHECKS.items()
        if name in wanted and name not in (disabled or {}) and (is_project or not registered.project_only)
    ]
    size = sum(len(group.rules) for group in bundle.rule_groups) + len(bundle.dashboards)
    workers = jobs or min(usable_cpus(), size // PARALLEL_FROM + 1)
    shards = ctx.shards(workers) if workers > 1 else [ctx]
    tasks = [
        partial(_run, [c for c in enabled if c.whole_bundle], ctx),
        *(partial(_run, [c for c in enabled if not c.whole_bundle], shard) for shard in shards),
    ]
    parts = fan_out(tasks) if len(shards) > 1 else [task() for task in tasks]
    return sorted({finding for part in parts for finding in part})


def _run(checks: Iterable[Check], ctx: LintContext) -> list[Finding]:
    return [finding for registered in checks for finding in registered.run(ctx)]


def settings_options(settings: Settings, root: Path) -> dict:
    """The lint options ``toolkit.yaml`` sets: scrape interval, checks disabled with a reason, and the line
    that names each."""
    disabled = settings.section("lint").get("disabled", {})
    path = SourceLocation(str(settings.path)).relative_to(root).path
    lines = _lines(str(settings.path))
    return {
        "scrape_interval": settings.scrape_interval,
        "disabled": disabled,
        "disabled_at": {name: SourceLocation(path, _line_naming(lines, name)) for name in disabled},
    }


def _line_naming(lines: tuple[str, ...], key: str) -> int:
    quoted = (key, f'"{key}"', f"'{key}'")
    return next((n for n, text in enumerate(lines, 1) if text.strip().startswith(quoted)), 0)


def source_findings(errors: Iterable[Exception]) -> list[Finding]:
    """Files that could not be read, one fatal ``source/read`` finding each."""
    findings = []
    for error in errors:
        where = getattr(error, "location", None) or SourceLocation("")
        findings.append(Finding(where, "source/read", Level.FATAL, getattr(error, "message", str(error))))
    return findings


def source_line(location: SourceLocation, root: Path | None = None) -> str:
    """The text of the line a finding points at ('' when unknown)."""
    if not location.line:
        return ""
    path = Path(location.path)
    lines = _lines(str(root / path if root is not None and not path.is_absolute() else path))
    return lines[location.line - 1] if location.line <= len(lines) else ""


@lru_cache(maxsize=256)
def _lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(Path(path).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()
