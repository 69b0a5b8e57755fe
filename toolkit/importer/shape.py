"""The shape a dashboard must have before anything is made of it: lists where Grafana keeps lists,
objects where it keeps objects. A wrong type is an error at the input's line, not a traceback."""

from __future__ import annotations

import re
from typing import Any

from toolkit.locations import SourceLocation
from toolkit.sources.files import SourceError

LISTS = ("panels", "rows", "targets", "links", "tags")
OBJECTS = ("gridPos", "fieldConfig", "options", "templating", "annotations", "time", "datasource")


def _problem(value: Any, path: str) -> tuple[str, str] | None:
    """The first (path, message) where ``value`` (a dashboard, row or panel) has a wrong type."""
    if not isinstance(value, dict):
        return path, f"{path or 'the dashboard'} must be a JSON object, not {type(value).__name__}"
    for key in LISTS:
        if key in value and value[key] is not None and not isinstance(value[key], list):
            return f"{path}.{key}".lstrip("."), f"'{key}' must be a list, not {type(value[key]).__name__}"
    for key in OBJECTS:
        if key in value and value[key] is not None and not isinstance(value[key], dict | str):
            return f"{path}.{key}".lstrip("."), f"'{key}' must be an object, not {type(value[key]).__name__}"
    if isinstance(value.get("templating"), dict):
        listed = value["templating"].get("list")
        if listed is not None and not isinstance(listed, list):
            return f"{path}.templating.list".lstrip("."), "'templating.list' must be a list"
        for i, variable in enumerate(listed or []):
            if not isinstance(variable, dict) or not isinstance(variable.get("name"), str):
                return f"templating.list[{i}]", "a variable must be an object with a 'name'"
    for key in ("panels", "rows"):
        for i, item in enumerate(value.get(key) or []):
            found = _problem(item, f"{path}.{key}[{i}]".lstrip("."))
            if found:
                return found
    for i, target in enumerate(value.get("targets") or []):
        if not isinstance(target, dict):
            return f"{path}.targets[{i}]".lstrip("."), "a query must be a JSON object"
    return None


def check_shape(board: Any, origin: str, text: str = "") -> None:
    """Raise SourceError at the line (found in ``text`` when given) of the first wrong type in ``board``."""
    found = _problem(board, "")
    if not found:
        return
    path, message = found
    key = re.findall(r"[A-Za-z_]+", path)
    line = 1
    if text and key:
        match = re.search(rf'"{re.escape(key[-1])}"\s*:', text)
        line = text.count("\n", 0, match.start()) + 1 if match else 1
    where = SourceLocation(origin, line) if "://" not in origin else SourceLocation(origin)
    raise SourceError(f"not a dashboard Grafana loads: {message} (at {path or 'top level'})", where)
