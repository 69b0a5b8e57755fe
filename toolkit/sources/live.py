"""The live source: what Grafana, Prometheus and Alertmanager serve now, as a bundle.

Grafana's dashboards are read with grafana-client and normalized (Grafana's ``id``, ``version`` and
envelope dropped); Prometheus' rules come from ``/api/v1/rules``; Alertmanager's config from
``/api/v2/status``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import yaml

from toolkit.bundle import Bundle, DashboardEntry, RuleEntry, RuleGroupEntry
from toolkit.contexts import Context, redact
from toolkit.durations import canonical_duration
from toolkit.errors import ToolkitError
from toolkit.grafana_json import normalize_dashboard
from toolkit.rule_data import normalize_rule
from toolkit.source import SourceLocation

MARKER_TAG = "managed-by:toolkit"
PAGE = 1000


class LiveError(ToolkitError):
    """A live server cannot be read."""


def _json(url: str, context: Context) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise LiveError(redact(f"cannot read {url}: {error}", context.secrets)) from None


def grafana_api(context: Context):
    """A grafana-client API object for the context (imported here: only live work needs it)."""
    from grafana_client import GrafanaApi

    api = GrafanaApi.from_url(context.grafana_url, credential=context.grafana_auth)
    if context.grafana_org:
        api.client.organization_id = context.grafana_org
    return api


def live_dashboards(
    context: Context, uids: Iterable[str] = (), workers: int = 8
) -> tuple[DashboardEntry, ...]:
    """The dashboards with the given uids or our marker tag, normalized, read by a pool of ``workers``."""
    from grafana_client.client import GrafanaException

    api = grafana_api(context)
    wanted = set(uids)
    try:
        hits, page = [], 1
        while True:
            batch = api.search.search_dashboards(type_="dash-db", limit=PAGE, page=page)
            hits += batch
            if len(batch) < PAGE:
                break
            page += 1
        chosen = sorted(h["uid"] for h in hits if h["uid"] in wanted or MARKER_TAG in (h.get("tags") or []))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            answers = list(pool.map(api.dashboard.get_dashboard, chosen))
    except GrafanaException as error:
        raise LiveError(redact(f"Grafana at {context.grafana_url}: {error}", context.secrets)) from None
    entries = []
    for answer in answers:
        board = normalize_dashboard(answer)
        board["tags"] = [t for t in board.get("tags") or [] if t != MARKER_TAG]
        uid = board.get("uid", "")
        entries.append(
            DashboardEntry(
                uid=uid,
                data=board,
                source=SourceLocation(f"{context.grafana_url}/d/{uid}"),
                folder=(answer.get("meta") or {}).get("folderUid", ""),
            )
        )
    return tuple(entries)


def _seconds(value: float | None) -> str | None:
    return canonical_duration(f"{int(value)}s") if value else None


def live_rule_groups(context: Context) -> tuple[RuleGroupEntry, ...]:
    """The rule groups Prometheus has loaded, as rule-file data."""
    body = _json(f"{context.prometheus_url.rstrip('/')}/api/v1/rules", context)
    groups = []
    for group in body.get("data", {}).get("groups", []):
        where = SourceLocation(f"{context.prometheus_url}/rules#{group['name']}")
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
        options = {"interval": _seconds(group.get("interval"))} if group.get("interval") else {}
        groups.append(
            RuleGroupEntry(name=group["name"], file=file, rules=tuple(rules), source=where, options=options)
        )
    return tuple(groups)


def live_alertmanager(context: Context) -> dict[str, Any] | None:
    """The configuration Alertmanager runs now."""
    body = _json(f"{context.alertmanager_url.rstrip('/')}/api/v2/status", context)
    original = (body.get("config") or {}).get("original")
    return yaml.safe_load(original) if original else None


def load_live(context: Context, uids: Iterable[str] = ()) -> Bundle:
    """Everything the context's servers serve (each server only when the context names it)."""
    return Bundle(
        dashboards=live_dashboards(context, uids) if context.grafana_url else (),
        rule_groups=live_rule_groups(context) if context.prometheus_url else (),
        alertmanager=live_alertmanager(context) if context.alertmanager_url else None,
        origin=f"live ({context.name})",
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
