"""The one dashboard normalizer: any dashboard JSON, from any source, in the one form bundles hold.

- the API envelope ``{dashboard, meta}`` is unwrapped (``meta.folderUid`` kept as the folder);
- "export for sharing" is undone: ``__inputs`` datasources become the ``${datasource}`` variable (added
  when the dashboard has none), ``__requires`` and ``__elements`` go;
- Grafana's own additions on save (``id``, ``version``, ``iteration``, the grafana.com ``gnetId``) and the
  toolkit's ownership tag go;
- old shapes are migrated as Grafana migrates them when it opens the dashboard (:mod:`.migrate`).

What could not be carried is returned as notes (JSON path and reason); nothing is dropped silently.
Normalizing a normalized dashboard changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from toolkit.bundle.migrate import SCHEMA_VERSION, migrate_dashboard
from toolkit.bundle.notes import Note, Notes
from toolkit.bundle.shape import items

MARKER_TAG = "managed-by:toolkit"
# What Grafana adds to a dashboard when it saves or imports it; never part of what a user defines.
SERVER_KEYS = ("id", "version", "iteration", "gnetId")
SHARING_KEYS = ("__inputs", "__requires", "__elements")
DATASOURCE_VARIABLE = "datasource"

__all__ = [
    "MARKER_TAG",
    "SCHEMA_VERSION",
    "NormalizedDashboard",
    "normalize_dashboard",
    "unwrap",
    "without_additions",
]


@dataclass(frozen=True)
class NormalizedDashboard:
    """A dashboard in the one normalized form, the folder its envelope named, and what was not carried."""

    data: dict[str, Any]
    folder: str = ""
    notes: tuple[Note, ...] = field(default=())


def unwrap(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The dashboard inside an API envelope ``{dashboard, meta}`` (or ``data`` itself) and its folder uid."""
    inner = data.get("dashboard")
    if isinstance(inner, dict) and "panels" not in data and "rows" not in data:
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        return inner, str(meta.get("folderUid") or "")
    return data, ""


def _undo_sharing_export(board: dict[str, Any], notes: Notes) -> dict[str, Any]:
    """Export-for-sharing undone: each datasource input ``${DS_X}`` becomes ``${datasource}``."""
    inputs = [
        i for i in items(board.get("__inputs")) if isinstance(i, dict) and i.get("type") == "datasource"
    ]
    elements = board.get("__elements") if isinstance(board.get("__elements"), dict) else {}
    for uid in elements:
        notes.add(
            f"__elements/{uid}", "library panel model of the export: Grafana keeps library panels apart"
        )
    plain = {k: v for k, v in board.items() if k not in SHARING_KEYS}
    if not inputs:
        return plain
    text = json.dumps(plain)
    for item in inputs:
        text = text.replace(f"${{{item.get('name')}}}", f"${{{DATASOURCE_VARIABLE}}}")
    plain = json.loads(text)
    templating = plain.setdefault("templating", {})
    if isinstance(templating, dict):
        variables = templating.setdefault("list", [])
        if isinstance(variables, list) and not any(
            isinstance(v, dict) and v.get("name") == DATASOURCE_VARIABLE for v in variables
        ):
            plugin = str(inputs[0].get("pluginId") or "prometheus")
            variables.insert(
                0,
                {
                    "name": DATASOURCE_VARIABLE,
                    "label": str(inputs[0].get("label") or "Data source"),
                    "type": "datasource",
                    "query": plugin,
                    "current": {},
                    "hide": 0,
                    "options": [],
                    "refresh": 1,
                    "regex": "",
                },
            )
    return plain


def without_additions(board: dict[str, Any]) -> dict[str, Any]:
    """``board`` without what Grafana adds when it saves a dashboard (:data:`SERVER_KEYS`) and without the
    toolkit's ownership tag: a shallow copy, ``board`` is left as it was. A dashboard the toolkit saved in
    normalized form comes back from Grafana as exactly that form plus these additions."""
    board = {k: v for k, v in board.items() if k not in SERVER_KEYS}
    if isinstance(board.get("tags"), list) and MARKER_TAG in board["tags"]:
        board["tags"] = [t for t in board["tags"] if t != MARKER_TAG]
    return board


def normalize_dashboard(data: dict[str, Any], *, copy: bool = True) -> NormalizedDashboard:
    """``data`` (bare, enveloped, exported for sharing, live or legacy) in the one normalized form.

    ``data`` is left as it was, unless ``copy`` is false: a caller that just parsed it and keeps no other
    reference saves the copy (half the time on a current dashboard)."""
    if copy:
        data = json.loads(json.dumps(data))  # a deep copy of plain JSON data, faster than copy.deepcopy
    board, folder = unwrap(data)
    notes = Notes()
    board = without_additions(_undo_sharing_export(board, notes))
    board = migrate_dashboard(board, notes)
    return NormalizedDashboard(board, folder, tuple(notes))
