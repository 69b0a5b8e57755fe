"""Rule groups and dashboards pulled from running servers, as the files the importer reads.

Prometheus' ``/api/v1/rules`` answers with evaluated groups (durations in seconds, the query as
``query``); they are turned back into rule files, one per file Prometheus loaded. A ruler answers with
rule files already, one per namespace.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

import yaml

from toolkit.durations import canonical_duration


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
