"""Dashboard changes: added, removed, renamed, moved to another folder; tags; panels added, removed, moved
(on the grid or between rows), renumbered, and each panel's own changes; variables and links; every
other field (refresh, time, timepicker, annotations...) as a path-level change.

Panels are matched by title and variables by name, so renumbering a panel changes only its id, and the
order of ``panels`` is no change (Grafana orders panels by their grid position)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from toolkit.bundle import Bundle, DashboardEntry
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
    unique_key,
    without,
)
from toolkit.diff.model import ADDED, CHANGED, REMOVED, Change, show
from toolkit.diff.panels import nested_panels, panel_changes, where

TOP = "(top level)"


def _panel_key(panel: dict[str, Any]) -> str:
    return str(panel.get("title") or f"untitled {panel.get('type', 'panel')}")


def keyed_panels(board: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]] | None:
    """Panels (rows and their nested panels included) by title, with the title of the row holding each
    (``(top level)`` for none); a repeated title gets ``#2``, ``#3``... None when ``panels`` is not a
    list of panels."""
    panels = nested_panels(board)
    if panels is None:
        return None
    found: dict[str, tuple[dict[str, Any], str]] = {}
    for panel in panels:
        row = unique_key(found, _panel_key(panel))
        found[row] = (panel, TOP)
        for child in nested_panels(panel) or []:
            found[unique_key(found, _panel_key(child))] = (child, row)
    return found


def panels_by_title(board: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Panels (rows included) by title; a repeated title gets ``#2``, ``#3``... in grid order."""
    return {key: panel for key, (panel, _) in (keyed_panels(board) or {}).items()}


def _panel_set_changes(
    section: str, old: dict[str, tuple[dict[str, Any], str]], new: dict[str, tuple[dict[str, Any], str]]
) -> Iterator[Change]:
    for key, (panel, _) in new.items():
        if key not in old:
            yield Change(
                section, ADDED, f'panel "{key}" ({plain(panel.get("type", MISSING))}) at {where(panel)}'
            )
    renumbered = []
    for key, (panel, row) in old.items():
        if key not in new:
            yield Change(section, REMOVED, f'panel "{key}"')
            continue
        other, other_row = new[key]
        if row != other_row:
            yield Change(section, CHANGED, f'panel "{key}": moved from row "{row}" to row "{other_row}"')
        yield from panel_changes(section, f'panel "{key}"', panel, other)
        before, after = plain(panel.get("id", MISSING)), plain(other.get("id", MISSING))
        if before != after:
            renumbered.append(f'"{key}" {before} -> {after}')
        elif panel.get("id", MISSING) != other.get("id", MISSING):
            yield from generic_changes(
                section, f'panel "{key}"', {"id": panel.get("id")}, {"id": other.get("id")}
            )
    if renumbered:
        yield Change(section, CHANGED, f"panel ids: {', '.join(renumbered)}")


