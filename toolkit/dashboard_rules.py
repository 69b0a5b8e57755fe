"""House rules every built dashboard keeps: each panel has a unit and a description, and every
``rate``/``irate`` window is ``$__rate_interval``, so panels stay right at any zoom and scrape interval.

The build refuses a dashboard that breaks them, naming the panel's Python line, unless the dashboard
sets ``lint_ignore`` for the rule's check (``panel/units``, ``panel/description``, ``target/rate-interval``)
with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

RATE_WINDOW = re.compile(r"\b(i?rate)\s*\(((?:[^()]|\([^()]*\))*?)\[([^\]:]+)\]")
RATE_INTERVAL = "$__rate_interval"


@dataclass(frozen=True)
class PanelProblem:
    """One broken rule: the panel's id and title, and what to fix."""

    panel_id: int
    title: str
    check: str
    message: str


def _panels(board: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in board.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def dashboard_problems(board: dict[str, Any]) -> list[PanelProblem]:
    """Every panel of ``board`` (current Grafana JSON) that lacks a unit or description or uses a fixed rate window."""
    problems = []
    for panel in _panels(board):
        if panel.get("type") == "row":
            continue
        found = []
        if not (panel.get("fieldConfig", {}).get("defaults", {}).get("unit") or "").strip():
            found.append(
                ("panel/units", "has no unit: pass unit=, e.g. 'short', 'percentunit', 's' or 'bytes'")
            )
        if not (panel.get("description") or "").strip():
            found.append(("panel/description", "has no description: say what it shows and how to read it"))
        for target in panel.get("targets", []):
            for function, _, window in RATE_WINDOW.findall(target.get("expr", "")):
                if window.strip() != RATE_INTERVAL:
                    message = f"uses {function}(...[{window}]): write [{RATE_INTERVAL}] so the window follows the zoom"
                    found.append(("target/rate-interval", message))
        problems += [
            PanelProblem(panel.get("id", 0), panel.get("title", ""), check, text) for check, text in found
        ]
    return problems
