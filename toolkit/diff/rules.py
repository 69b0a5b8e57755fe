"""Rule changes: alerts and recording rules added or removed; expression, for, labels and annotations
changed; a threshold moved stated as such. Rules are matched by group, name and severity."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from toolkit.bundle import Bundle, RuleEntry
from toolkit.diff.model import ADDED, CHANGED, REMOVED, Change, line_diff, show
from toolkit.diff.promql_text import moved_thresholds, pretty, same


def _key(rule: RuleEntry, shared_name: bool) -> str:
    """``alert Name`` or ``record name``; a name several rules of the group share adds the severity."""
    kind = "alert" if rule.is_alert else "record"
    severity = rule.data.get("labels", {}).get("severity")
    return f"{kind} {rule.name} [{severity}]" if shared_name and severity else f"{kind} {rule.name}"


def _rules(bundle: Bundle) -> dict[str, dict[str, RuleEntry]]:
    groups: dict[str, dict[str, RuleEntry]] = {}
    for group in bundle.rule_groups:
        rules = groups.setdefault(group.name, {})
        names = [rule.name for rule in group.rules]
        for rule in group.rules:
            key, n = _key(rule, names.count(rule.name) > 1), 1
            while key in rules:
                n += 1
                key = f"{_key(rule, True)} #{n}"
            rules[key] = rule
    return groups


def _mapping_changes(
    section: str, label: str, what: str, old: dict[str, Any], new: dict[str, Any]
) -> Iterator[Change]:
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            if key not in old:
                yield Change(section, CHANGED, f"{label}: {what} {key} added: {new[key]}")
            elif key not in new:
                yield Change(section, CHANGED, f"{label}: {what} {key} removed")
            elif "\n" in str(old[key]) + str(new[key]) or len(str(old[key]) + str(new[key])) > 80:
                yield Change(
                    section,
                    CHANGED,
                    f"{label}: {what} {key} changed",
                    line_diff(str(old[key]), str(new[key])),
                )
            else:
                yield Change(section, CHANGED, f"{label}: {what} {key} {old[key]} -> {new[key]}")


def _rule_changes(section: str, key: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    label = key.split(" #")[0]
    if not same(old["expr"], new["expr"]):
        moved = moved_thresholds(old["expr"], new["expr"])
        if moved:
            yield Change(
                section,
                CHANGED,
                f"{label}: threshold moved from " + "; ".join(f"{a} to {b}" for a, b in moved),
            )
        else:
            yield Change(
                section,
                CHANGED,
                f"{label}: expression changed",
                line_diff(pretty(old["expr"]), pretty(new["expr"])),
            )
    for field in ("for", "keep_firing_for"):
        if old.get(field) != new.get(field):
            yield Change(
                section, CHANGED, f"{label}: {field} {show(old.get(field))} -> {show(new.get(field))}"
            )
    yield from _mapping_changes(section, label, "label", old.get("labels", {}), new.get("labels", {}))
    yield from _mapping_changes(
        section, label, "annotation", old.get("annotations", {}), new.get("annotations", {})
    )


def rule_changes(old: Bundle, new: Bundle) -> list[Change]:
    """Every rule change from ``old`` to ``new``, by rule group."""
    before, after = _rules(old), _rules(new)
    changes: list[Change] = []
    for group in sorted(set(before) | set(after)):
        section = f"rule group {group}"
        if group not in before:
            changes.append(Change(section, ADDED, f"rule group with {len(after[group])} rules"))
        if group not in after:
            changes.append(Change(section, REMOVED, f"rule group with {len(before[group])} rules"))
            continue
        old_rules = before.get(group, {})
        for key, rule in after[group].items():
            if key not in old_rules and group in before:
                changes.append(
                    Change(
                        section,
                        ADDED,
                        key.split(" #")[0],
                        (f"+ {pretty(rule.data['expr'])}",) if rule.is_alert else (),
                    )
                )
        for key, rule in old_rules.items():
            if key not in after[group]:
                changes.append(Change(section, REMOVED, key.split(" #")[0]))
            else:
                changes.extend(_rule_changes(section, key, rule.data, after[group][key].data))
    return changes
