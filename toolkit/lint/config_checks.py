"""Checks of lint's own configuration: every disable names a real check and says why."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from toolkit.lint.context import LintContext
from toolkit.lint.findings import Finding, Level
from toolkit.lint.registry import CHECKS, check
from toolkit.locations import SourceLocation


def _problems(ignored: Mapping[str, str]) -> Iterator[str]:
    for name, reason in sorted(ignored.items()):
        if name not in CHECKS:
            import difflib  # here: only a misspelt name pays for it

            close = difflib.get_close_matches(name, list(CHECKS), n=1)
            hint = f"did you mean {close[0]}?" if close else "see toolkit lint --list-checks"
            yield f"{name} is not a check, so this turns nothing off: {hint}"
        elif not reason.strip():
            yield f"turning {name} off needs a reason: say why it does not apply"


@check(
    "rule/load",
    "Something Prometheus refuses a rule file for, in its words, at the line (duplicate group or YAML key, "
    "unknown field, record with alert, for, keep_firing_for or annotations, invalid names, no expr); "
    "a warning for group keys only the Mimir, Cortex and Thanos rulers read.",
    Level.FATAL,
    loader=True,
)
def rule_load(ctx: LintContext) -> Iterator[Finding]:
    return iter(())


@check(
    "source/read",
    "A file that cannot be read: not UTF-8, invalid YAML or JSON, nested too deep, or a YAML alias bomb.",
    Level.FATAL,
    loader=True,
)
def source_read(ctx: LintContext) -> Iterator[Finding]:
    return iter(())


@check(
    "source/skipped",
    "A YAML or JSON file that is neither a rule file nor a dashboard (a compose file, a workflow): skipped.",
    Level.INFO,
    loader=True,
)
def source_skipped(ctx: LintContext) -> Iterator[Finding]:
    return iter(())


@check(
    "lint/ignore",
    "A check turned off (lint.disabled, lint_ignore or a `# toolkit lint ignore` comment) that is no check, or without a reason.",
    Level.WARNING,
    whole_bundle=True,
)
def ignore(ctx: LintContext) -> Iterator[Finding]:
    reported = ctx.shared.setdefault("lint/ignore", [])  # the settings' once, not in every batch of files
    for name, reason in ctx.disabled.items() if not reported else ():
        reported.append(name)
        for problem in _problems({name: reason}):
            where = ctx.disabled_at.get(name, SourceLocation("toolkit.yaml"))
            yield Finding(where, "lint/ignore", Level.WARNING, f"lint.disabled: {problem}")
    for _, rule in ctx.rules():
        for problem in _problems(rule.lint_ignore):
            yield ctx.rule_finding("lint/ignore", rule, problem)
    for board in ctx.bundle.dashboards:
        for problem in _problems(board.lint_ignore):
            yield ctx.panel_finding("lint/ignore", board, None, problem)
