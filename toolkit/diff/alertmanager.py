"""Alertmanager changes: receivers added, removed or changed; routes as 'matchers -> receiver' lines;
inhibition rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from toolkit.bundle import Bundle
from toolkit.diff.model import ADDED, CHANGED, REMOVED, Change, line_diff

SECTION = "alertmanager"


def _routes(route: dict[str, Any], parents: tuple[str, ...] = ()) -> Iterator[str]:
    matchers = parents + tuple(route.get("matchers") or ())
    options = ", ".join(f"{k}={route[k]}" for k in ("continue", "group_by", "repeat_interval") if k in route)
    yield f"{' & '.join(matchers) or '(default)'} -> {route.get('receiver', '(inherited)')}{f' [{options}]' if options else ''}"
    for child in route.get("routes") or []:
        yield from _routes(child, matchers)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def alertmanager_changes(old: Bundle, new: Bundle) -> list[Change]:
    """Receiver, route and inhibition changes from ``old`` to ``new``."""
    a, b = old.alertmanager or {}, new.alertmanager or {}
    if a == b:
        return []
    changes = []
    before = {r.get("name"): r for r in a.get("receivers") or []}
    after = {r.get("name"): r for r in b.get("receivers") or []}
    for name in sorted(set(before) | set(after)):
        if name not in before:
            changes.append(Change(SECTION, ADDED, f"receiver {name}"))
        elif name not in after:
            changes.append(Change(SECTION, REMOVED, f"receiver {name}"))
        elif _canonical(before[name]) != _canonical(after[name]):
            old_text = json.dumps(before[name], sort_keys=True, indent=1)
            new_text = json.dumps(after[name], sort_keys=True, indent=1)
            changes.append(
                Change(SECTION, CHANGED, f"receiver {name} changed", line_diff(old_text, new_text))
            )
    old_routes = list(_routes(a.get("route") or {}))
    new_routes = list(_routes(b.get("route") or {}))
    if old_routes != new_routes:
        changes.append(
            Change(
                SECTION, CHANGED, "routes changed", line_diff("\n".join(old_routes), "\n".join(new_routes))
            )
        )
    old_inhibit = [_canonical(r) for r in a.get("inhibit_rules") or []]
    new_inhibit = [_canonical(r) for r in b.get("inhibit_rules") or []]
    if old_inhibit != new_inhibit:
        changes.append(
            Change(
                SECTION,
                CHANGED,
                "inhibition rules changed",
                line_diff("\n".join(old_inhibit), "\n".join(new_inhibit)),
            )
        )
    return changes
