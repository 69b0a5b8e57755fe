"""Reading JSON that may not have the shape Grafana writes: a wrong type reads as empty, never raises."""

from __future__ import annotations

from typing import Any


def mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def objects(value: Any) -> list[dict[str, Any]]:
    """The objects in ``value`` when it is a list (other entries skipped), else none."""
    return [item for item in items(value) if isinstance(item, dict)]
