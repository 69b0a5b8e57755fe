"""The Alertmanager configuration a route test runs: the built one with every route's receiver replaced by a
webhook of its own, so the receiver names Alertmanager (or amtool) reports say exactly which routes matched.

Plain data in and out (no process, no network), so ``toolkit lint`` can use it too.
"""

from __future__ import annotations

import copy
import re
from typing import Any

ROUTE_RECEIVER = re.compile(r"^route-([0-9]+)$")
GROUP_WAIT = "50ms"
GROUP_INTERVAL = "250ms"


def route_table(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The config's routes depth first (the root first): the order of ``Bundle.route_sources``."""
    routes, todo = [], [config["route"]]
    while todo:
        route = todo.pop(0)
        routes.append(route)
        todo[:0] = route.get("routes") or []
    return routes


def route_number(receiver: str) -> int | None:
    """The route a test config's receiver stands for, or None for another name."""
    found = ROUTE_RECEIVER.match(receiver)
    return int(found.group(1)) if found else None


def config_under_test(
    config: dict[str, Any], webhook: str, locations: dict[str | None, str] | None = None
) -> dict[str, Any]:
    """``config`` with every route's receiver replaced by its own webhook ``route-<n>`` at ``webhook/route/<n>``,
    ``group_wait`` and ``group_interval`` shortened (they decide when, not where, a group is sent), the
    global section cut to ``resolve_timeout`` (no receiver defaults or secrets), and each time period's
    location renamed by ``locations`` when given. Routes, matchers, ``continue``, ``group_by``, inhibition
    rules, time intervals and templates are kept as they are."""
    data = copy.deepcopy(config)
    routes = route_table(data)
    for number, route in enumerate(routes):
        route["receiver"] = f"route-{number}"
        for key, short in (("group_wait", GROUP_WAIT), ("group_interval", GROUP_INTERVAL)):
            if key in route or number == 0:
                route[key] = short
    data["receivers"] = [
        {"name": f"route-{n}", "webhook_configs": [{"url": f"{webhook}/route/{n}", "send_resolved": False}]}
        for n in range(len(routes))
    ]
    data["global"] = {"resolve_timeout": (data.get("global") or {}).get("resolve_timeout", "5m")}
    if locations is not None:
        for interval in data.get("time_intervals") or []:
            for period in interval.get("time_intervals") or []:
                period["location"] = locations[period.get("location")]
    return data
