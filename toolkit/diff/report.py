"""Changes as text (coloured on a terminal), as a pull-request comment in Markdown, or as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import groupby

from toolkit.diff.model import ADDED, CHANGED, REMOVED, Change

COLOURS = {ADDED: "green", REMOVED: "red", CHANGED: "yellow"}
Style = Callable[..., str]


def _sections(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    return [(section, list(items)) for section, items in groupby(changes, key=lambda c: c.section)]


def text(changes: Sequence[Change], style: Style = lambda s, **_: s) -> str:
    """One block per section: ``+``/``-``/``~`` lines, detail lines indented under them."""
    if not changes:
        return "no differences"
    out = []
    for section, items in _sections(changes):
        out.append(style(section, bold=True))
        for change in items:
            out.append(style(f"  {change.kind} {change.text}", fg=COLOURS[change.kind]))
            for line in change.detail:
                out.append(style(f"      {line}", fg=COLOURS.get(line[:1])))
    return "\n".join(out)


def markdown(changes: Sequence[Change], previews: dict[str, tuple[str, str]] | None = None) -> str:
    """A summary table, then one collapsible section per dashboard or rule group.

    ``previews`` maps a section to the (before, after) SVG paths to link.
    """
    if not changes:
        return "### toolkit diff\n\nNo differences.\n"
    rows = ["### toolkit diff", "", "| | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
    sections = _sections(changes)
    for section, items in sections:
        counts = [sum(1 for c in items if c.kind == kind) for kind in (ADDED, REMOVED, CHANGED)]
        rows.append(f"| {section} | {counts[0]} | {counts[1]} | {counts[2]} |")
    for section, items in sections:
        rows += [
            "",
            f"<details><summary><b>{section}</b> ({len(items)} change{'s' if len(items) != 1 else ''})</summary>",
            "",
        ]
        if previews and section in previews:
            before, after = previews[section]
            rows += [f"Layout: [before]({before}) · [after]({after})", ""]
        for change in items:
            rows.append(f"- `{change.kind}` {change.text}")
        details = [line for change in items for line in change.detail]
        if details:
            rows += ["", "```diff", *details, "```"]
        rows += ["", "</details>"]
    return "\n".join(rows) + "\n"


def as_json(changes: Sequence[Change]) -> str:
    """A JSON list of changes."""
    return json.dumps(
        [{"section": c.section, "kind": c.kind, "text": c.text, "detail": list(c.detail)} for c in changes],
        indent=2,
    )
