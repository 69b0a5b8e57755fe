"""Old value and range mappings (type 1 and 2) as current value, range and special-value mappings.

Follows grafana/grafana packages/grafana-data/src/utils/valueMappings.ts
(``convertOldAngularValueMappings``, ``upgradeOldAngularValueMapping``) and ``upgradeValueMappings`` in
public/app/features/dashboard/state/DashboardMigrator.ts (schemaVersion 30).
"""

from __future__ import annotations

import math
from typing import Any

from toolkit.bundle.shape import objects


def js_number(value: Any) -> float | int | None:
    """JavaScript's ``Number(value)`` / ``+value``: ``""`` is 0, text that is no number is NaN (None)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return 0
    try:
        number = float(text)
    except ValueError:
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


def _parse_float(value: Any) -> float | None:
    """JavaScript's ``parseFloat`` on the leading number of ``value``, or None."""
    text = str(value if value is not None else "").strip()
    end = 0
    for end in range(len(text), 0, -1):
        try:
            return float(text[:end])
        except ValueError:
            continue
    return None


def _active_color(text: Any, thresholds: Any) -> str | None:
    """``getActiveThreshold``: the colour of the last step at or below the mapped text's number."""
    number = _parse_float(text)
    steps = (thresholds or {}).get("steps") if isinstance(thresholds, dict) else None
    if number is None or not steps:
        return None
    color = None
    for index, step in enumerate(steps):
        value = step.get("value")
        if index == 0 or value is None or number >= value:
            color = step.get("color")
        else:
            break
    return color


def _result(old: dict[str, Any], thresholds: Any) -> dict[str, Any]:
    result = {"text": old.get("text"), "color": _active_color(old.get("text"), thresholds)}
    return {k: v for k, v in result.items() if v is not None}


def upgrade_mapping(old: dict[str, Any], kind: int | str, thresholds: Any) -> dict[str, Any] | None:
    """One old mapping of ``kind`` (1/"value" or 2/"range") as its current form (None when empty)."""
    if kind in (1, "value"):
        if old.get("value") is None:
            return None
        if old["value"] == "null":
            return {"type": "special", "options": {"match": "null", "result": _result(old, thresholds)}}
        return {"type": "value", "options": {str(old["value"]): _result(old, thresholds)}}
    if old.get("from") == "null" or old.get("to") == "null":
        return {"type": "special", "options": {"match": "null", "result": _result(old, thresholds)}}
    return {
        "type": "range",
        "options": {
            "from": js_number(old.get("from")),
            "to": js_number(old.get("to")),
            "result": _result(old, thresholds),
        },
    }


def angular_mappings(panel: dict[str, Any], thresholds: Any) -> list[dict[str, Any]]:
    """``convertOldAngularValueMappings``: a singlestat's ``valueMaps`` or ``rangeMaps``, whichever its
    ``mappingType`` (or, without one, the first non-empty list) selects."""
    kind = panel.get("mappingType")
    if not kind:
        kind = 1 if panel.get("valueMaps") else 2 if panel.get("rangeMaps") else None
    source = panel.get("valueMaps") if kind == 1 else panel.get("rangeMaps") if kind == 2 else None
    found = [upgrade_mapping(m, kind, thresholds) for m in objects(source)]
    return [m for m in found if m]


def upgrade_value_mappings(mappings: list[Any], thresholds: Any) -> list[dict[str, Any]]:
    """``upgradeValueMappings`` (schemaVersion 30): new-style mappings kept (value maps merged into one,
    first), old ones converted."""
    merged: dict[str, Any] = {}
    found: list[dict[str, Any]] = []
    for old in mappings:
        if not isinstance(old, dict):
            continue
        if old.get("type") and isinstance(old.get("options"), dict):
            if old["type"] == "value":
                merged.update(old["options"])
            else:
                found.append(old)
            continue
        if old.get("type") == 1 and old.get("value") is not None:
            if old["value"] == "null":
                found.append(
                    {"type": "special", "options": {"match": "null", "result": _result(old, thresholds)}}
                )
            else:
                merged[str(old["value"])] = _result(old, thresholds)
        elif old.get("type") == 2:
            found.append(
                {
                    "type": "range",
                    "options": {
                        "from": js_number(old.get("from")),
                        "to": js_number(old.get("to")),
                        "result": _result(old, thresholds),
                    },
                }
            )
    if merged:
        found.insert(0, {"type": "value", "options": merged})
    return found
