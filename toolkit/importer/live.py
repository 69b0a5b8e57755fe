"""Rule groups and dashboards pulled from running servers, as the sources the importer reads.

Prometheus' ``/api/v1/rules`` answers with evaluated groups (durations in seconds, the query as
``query``); they are turned back into rule files, one per file Prometheus loaded. A ruler answers with
rule files already, one per namespace.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from toolkit.durations import canonical_duration
from toolkit.importer.batch import DashboardSource, RuleSource, folder_of
from toolkit.importer.install import ImportFailed


def _duration(seconds: Any) -> str | None:
    if not seconds:
        return None
    return canonical_duration(f"{float(seconds):g}s".replace("e+", "e"))


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    """One rule of the API answer as it appears in a rule file."""
    kind = "alert" if rule.get("type") == "alerting" else "record"
    data: dict[str, Any] = {kind: rule.get("name", ""), "expr": rule.get("query", "")}
    if kind == "alert":
        for key, api_key in (("for", "duration"), ("keep_firing_for", "keepFiringFor")):
            if value := _duration(rule.get(api_key)):
                data[key] = value
    for key in ("labels", "annotations"):
        if rule.get(key):
            data[key] = dict(rule[key])
    return data


def prometheus_rule_files(groups: Iterable[dict[str, Any]]) -> tuple[dict[str, str], list[str]]:
    """Rule file texts by the name of the file Prometheus loaded them from, and notes on what the API
    does not tell (it reports every group's interval, set in the file or not)."""
    files: dict[str, list[dict[str, Any]]] = {}
    for group in groups:
        data: dict[str, Any] = {"name": group.get("name", "")}
        if interval := _duration(group.get("interval")):
            data["interval"] = interval
        if group.get("limit"):
            data["limit"] = int(group["limit"])
        if offset := _duration(group.get("queryOffset")):
            data["query_offset"] = offset
        data["rules"] = [_rule(rule) for rule in group.get("rules") or []]
        name = PurePosixPath(str(group.get("file") or "prometheus.yml")).name
        files.setdefault(name, []).append(data)
    notes = (
        [
            "Prometheus reports every group's evaluation interval, so groups that used the global one now set it; "
            "comments are not served and are not carried"
        ]
        if files
        else []
    )
    return {name: _dump(groups) for name, groups in sorted(files.items())}, notes


def ruler_rule_files(namespaces: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Rule file texts by namespace, from a ruler's ``config/v1/rules`` answer."""
    return {namespace: _dump(groups) for namespace, groups in sorted(namespaces.items())}


def _dump(groups: list[dict[str, Any]]) -> str:
    return yaml.safe_dump({"groups": groups}, sort_keys=False, allow_unicode=True)


def prometheus_sources(root: Path, url: str, context_name: str | None) -> tuple[list[RuleSource], list[str]]:
    """One rule source per file the Prometheus at ``url`` (or, for '', the context's) loaded, and notes
    on what its API does not tell."""
    from toolkit.clients import connect
    from toolkit.clients.contexts import resolve_context
    from toolkit.clients.prometheus import Prometheus
    from toolkit.clients.transport import Transport
    from toolkit.importer.rules import rule_module_name
    from toolkit.settings import load_settings

    if url:
        client = Prometheus(url, Transport())
    else:
        client = connect.prometheus(resolve_context(load_settings(root), context_name), Transport())
    files, notes = prometheus_rule_files(client.rule_groups())
    if not files:
        raise ImportFailed(f"Prometheus at {client.url} has no rule groups loaded: nothing to import")
    return [
        RuleSource(text, f"Prometheus at {client.url}, {name}", rule_module_name(PurePosixPath(name)), name)
        for name, text in files.items()
    ], notes


def ruler_sources(root: Path, context_name: str | None) -> list[RuleSource]:
    """One rule source per namespace of the context's ruler."""
    from toolkit.clients import connect
    from toolkit.clients.contexts import resolve_context
    from toolkit.clients.transport import Transport
    from toolkit.importer.pysource import module_name
    from toolkit.settings import load_settings

    client = connect.ruler(resolve_context(load_settings(root), context_name), Transport())
    files = ruler_rule_files(client.rule_groups())
    if not files:
        raise ImportFailed(f"the ruler at {client.url} has no rule groups: nothing to import")
    return [
        RuleSource(text, f"the ruler at {client.url}, namespace {ns}", module_name(ns, "rules"), f"{ns}.yml")
        for ns, text in files.items()
    ]


def grafana_sources(
    root: Path, uid: str | None, folder: str | None, context_name: str | None
) -> list[DashboardSource]:
    """The dashboard ``uid`` of the context's Grafana, or (``uid`` None) all of them, or those in ``folder``."""
    from toolkit.clients import connect
    from toolkit.clients.contexts import resolve_context
    from toolkit.clients.transport import Transport
    from toolkit.importer.dashboards import read_dashboard
    from toolkit.importer.shape import check_shape
    from toolkit.settings import load_settings

    client = connect.grafana(resolve_context(load_settings(root), context_name), Transport())
    if uid:
        uids = [uid]
    else:
        uids = [h["uid"] for h in client.dashboards() if folder is None or h.get("folderUid", "") == folder]
        if not uids:
            where = f" in folder {folder}" if folder else ""
            raise ImportFailed(f"Grafana at {client.url} has no dashboards{where}: nothing to import")

    def source(one: str) -> DashboardSource:
        url = f"{client.url}/d/{one}"

        def read() -> tuple[dict[str, Any], str]:
            answer = client.dashboard(one)
            check_shape(answer.get("dashboard") if isinstance(answer, dict) else answer, url)
            return read_dashboard(json.dumps(answer), url), folder_of(answer)

        return DashboardSource(read, url)

    return [source(one) for one in uids]
