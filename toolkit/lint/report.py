"""Findings as text for people, JSON for tools, or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from toolkit.lint.findings import Finding, Level

GITHUB_LEVEL = {Level.INFO: "notice", Level.WARNING: "warning", Level.BUG: "error", Level.FATAL: "error"}


def human(findings: Sequence[Finding], line_of: Callable[[Finding], str]) -> str:
    """``path:line: level: message (check)`` and the offending source line under it."""
    out = []
    for finding in findings:
        note = f" [suppressed: {finding.suppressed}]" if finding.suppressed else ""
        out.append(f"{finding.where}: {finding.level}: {finding.message} ({finding.check}){note}")
        text = line_of(finding)
        if text.strip():
            out.append(f"    {text.strip()}")
    return "\n".join(out)


def as_json(findings: Sequence[Finding], line_of: Callable[[Finding], str]) -> str:
    """A JSON list of findings with path, line, level, check, message, subject and source line."""
    return json.dumps(
        [
            {
                "path": f.location.path,
                "line": f.location.line,
                "column": f.column,
                "level": str(f.level),
                "check": f.check,
                "message": f.message,
                "subject": f.subject,
                "source": line_of(f).strip(),
            }
            for f in findings
        ],
        indent=2,
    )


def github(findings: Sequence[Finding], line_of: Callable[[Finding], str]) -> str:
    """GitHub Actions workflow commands (``::error file=...,line=...::message``)."""

    def escape(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    return "\n".join(
        f"::{GITHUB_LEVEL[f.level]} file={f.location.path},line={f.location.line or 1}"
        f"{f',col={f.column}' if f.column else ''},title={f.check}::{escape(f.message)}"
        for f in findings
    )


FORMATS = {"text": human, "json": as_json, "github": github}


def summary(findings: Sequence[Finding]) -> str:
    """A count per level, e.g. ``2 bugs, 1 warning``; 'no findings' when empty."""
    counts = {level: sum(1 for f in findings if f.level == level) for level in Level}
    parts = [f"{n} {level}{'s' if n != 1 else ''}" for level, n in sorted(counts.items(), reverse=True) if n]
    return ", ".join(parts) or "no findings"
