"""Alertmanager changes: receivers added or removed, and each receiver's fields by path; routes as
'matchers -> receiver [options]' lines; inhibition rules; every other key (``global.resolve_timeout``,
templates, time intervals...) as a path-level change. The order of receivers is no change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from toolkit.bundle import Bundle
from toolkit.diff.generic import MISSING, Path, generic_changes, keyed, matched, plain, without
from toolkit.diff.model import ADDED, CHANGED, REMOVED, Change, line_diff

SECTION = "alertmanager"
ROUTE_KEYS = ("receiver", "matchers", "routes")


def _routes(route: dict[str, Any], parents: tuple[str, ...] = ()) -> Iterator[str]:
    matchers = parents + tuple(str(m) for m in route.get("matchers") or ())
    options = ", ".join(f"{k}={plain(route[k])}" for k in sorted(route) if k not in ROUTE_KEYS)
    receiver = plain(route["receiver"]) if "receiver" in route else "(inherited)"
    yield f"{' & '.join(matchers) or '(default)'} -> {receiver}{f' [{options}]' if options else ''}"
    for child in route.get("routes") or []:
        yield from _routes(child, matchers)


def _route_tree(route: Any) -> bool:
    """True for a route whose matchers are a list and whose child routes are routes."""
    if not isinstance(route, dict) or not isinstance(route.get("matchers") or [], list):
        return False
    children = route.get("routes") or []
    return isinstance(children, list) and all(_route_tree(child) for child in children)


def _receivers(config: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    receivers = config.get("receivers") or []
    if not isinstance(receivers, list) or not all(isinstance(r, dict) for r in receivers):
        return None
    return keyed((plain(r.get("name")), r) for r in receivers)


def _receiver_changes(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> Iterator[Change]:
    for name, a, b in matched(old, new, by_name=True):
        if a is MISSING or b is MISSING:
            yield Change(SECTION, ADDED if a is MISSING else REMOVED, f"receiver {name}")
        else:
            yield from generic_changes(SECTION, f"receiver {name}", a, b)


def _lines(config: dict[str, Any], key: str) -> str:
    return "\n".join(json.dumps(r, sort_keys=True) for r in config.get(key) or [])


def alertmanager_changes(old: Bundle, new: Bundle) -> list[Change]:
    """Every Alertmanager change from ``old`` to ``new``."""
    a, b = old.alertmanager, new.alertmanager
    if a == b:
        return []
    if a is None or b is None:
        return [Change(SECTION, ADDED if a is None else REMOVED, "Alertmanager config")]
    changes: list[Change] = []
    done: list[Path] = []
    receivers = _receivers(a), _receivers(b)
    if receivers[0] is not None and receivers[1] is not None and ("receivers" in a) == ("receivers" in b):
        changes += _receiver_changes(receivers[0], receivers[1])
        done.append(("receivers",))
    if _route_tree(a.get("route")) and _route_tree(b.get("route")):
        old_routes, new_routes = "\n".join(_routes(a["route"])), "\n".join(_routes(b["route"]))
        if old_routes != new_routes:
            changes.append(Change(SECTION, CHANGED, "routes changed", line_diff(old_routes, new_routes)))
            done.append(("route",))
    if isinstance(a.get("inhibit_rules"), list) and isinstance(b.get("inhibit_rules"), list):
        old_rules, new_rules = _lines(a, "inhibit_rules"), _lines(b, "inhibit_rules")
        if old_rules != new_rules:
            changes.append(
                Change(SECTION, CHANGED, "inhibition rules changed", line_diff(old_rules, new_rules))
            )
        done.append(("inhibit_rules",))
    changes += generic_changes(SECTION, "", *without(a, b, done))
    return changes
