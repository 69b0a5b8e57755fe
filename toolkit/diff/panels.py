"""One panel's changes: type, position, unit, thresholds, description and queries in words; every other
field (options, overrides, transformations, a query's legend...) as a path-level change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from toolkit.diff.generic import (
    MISSING,
    Path,
    at,
    differing,
    generic_changes,
    keyed,
    matched,
    order_change,
    plain,
    value_text,
    without,
)
from toolkit.diff.model import CHANGED, Change, line_diff, show
from toolkit.diff.promql_text import difference, pretty

UNIT: Path = ("fieldConfig", "defaults", "unit")
STEPS: Path = ("fieldConfig", "defaults", "thresholds", "steps")
GRID = ("x", "y", "w", "h")


def where(panel: dict[str, Any]) -> str:
    """``x=0,y=1 (12x8)``: a panel's place on the grid."""
    pos = panel.get("gridPos")
    pos = pos if isinstance(pos, dict) else {}
    x, y, w, h = (plain(pos.get(k, MISSING)) for k in GRID)
    return f"x={x},y={y} ({w}x{h})"


def _step(step: Any) -> str:
    if not isinstance(step, dict) or set(step) - {"color", "value"}:
        return value_text(step)
    value = step.get("value", MISSING)
    shown = "base" if value is None else show(value) if isinstance(value, int | float) else plain(value)
    return f"{plain(step.get('color', MISSING))}@{shown}"


def _steps(panel: dict[str, Any]) -> str:
    steps = at(panel, STEPS)
    if not isinstance(steps, list):
        return plain(steps)
    return ", ".join(_step(s) for s in steps)


Wording = tuple[tuple[Path, ...], Callable[[dict[str, Any]], str], Callable[[str, str], str]]
WORDINGS: tuple[Wording, ...] = (
    ((("type",),), lambda p: plain(p.get("type", MISSING)), lambda a, b: f"type {a} -> {b}"),
    (tuple(("gridPos", k) for k in GRID), where, lambda a, b: f"moved from {a} to {b}"),
    ((UNIT,), lambda p: plain(at(p, UNIT)), lambda a, b: f"unit {a} -> {b}"),
    ((STEPS,), _steps, lambda a, b: f"thresholds {a} -> {b}"),
)


def _description(section: str, label: str, old: Any, new: Any) -> Iterator[Change]:
    a, b = old.get("description", ""), new.get("description", "")
    if isinstance(a, str) and isinstance(b, str) and a != b:
        yield Change(section, CHANGED, f"{label}: description changed", line_diff(a, b))


def _targets(panel: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    targets = panel.get("targets", [])
    if not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
        return None
    return keyed((str(t.get("refId", f"#{i + 1}")), t) for i, t in enumerate(targets))


def _query_changes(
    section: str, label: str, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> Iterator[Change]:
    for ref, a, b in matched(old, new):
        if a is MISSING or b is MISSING:
            query, sign = (b, "+") if a is MISSING else (a, "-")
            what = "added" if a is MISSING else "removed"
            expr = pretty(str(query.get("expr", "")))
            yield Change(section, CHANGED, f"{label}: query {ref} {what}", (f"{sign} {expr}",))
        elif a != b:
            rest: tuple[Path, ...] = ()
            if isinstance(a.get("expr"), str) and isinstance(b.get("expr"), str):
                found = difference(a["expr"], b["expr"])
                if found:
                    moved, detail = found
                    text = f"number moved {moved}" if moved else "changed"
                    yield Change(section, CHANGED, f"{label}: query {ref} {text}", detail)
                rest = (("expr",),)
            yield from generic_changes(section, f"{label}: query {ref}", *without(a, b, rest))
    yield from order_change(section, f"{label}: query", old, new)


def nested_panels(panel: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The panels a (collapsed) row holds; None when ``panels`` is there but not a list of panels."""
    if "panels" not in panel:
        return []
    held = panel["panels"]
    return held if isinstance(held, list) and all(isinstance(p, dict) for p in held) else None


def panel_changes(section: str, label: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """Every change of one panel (matched by title); its id and nested panels are compared elsewhere."""
    if old == new:
        return
    old, new = differing(old, new)
    done: list[Path] = [("id",)]
    held = nested_panels(old), nested_panels(new)
    if (
        held[0] is not None
        and held[1] is not None
        and (held[0] or held[1] or ("panels" in old) == ("panels" in new))
    ):
        done.append(("panels",))
    for paths, render, word in WORDINGS:
        if paths[0][0] in old or paths[0][0] in new:
            a, b = render(old), render(new)
            if a != b:
                yield Change(section, CHANGED, f"{label}: {word(a, b)}")
                done += paths
    described = list(_description(section, label, old, new))
    yield from described
    done += [("description",)] if described else []
    queries = (_targets(old), _targets(new)) if "targets" in old or "targets" in new else (None, None)
    if queries[0] is not None and queries[1] is not None:
        worded = list(_query_changes(section, label, queries[0], queries[1]))
        yield from worded
        done += [("targets",)] if worded or ("targets" in old) == ("targets" in new) else []
    yield from generic_changes(section, label, *without(old, new, done))
