"""A dashboard's layout as SVG: each panel a box at its gridPos on the 24-column grid, rows as bands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from toolkit.diff.dashboards import panels_by_title

COLUMN, ROW_UNIT, MARGIN = 40, 30, 10
GRID = 24


def quoteattr_free(text: str) -> str:
    """``text`` escaped for use inside a double-quoted XML attribute."""
    return escape(text, {'"': "&quot;"})


def _clip(text: str, width_px: int) -> str:
    room = max(3, width_px // 7)
    return text if len(text) <= room else text[: room - 1] + "…"


def render_svg(board: dict[str, Any], highlight: Iterable[str] = ()) -> str:
    """The SVG text; panels whose keys (titles, ``#2`` for a repeated title) are in ``highlight`` are orange."""
    marked = set(highlight)
    keyed = panels_by_title(board)
    panels = list(keyed.values())
    bottom = max(
        (p.get("gridPos", {}).get("y", 0) + p.get("gridPos", {}).get("h", 1) for p in panels), default=1
    )
    width, height = GRID * COLUMN + 2 * MARGIN, bottom * ROW_UNIT + 2 * MARGIN + 30
    title = escape(str(board.get("title") or board.get("uid") or "dashboard"))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="Helvetica, Arial, sans-serif">',
        f'<rect width="{width}" height="{height}" fill="#111217"/>',
        f'<text x="{MARGIN}" y="22" fill="#ccccdc" font-size="16" font-weight="bold">{title}</text>',
    ]
    for key, panel in keyed.items():
        pos = panel.get("gridPos") or {}
        x = MARGIN + int(pos.get("x", 0)) * COLUMN
        y = MARGIN + 30 + int(pos.get("y", 0)) * ROW_UNIT
        w, h = int(pos.get("w", GRID)) * COLUMN, int(pos.get("h", 1)) * ROW_UNIT
        name = str(panel.get("title") or "")
        kind = str(panel.get("type") or "")
        if kind == "row":
            out.append(
                f'<g class="row" data-title="{quoteattr_free(name)}">'
                f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#22252b"/>'
                f'<text x="{x + 8}" y="{y + h - 9}" fill="#ccccdc" font-size="13" font-weight="bold">▾ {escape(_clip(name, w))}</text></g>'
            )
            continue
        unit = (panel.get("fieldConfig") or {}).get("defaults", {}).get("unit", "")
        caption = f"{kind} · {unit or 'no unit'}"
        stroke = "#ff9830" if key in marked else "#34373f"
        fill = "#3d2a12" if key in marked else "#181b1f"
        out.append(
            f'<g class="panel" data-title="{quoteattr_free(name)}" data-x="{pos.get("x", 0)}" '
            f'data-y="{pos.get("y", 0)}" data-w="{pos.get("w", GRID)}" data-h="{pos.get("h", 1)}">'
            f'<rect x="{x + 2}" y="{y + 2}" width="{w - 4}" height="{h - 4}" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
            f'<text x="{x + 10}" y="{y + 20}" fill="#ccccdc" font-size="13">{escape(_clip(name, w - 20))}</text>'
            f'<text x="{x + 10}" y="{y + 38}" fill="#8e8e8e" font-size="11">{escape(_clip(caption, w - 20))}</text>'
            "</g>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