def _variables(board: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    variables = at(board, ("templating", "list"))
    variables = [] if variables is MISSING else variables
    if not isinstance(variables, list) or not all(isinstance(v, dict) for v in variables):
        return None
    return keyed((str(v.get("name")), v) for v in variables)


def _variable_text(variable: dict[str, Any]) -> str:
    return f"{plain(variable.get('type', MISSING))} {plain(variable.get('query', MISSING))}"


def _variable_changes(
    section: str, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> Iterator[Change]:
    for name, a, b in matched(old, new):
        if a is MISSING:
            yield Change(section, ADDED, f"variable ${name}: {_variable_text(b)}")
        elif b is MISSING:
            yield Change(section, REMOVED, f"variable ${name}")
        elif a != b:
            done: tuple[Path, ...] = ()
            before, after = _variable_text(a), _variable_text(b)
            if before != after:
                yield Change(section, CHANGED, f"variable ${name}: {before} -> {after}")
                done = (("type",), ("query",))
            yield from generic_changes(section, f"variable ${name}", *without(a, b, done))
    yield from order_change(section, "variable", old, new)


def _links(board: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    links = board.get("links", [])
    if not isinstance(links, list) or not all(isinstance(link, dict) for link in links):
        return None
    return keyed((plain(link.get("url", MISSING)), link) for link in links)


def _link_changes(
    section: str, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> Iterator[Change]:
    for url, a, b in matched(old, new):
        if a is MISSING or b is MISSING:
            link = b if a is MISSING else a
            kind = ADDED if a is MISSING else REMOVED
            yield Change(section, kind, f'link "{plain(link.get("title", MISSING))}" -> {url}')
        else:
            yield from generic_changes(section, f"link {url}", a, b)
    yield from order_change(section, "link", old, new)


def _tags(board: dict[str, Any]) -> list[str] | None:
    tags = board.get("tags", [])
    return tags if isinstance(tags, list) and all(isinstance(t, str) for t in tags) else None


def _tag_changes(section: str, old: list[str], new: list[str]) -> Iterator[Change]:
    added = [t for t in new if t not in old]
    removed = [t for t in old if t not in new]
    if added or removed:
        words = [*(f"+ {t}" for t in added), *(f"- {t}" for t in removed)]
        yield Change(section, CHANGED, f"tags: {', '.join(words)}")


PARTS = (
    ("tags", ("tags",), _tags, _tag_changes),
    ("templating", ("templating", "list"), _variables, _variable_changes),
    ("links", ("links",), _links, _link_changes),
)


def _parts(section: str, a: dict[str, Any], b: dict[str, Any]) -> Iterator[tuple[Path, list[Change]]]:
    """Each worded part of two dashboards (cut to the fields that differ): the path it covers and its
    changes."""
    if "title" in a or "title" in b:
        title = plain(a.get("title", MISSING)), plain(b.get("title", MISSING))
        if title[0] != title[1]:
            yield ("title",), [Change(section, CHANGED, f'renamed from "{title[0]}" to "{title[1]}"')]
    for key, path, read, word in PARTS:
        if key in a or key in b:
            parts = read(a), read(b)
            if parts[0] is not None and parts[1] is not None:
                yield path, list(word(section, parts[0], parts[1]))


def board_changes(old: DashboardEntry, new: DashboardEntry) -> list[Change]:
    """Every change from one dashboard to another (the same uid): worded where known, else by path."""
    section = f"dashboard {new.uid}"
    changes = []
    if old.folder != new.folder:
        changes.append(Change(section, CHANGED, f"folder {show(old.folder)} -> {show(new.folder)}"))
    if old.data == new.data:
        return changes
    a, b = differing(old.data, new.data)
    done: list[Path] = []
    panels = keyed_panels(a), keyed_panels(b)
    if panels[0] is not None and panels[1] is not None:
        worded = list(_panel_set_changes(section, panels[0], panels[1]))
        changes += worded
        # the order of panels is no change; an absent list and an empty one are left to the path level
        done += [("panels",)] if worded or ("panels" in a) == ("panels" in b) else []
    for path, worded in _parts(section, a, b):
        changes += worded
        done += [path] if worded else []
    changes += generic_changes(section, "", *without(a, b, done))
    return changes


def added(board: DashboardEntry) -> Change:
    """A dashboard that only the new side has: its title and number of panels."""
    panels = sum(1 for p in panels_by_title(board.data).values() if p.get("type") != "row")
    title = plain(board.data.get("title", MISSING))
    return Change(f"dashboard {board.uid}", ADDED, f'dashboard "{title}" with {panels} panels')


def removed(board: DashboardEntry) -> Change:
    """A dashboard that only the old side has: its title."""
    return Change(f"dashboard {board.uid}", REMOVED, f'dashboard "{plain(board.data.get("title", MISSING))}"')


def dashboard_changes(old: Bundle, new: Bundle) -> list[Change]:
    """Every dashboard change from ``old`` to ``new``, by dashboard uid."""
    before = {board.uid: board for board in old.dashboards}
    after = {board.uid: board for board in new.dashboards}
    changes: list[Change] = []
    for uid in sorted(set(before) | set(after)):
        if uid not in before:
            changes.append(added(after[uid]))
        elif uid not in after:
            changes.append(removed(before[uid]))
        else:
            changes.extend(board_changes(before[uid], after[uid]))
    return changes
