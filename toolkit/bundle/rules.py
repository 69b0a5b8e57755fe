"""One canonical shape for a rule as data, whichever source it came from."""

from __future__ import annotations

from typing import Any

from toolkit.durations import canonical_duration

RULE_KEYS = ("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")
RULE_KEY_SET = frozenset(RULE_KEYS)
GROUP_OPTION_KEYS = ("interval", "limit", "query_offset")


def normalize_rule(data: dict[str, Any]) -> dict[str, Any]:
    """A rule with keys in rule-file order, durations canonical, labels and annotations sorted.

    Keys a rule file may not hold are kept after the known ones, so nothing is lost.
    Raises ValueError for a duration that is not a Prometheus duration.
    """
    rule: dict[str, Any] = {}
    for key in ("alert", "record"):
        if data.get(key) is not None:
            rule[key] = data[key]
    if data.get("expr") is not None:
        rule["expr"] = str(data["expr"]).strip()
    for key in ("for", "keep_firing_for"):
        if data.get(key) is not None and (value := canonical_duration(str(data[key]))) != "0s":
            rule[key] = value
    for key in ("labels", "annotations"):
        if data.get(key):
            rule[key] = {str(k): str(v) for k, v in sorted(data[key].items())}
    rule.update({k: v for k, v in data.items() if k not in RULE_KEY_SET})
    return rule


def normalize_group_options(data: dict[str, Any]) -> dict[str, Any]:
    """A group's own keys besides ``name`` and ``rules``: ``interval``, ``limit`` and ``query_offset``
    canonical and in that order, then ``labels`` sorted, then any other key (a ruler's ``source_tenants``,
    ...) as it is, so nothing is lost. Raises ValueError for a duration that is not a Prometheus duration."""
    options: dict[str, Any] = {}
    for key in GROUP_OPTION_KEYS:
        value = data.get(key)
        if value is None:
            continue
        options[key] = value if key == "limit" else canonical_duration(str(value))
    if isinstance(data.get("labels"), dict) and data["labels"]:
        options["labels"] = {str(k): str(v) for k, v in sorted(data["labels"].items())}
    options.update(
        {
            k: v
            for k, v in data.items()
            if k not in (*GROUP_OPTION_KEYS, "name", "rules", "labels") and v is not None
        }
    )
    return options
