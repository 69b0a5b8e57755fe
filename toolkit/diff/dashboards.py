"""Dashboard changes: added, removed, renamed; panels added, removed, moved, retyped; queries, units,
thresholds, descriptions; variables and links. Panels are matched by title, so renumbering is no change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from toolkit.bundle import Bundle, DashboardEntry
from toolkit.diff.model import ADDED, CHANGED, REMOVED, Change, line_diff, show
from toolkit.diff.promql_text import moved_thresholds, pretty, same


def panels_by_title(board: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Panels (rows included) by title; a repeated title gets ``#2``, ``#3``... in grid order."""
    found: dict[str, dict[str, Any]] = {}

    def add(panel: dict[str, Any]) -> None:
        title = str(panel.get("title") or f"untitled {panel.get('type', 'panel')}")
        key, n = title, 1
        while key in found:
            n += 1
            key = f"{title} #{n}"
        found[key] = panel

    for panel in board.get("panels") or []:
        add(panel)
        for child in panel.get("panels") or []:
            add(child)
    return found


def _where(panel: dict[str, Any]) -> str:
    pos = panel.get("gridPos") or {}
    return f"x={pos.get('x', 0)},y={pos.get('y', 0)} ({pos.get('w', 0)}x{pos.get('h', 0)})"


def _unit(panel: dict[str, Any]) -> str:
    return (panel.get("fieldConfig") or {}).get("defaults", {}).get("unit", "")


def _steps(panel: dict[str, Any]) -> str:
    steps = ((panel.get("fieldConfig") or {}).get("defaults", {}).get("thresholds") or {}).get("steps") or []
    return ", ".join(
        f"{s.get('color')}@{show(s.get('value')) if s.get('value') is not None else 'base'}" for s in steps
    )


def _queries(panel: dict[str, Any]) -> dict[str, str]:
    return {str(t.get("refId", i)): str(t.get("expr", "")) for i, t in enumerate(panel.get("targets") or [])}


def _panel_changes(section: str, title: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    label = f'panel "{title}"'
    if old.get("type") != new.get("type"):
        yield Change(section, CHANGED, f"{label}: type {show(old.get('type'))} -> {show(new.get('type'))}")
    if (old.get("gridPos") or {}) != (new.get("gridPos") or {}):
        yield Change(section, CHANGED, f"{label}: moved from {_where(old)} to {_where(new)}")
    if _unit(old) != _unit(new):
        yield Change(section, CHANGED, f"{label}: unit {show(_unit(old))} -> {show(_unit(new))}")
    if _steps(old) != _steps(new):
        yield Change(section, CHANGED, f"{label}: thresholds {show(_steps(old))} -> {show(_steps(new))}")
    if (old.get("description") or "") != (new.get("description") or ""):
        yield Change(
            section,
            CHANGED,
            f"{label}: description changed",
            line_diff(old.get("description") or "", new.get("description") or ""),
        )
    old_q, new_q = _queries(old), _queries(new)
    for ref in sorted(set(old_q) | set(new_q)):
        if ref not in old_q:
            yield Change(section, CHANGED, f"{label}: query {ref} added", (f"+ {pretty(new_q[ref])}",))
        elif ref not in new_q:
            yield Change(section, CHANGED, f"{label}: query {ref} removed", (f"- {pretty(old_q[ref])}",))
        elif not same(old_q[ref], new_q[ref]):
            moved = moved_thresholds(old_q[ref], new_q[ref])
            what = "; ".join(f"{a} -> {b}" for a, b in moved)
            text = (
                f"{label}: query {ref} number moved from {what}" if moved else f"{label}: query {ref} changed"
            )
            yield Change(
                section, CHANGED, text, () if moved else line_diff(pretty(old_q[ref]), pretty(new_q[ref]))
            )


def _named(items: list[dict[str, Any]] | None, key: str) -> dict[str, dict[str, Any]]:
    return {str(item.get(key)): item for item in items or [] if isinstance(item, dict)}


def _variable_text(variable: dict[str, Any]) -> str:
    query = variable.get("query")
    query = query.get("query", "") if isinstance(query, dict) else query
    return f"{variable.get('type', '')} {show(query)}"


def _board_changes(old: DashboardEntry, new: DashboardEntry) -> Iterator[Change]:
    section = f"dashboard {new.uid}"
    if old.data.get("title") != new.data.get("title"):
        yield Change(section, CHANGED, f'renamed from "{old.data.get("title")}" to "{new.data.get("title")}"')
    if old.folder and new.folder and old.folder != new.folder:
        yield Change(section, CHANGED, f"folder {show(old.folder)} -> {show(new.folder)}")
    old_panels, new_panels = panels_by_title(old.data), panels_by_title(new.data)
    for title in new_panels:
        if title not in old_panels:
            yield Change(
                section,
                ADDED,
                f'panel "{title}" ({new_panels[title].get("type")}) at {_where(new_panels[title])}',
            )
    for title in old_panels:
        if title not in new_panels:
            yield Change(section, REMOVED, f'panel "{title}"')
        else:
            yield from _panel_changes(section, title, old_panels[title], new_panels[title])
    old_vars = _named((old.data.get("templating") or {}).get("list"), "name")
    new_vars = _named((new.data.get("templating") or {}).get("list"), "name")
    for name in sorted(set(old_vars) | set(new_vars)):
        if name not in old_vars:
            yield Change(section, ADDED, f"variable ${name}: {_variable_text(new_vars[name])}")
        elif name not in new_vars:
            yield Change(section, REMOVED, f"variable ${name}")
        elif _variable_text(old_vars[name]) != _variable_text(new_vars[name]):
            yield Change(
                section,
                CHANGED,
                f"variable ${name}: {_variable_text(old_vars[name])} -> {_variable_text(new_vars[name])}",
            )
    old_links = {str(link.get("url")): link.get("title") for link in old.data.get("links") or []}
    new_links = {str(link.get("url")): link.get("title") for link in new.data.get("links") or []}
    for url in sorted(set(old_links) | set(new_links)):
        if url not in old_links:
            yield Change(section, ADDED, f'link "{new_links[url]}" -> {url}')
        elif url not in new_links:
            yield Change(section, REMOVED, f'link "{old_links[url]}" -> {url}')


def dashboard_changes(old: Bundle, new: Bundle) -> list[Change]:
    """Every dashboard change from ``old`` to ``new``, by dashboard uid."""
    before = {board.uid: board for board in old.dashboards}
    after = {board.uid: board for board in new.dashboards}
    changes: list[Change] = []
    for uid in sorted(set(before) | set(after)):
        if uid not in before:
            board = after[uid]
            panels = sum(1 for p in panels_by_title(board.data).values() if p.get("type") != "row")
            changes.append(
                Change(
                    f"dashboard {uid}", ADDED, f'dashboard "{board.data.get("title")}" with {panels} panels'
                )
            )
        elif uid not in after:
            changes.append(
                Change(f"dashboard {uid}", REMOVED, f'dashboard "{before[uid].data.get("title")}"')
            )
        else:
            changes.extend(_board_changes(before[uid], after[uid]))
    return changes
