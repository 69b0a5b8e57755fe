"""The old ``rows`` layout (``span`` out of 12, pixel heights) on the 24-column grid, as Grafana places it.

Follows grafana/grafana public/app/features/dashboard/state/DashboardMigrator.ts ``upgradeToGridLayout``
(schemaVersion 16), its ``getGridHeight`` and ``RowArea``, with the constants of
public/app/core/constants.ts (GRID_CELL_HEIGHT 30, GRID_CELL_VMARGIN 8, GRID_COLUMN_COUNT 24,
DEFAULT_PANEL_SPAN 4, DEFAULT_ROW_HEIGHT 250, MIN_PANEL_HEIGHT 90) and the ``minSpan`` -> ``maxPerRow``
step of schemaVersion 17.
"""

from __future__ import annotations

import math
import re
from typing import Any

from toolkit.bundle.mappings import js_number
from toolkit.bundle.notes import Notes
from toolkit.bundle.shape import items

GRID_CELL_HEIGHT = 30
GRID_CELL_VMARGIN = 8
GRID_COLUMN_COUNT = 24
DEFAULT_PANEL_SPAN = 4
DEFAULT_ROW_HEIGHT = 250
MIN_PANEL_HEIGHT = GRID_CELL_HEIGHT * 3
ROW_KEYS = frozenset(
    {"title", "collapse", "repeat", "height", "panels", "showTitle", "repeatIteration", "type"}
)


def grid_height(height: Any) -> int:
    """Grafana's ``getGridHeight``: pixels (``250`` or ``"250px"``, read as ``parseInt`` does) to grid rows,
    at least 90 px. A height that is no number counts as 90 px (Grafana would place the panel nowhere)."""
    if isinstance(height, str):
        match = re.match(r"\s*([+-]?\d+)", height.replace("px", "", 1))
        pixels = float(match.group(1)) if match else math.nan
    else:
        number = js_number(height) if isinstance(height, int | float) else None
        pixels = math.nan if number is None else float(number)
    if math.isnan(pixels) or pixels < MIN_PANEL_HEIGHT:
        pixels = MIN_PANEL_HEIGHT
    return math.ceil(pixels / (GRID_CELL_HEIGHT + GRID_CELL_VMARGIN))


class RowArea:
    """Grafana's ``RowArea``: the filled height of each column of one old row, to place the next panel."""

    def __init__(self, height: int, y: int) -> None:
        self.area = [0] * GRID_COLUMN_COUNT
        self.y = y
        self.height = height

    def add(self, pos: dict[str, int]) -> None:
        """Mark the cells ``pos`` takes."""
        for i in range(pos["x"], min(pos["x"] + pos["w"], GRID_COLUMN_COUNT)):
            filled = pos["y"] + pos["h"] - self.y
            if not self.area[i] or filled > self.area[i]:
                self.area[i] = filled

    def place(self, width: int, once: bool = False) -> tuple[int, int] | None:
        """Where a panel ``width`` wide goes (x, y within the row), wrapping to a new line when full."""
        start = end = None
        for i in range(len(self.area) - 1, -1, -1):
            if self.height - self.area[i] <= 0:
                break
            if end is None:
                end = i
            elif i < len(self.area) - 1 and self.area[i] <= self.area[i + 1]:
                start = i
            else:
                break
        if start is not None and end is not None and end - start >= width - 1:
            return start, max(self.area[start:])
        if once:
            return None
        self.y += self.height
        self.area = [0] * GRID_COLUMN_COUNT
        return self.place(width, once=True)


def _max_per_row(min_span: float) -> int:
    """schemaVersion 17: the largest factor of 24 not above 24 / minSpan."""
    factors = [f for f in range(1, GRID_COLUMN_COUNT + 1) if GRID_COLUMN_COUNT % f == 0]
    limit = GRID_COLUMN_COUNT / min_span
    above = next((i for i, f in enumerate(factors) if f > limit), len(factors))
    return factors[above - 1]


def _panel_ids(rows: list[Any]) -> list[int]:
    return [
        p["id"]
        for row in rows
        if isinstance(row, dict)
        for p in items(row.get("panels"))
        if isinstance(p, dict) and isinstance(p.get("id"), int | float) and not isinstance(p.get("id"), bool)
    ]


def upgrade_to_grid_layout(rows: list[Any], notes: Notes) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The panels of old ``rows``, placed as Grafana's ``upgradeToGridLayout`` places them, and the JSON
    path each placed panel came from (by ``id()`` of the new panel object).

    Row panels are made when any row is collapsed, repeated or shows its title; a collapsed row holds its
    panels. Row panels get ``h: 1``: Grafana's DashboardGrid lays every row out one unit high and saves
    that on the first layout change. Repeated copies of rows (``repeatIteration``) are skipped, as Grafana
    skips them.
    """
    rows = [r for r in rows if isinstance(r, dict)]
    ids = _panel_ids(rows)
    next_row_id = int(max(ids)) + 1 if ids else 1
    show_rows = any(r.get("collapse") or r.get("showTitle") or r.get("repeat") for r in rows)
    panels: list[dict[str, Any]] = []
    origins: dict[int, str] = {}
    y = 0
    for index, row in enumerate(rows):
        where = f"rows/{index}"
        if row.get("repeatIteration"):
            notes.add(where, "a repeated copy of a row: Grafana drops it and repeats the original")
            continue
        notes.dropped(where, row, ROW_KEYS, "old row setting with no equivalent on the grid")
        height = grid_height(row.get("height") or DEFAULT_ROW_HEIGHT)
        header: dict[str, Any] | None = None
        if show_rows:
            header = {"id": next_row_id, "type": "row", "title": row.get("title"), "panels": []}
            if row.get("collapse") is not None:
                header["collapsed"] = row["collapse"]
            if row.get("repeat"):
                header["repeat"] = row["repeat"]
            header["gridPos"] = {"x": 0, "y": y, "w": GRID_COLUMN_COUNT, "h": 1}
            header = {k: v for k, v in header.items() if v is not None}
            next_row_id += 1
            y += 1
        area = RowArea(height, y)
        for number, panel in enumerate(items(row.get("panels"))):
            if not isinstance(panel, dict):
                continue
            panel = dict(panel)
            origins[id(panel)] = f"{where}/panels/{number}"
            span = js_number(panel.pop("span", None)) or DEFAULT_PANEL_SPAN
            if js_number(panel.get("minSpan")):
                panel["minSpan"] = js_number(panel["minSpan"])
                panel["minSpan"] = min(GRID_COLUMN_COUNT, (GRID_COLUMN_COUNT / 12) * panel["minSpan"])
            width = math.floor(span) * (GRID_COLUMN_COUNT // 12)
            panel_height = grid_height(panel.pop("height")) if panel.get("height") else height
            panel.pop("height", None)
            place = area.place(width)
            y = area.y
            x, dy = place if place is not None else (0, 0)
            panel["gridPos"] = {"x": x, "y": y + dy, "w": width, "h": panel_height}
            area.add(panel["gridPos"])
            if panel.get("minSpan"):
                panel["maxPerRow"] = _max_per_row(panel.pop("minSpan"))
            panel.pop("minSpan", None)
            if header is not None and header.get("collapsed"):
                header["panels"].append(panel)
            else:
                panels.append(panel)
        if header is not None:
            panels.append(header)
        if not (header is not None and header.get("collapsed")):
            y += height
    return sorted(panels, key=lambda p: (p["gridPos"]["y"], p["gridPos"]["x"])), origins
