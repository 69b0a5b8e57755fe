"""Findings as text for people, JSON for tools, or GitHub workflow annotations, written as they come.

Each format gives its report line by line as the findings come, so a long run's findings need not be held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from toolkit.lint.findings import Finding, Level

GITHUB_LEVEL = {Level.INFO: "notice", Level.WARNING: "warning", Level.BUG: "error", Level.FATAL: "error"}
SOURCE_WIDTH = 240  # characters of a long source line the text report shows, around the finding's column


def human(findings: Iterable[Finding], line_of: Callable[[Finding], str]) -> Iterator[str]:
    """``path:line: level: message (check)`` and the offending source line under it (of a long line, such as
    a minified dashboard's only one, the part around the finding's column)."""
    for finding in findings:
        note = f" [suppressed: {finding.suppressed}]" if finding.suppressed else ""
        yield f"{finding.where}: {finding.level}: {finding.message} ({finding.check}){note}"
        text = excerpt(line_of(finding), finding.column)
        if text:
            yield f"    {text}"


def excerpt(line: str, column: int) -> str:
    """``line`` without its indentation, or of a longer line than SOURCE_WIDTH the SOURCE_WIDTH characters
    around ``column`` (1-based in ``line``; 0: from the start), with ``...`` where it is cut."""
    text = line.strip()
    if len(text) <= SOURCE_WIDTH:
        return text
    at = max(column - 1 - (len(line) - len(line.lstrip())), 0) if column else 0
    start = min(max(at - SOURCE_WIDTH // 2, 0), len(text) - SOURCE_WIDTH)
    end = start + SOURCE_WIDTH
    return f"{'...' if start else ''}{text[start:end]}{'...' if end < len(text) else ''}"


def as_json(findings: Iterable[Finding], line_of: Callable[[Finding], str]) -> Iterator[str]:
    """A JSON list of findings with path, line, level, check, message, subject and source line, line by
    line as ``json.dumps(..., indent=2)`` writes the whole list (``[]`` when there is none)."""
    import json  # here: the text and GitHub reports do without it

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
