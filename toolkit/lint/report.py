"""Findings as text for people, JSON for tools, or GitHub workflow annotations, written as they come.

Each format gives its report line by line as the findings come, so a long run's findings need not be held.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping

from toolkit.lint.findings import Finding, Level

GITHUB_LEVEL = {Level.INFO: "notice", Level.WARNING: "warning", Level.BUG: "error", Level.FATAL: "error"}


def human(findings: Iterable[Finding], line_of: Callable[[Finding], str]) -> Iterator[str]:
    """``path:line: level: message (check)`` and the offending source line under it."""
    for finding in findings:
        note = f" [suppressed: {finding.suppressed}]" if finding.suppressed else ""
        yield f"{finding.where}: {finding.level}: {finding.message} ({finding.check}){note}"
        text = line_of(finding).strip()
        if text:
            yield f"    {text}"


def as_json(findings: Iterable[Finding], line_of: Callable[[Finding], str]) -> Iterator[str]:
    """A JSON list of findings with path, line, level, check, message, subject and source line, line by
    line as ``json.dumps(..., indent=2)`` writes the whole list (``[]`` when there is none)."""
    held: list[str] = []  # the previous item's lines: its last gets a comma when another item follows
    for f in findings:
        item = {
            "path": f.location.path,
            "line": f.location.line,
            "column": f.column,
            "level": str(f.level),
            "check": f.check,
            "message": f.message,
            "subject": f.subject,
            "source": line_of(f).strip(),
        }
        if held:
            yield from held[:-1]
            yield held[-1] + ","
        else:
            yield "["
        held = ["  " + line for line in json.dumps(item, indent=2).splitlines()]
    if held:
        yield from held
        yield "]"
    else:
        yield "[]"


def github(findings: Iterable[Finding], line_of: Callable[[Finding], str]) -> Iterator[str]:
    """GitHub Actions workflow commands (``::error file=...,line=...::message``)."""

    def escape(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    for f in findings:
        yield (
            f"::{GITHUB_LEVEL[f.level]} file={f.location.path},line={f.location.line or 1}"
            f"{f',col={f.column}' if f.column else ''},title={f.check}::{escape(f.message)}"
        )


FORMATS = {"text": human, "json": as_json, "github": github}


def summary(counts: Mapping[Level, int]) -> str:
    """A count per level, e.g. ``2 bugs, 1 warning``; 'no findings' when there are none."""
    parts = [f"{n} {level}{'s' if n != 1 else ''}" for level, n in sorted(counts.items(), reverse=True) if n]
    return ", ".join(parts) or "no findings"
