"""One canonical shape for a rule as data, whichever source it came from."""

from __future__ import annotations

from typing import Any

from toolkit.durations import canonical_duration

RULE_KEYS = ("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")
GROUP_OPTION_KEYS = ("interval", "limit", "query_offset")


def normalize_rule(data: dict[str, Any]) -> dict[str, Any]:
    """A rule with keys in rule-file order, durations canonical, labels and annotations sorted.

    Keys a rule file may not hold are kept after the known ones, so nothing is lost.
    Raises ValueError for a duration that is not a Prometheus duration.
    """
    rule: dict[str, Any] = {}
    for key in RULE_KEYS:
        value = data.get(key)
        if value is None or (key in ("labels", "annotations") and not value):
            continue
        if key in ("for", "keep_firing_for"):
            value = canonical_duration(str(value))
            if value == "0s":
                continue
        elif key == "expr":
            value = str(value).strip()
        elif key in ("labels", "annotations"):
            value = {str(k): str(v) for k, v in sorted(value.items())}
        rule[key] = value
    rule.update({k: v for k, v in data.items() if k not in RULE_KEYS})
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
