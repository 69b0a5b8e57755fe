"""The live source: what Grafana, Prometheus and Alertmanager serve now, as a bundle.

Grafana's dashboards are read with grafana-client and normalized by the one dashboard normalizer
(:mod:`toolkit.bundle.dashboards`: envelope, Grafana's additions and the ownership tag dropped, old shapes
migrated); Prometheus' rules come from ``/api/v1/rules`` and a ruler's from its configuration API, both
normalized by :mod:`toolkit.bundle.rules`; Alertmanager's config from ``/api/v2/status``. Every server is reached through :mod:`toolkit.clients`,
so retries, TLS options and redaction are the same as for ``toolkit sync``.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from toolkit.bundle import Bundle, DashboardEntry, RuleEntry, RuleGroupEntry
from toolkit.bundle.dashboards import MARKER_TAG, normalize_dashboard
from toolkit.bundle.rules import normalize_group_options, normalize_rule
from toolkit.clients import connect
from toolkit.clients.contexts import Context
from toolkit.clients.grafana import Grafana
from toolkit.clients.ruler import Ruler
from toolkit.clients.transport import Transport
from toolkit.locations import SourceLocation

__all__ = [
    "MARKER_TAG",
    "as_prometheus_serves",
    "dashboard_entry",
    "live_dashboards",
    "load_live",
    "rule_group_entry",
    "ruler_groups",
]


def dashboard_entry(grafana: Grafana, answer: dict[str, Any]) -> DashboardEntry:
    """A dashboard as Grafana serves it (``{dashboard, meta}``), normalized, without our marker tag."""
    normalized = normalize_dashboard(answer)
    uid = normalized.data.get("uid", "")
    return DashboardEntry(
        uid=uid,
        data=normalized.data,
        source=SourceLocation(f"{grafana.url}/d/{uid}"),
        folder=normalized.folder,
        notes=normalized.notes,
    )


def live_dashboards(
    grafana: Grafana, uids: Iterable[str] = (), workers: int = 8
) -> tuple[DashboardEntry, ...]:
    """The dashboards with the given uids or our marker tag, normalized, read by a pool of ``workers``."""
    wanted = set(uids)
    chosen = sorted(
        hit["uid"]
        for hit in grafana.dashboards()
        if hit["uid"] in wanted or MARKER_TAG in (hit.get("tags") or [])
    )
    with ThreadPoolExecutor(max_workers=workers) as pool:
        answers = list(pool.map(grafana.dashboard, chosen))
    return tuple(dashboard_entry(grafana, answer) for answer in answers)


def _seconds(value: float | None) -> str | None:
    return f"{int(value)}s" if value else None


def rule_group_entry(group: dict[str, Any], where: SourceLocation) -> RuleGroupEntry:
    """A group of Prometheus' ``/api/v1/rules`` as rule-file data."""
    rules = []
    for rule in group.get("rules", []):
        raw: dict[str, Any] = {"expr": rule["query"], "labels": rule.get("labels") or {}}
        if rule.get("type") == "alerting":
            raw.update(alert=rule["name"], annotations=rule.get("annotations") or {})
            raw["for"] = _seconds(rule.get("duration"))
            raw["keep_firing_for"] = _seconds(rule.get("keepFiringFor"))
        else:
            raw["record"] = rule["name"]
        rules.append(RuleEntry(normalize_rule(raw), where))
    file = str(group.get("file", "")).rsplit("/", 1)[-1]
    options = normalize_group_options(
        {"interval": _seconds(group.get("interval")), "limit": group.get("limit") or None}
    )
    return RuleGroupEntry(name=group["name"], file=file, rules=tuple(rules), source=where, options=options)


NOT_SERVED = "query_offset"  # a group key Prometheus' /api/v1/rules does not serve (a ruler's API does)


def as_prometheus_serves(groups: Iterable[RuleGroupEntry]) -> tuple[tuple[RuleGroupEntry, ...], list[str]]:
    """Rule groups as Prometheus' ``/api/v1/rules`` shows them once loaded, and a note for what it cannot show.

    The API serves a group's name, file, interval, limit and rules, not its ``labels`` or ``query_offset``.
    Prometheus 3 puts a group's labels on each of its rules when it loads them (a rule's own label of the same
    name wins), and serves them there: they are compared so. ``query_offset`` is not served at all: it is
    left out, and named in the note (once, with the groups that set it). A ``limit`` of 0 is no limit, as
    Prometheus serves a group without one."""
    shown, offset = [], []
    for group in groups:
        options = {k: v for k, v in group.options.items() if k not in (NOT_SERVED, "labels")}
        if options.get("limit") == 0:
            del options["limit"]
        if NOT_SERVED in group.options:
            offset.append(group.name)
        labels = group.options.get("labels") or {}
        rules = group.rules
        if labels:
            rules = tuple(
                replace(
                    rule,
                    data=normalize_rule({**rule.data, "labels": {**labels, **rule.data.get("labels", {})}}),
                )
                for rule in rules
            )
        shown.append(replace(group, options=options, rules=rules))
    notes = []
    if offset:
        notes.append(
            f"query_offset of rule group(s) {', '.join(offset)} cannot be compared live: Prometheus' "
            "/api/v1/rules does not serve it"
        )
    return tuple(shown), notes


def ruler_groups(ruler: Ruler) -> tuple[RuleGroupEntry, ...]:
    """What a Mimir, Cortex or Loki ruler holds, as rule-file data: namespaces are the files (``.yml``)."""
    groups = []
    for namespace, items in sorted(ruler.rule_groups().items()):
        for group in items or []:
            where = SourceLocation(f"{ruler.url}{ruler.base}/{namespace}#{group.get('name', '')}")
            rules = tuple(RuleEntry(normalize_rule(rule), where) for rule in group.get("rules") or [])
            groups.append(
                RuleGroupEntry(
                    name=str(group.get("name", "")),
                    file=f"{namespace}.yml",
                    rules=rules,
                    source=where,
                    options=normalize_group_options(group),
                )
            )
    return tuple(groups)


def load_live(context: Context, uids: Iterable[str] = (), transport: Transport | None = None) -> Bundle:
    """Everything the context's servers serve (each server only when the context names it).

    ``uids`` adds dashboards to read besides those carrying our marker tag.
    """
    transport = transport or Transport()
    dashboards: tuple[DashboardEntry, ...] = ()
    groups: tuple[RuleGroupEntry, ...] = ()
    routing = None
    if context.grafana_url:
        dashboards = live_dashboards(connect.grafana(context, transport), uids, transport.workers)
    if context.prometheus_url:
        prometheus = connect.prometheus(context, transport)
        groups = tuple(
            rule_group_entry(g, SourceLocation(f"{prometheus.url}/rules#{g['name']}"))
            for g in prometheus.rule_groups()
        )
    if context.alertmanager_url:
        routing = connect.alertmanager(context, transport).running_config()
    return Bundle(
        dashboards=dashboards, rule_groups=groups, alertmanager=routing, origin=f"live ({context.name})"
    )


def trim_to(served: Any, wanted: Any) -> Any:
    """``served`` cut to the keys ``wanted`` sets, recursively: the defaults a server fills in when it
    re-serializes a config (Alertmanager's ``/api/v2/status`` does) are not drift. A key only the
    server has is not reported."""
    if isinstance(served, dict) and isinstance(wanted, dict):
        return {k: trim_to(v, wanted[k]) for k, v in served.items() if k in wanted}
    if isinstance(served, list) and isinstance(wanted, list) and len(served) == len(wanted):
        return [trim_to(a, b) for a, b in zip(served, wanted, strict=True)]
    return served
