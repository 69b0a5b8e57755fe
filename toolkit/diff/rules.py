"""Rule changes: groups added, removed or moved to another file; group keys (interval, limit, labels...);
alerts and recording rules added, removed or reordered; expression, for, labels and annotations in words
(a threshold moved stated as such); any other key as a path-level change. Rules are matched by group,
name and severity."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from toolkit.bundle import Bundle, RuleEntry, RuleGroupEntry
from toolkit.diff.generic import MISSING, Path, generic_changes, keyed, matched, order_change, plain, without
from toolkit.diff.model import ADDED, CHANGED, REMOVED, Change, line_diff
from toolkit.diff.promql_text import difference, pretty

DURATIONS = ("for", "keep_firing_for")
MAPPINGS = (("labels", "label"), ("annotations", "annotation"))


def _key(rule: RuleEntry, shared_name: bool) -> str:
    """``alert Name`` or ``record name``; a name several rules of the group share adds the severity."""
    kind = "alert" if rule.is_alert else "record"
    labels = rule.data.get("labels")
    severity = labels.get("severity") if isinstance(labels, dict) else None
    return f"{kind} {rule.name} [{severity}]" if shared_name and severity else f"{kind} {rule.name}"


def keyed_rules(group: RuleGroupEntry) -> dict[str, RuleEntry]:
    """A group's rules by ``alert Name`` / ``record name`` (with severity or ``#2`` where repeated)."""
    names = [rule.name for rule in group.rules]
    return keyed((_key(rule, names.count(rule.name) > 1), rule) for rule in group.rules)


def _groups(bundle: Bundle) -> dict[str, RuleGroupEntry]:
    names = [group.name for group in bundle.rule_groups]
    return keyed(
        (f"{g.name} ({g.file})" if names.count(g.name) > 1 else g.name, g) for g in bundle.rule_groups
    )


def _long(text: str) -> bool:
    return "\n" in text or len(text) > 80


def _mapping_changes(
    section: str, label: str, what: str, old: dict[str, Any], new: dict[str, Any]
) -> Iterator[Change]:
    for key in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(key, MISSING), new.get(key, MISSING)
        if a == b:
            continue
        if a is MISSING:
            yield Change(section, CHANGED, f"{label}: {what} {key} added: {plain(b)}")
        elif b is MISSING:
            yield Change(section, CHANGED, f"{label}: {what} {key} removed")
        elif isinstance(a, str) and isinstance(b, str) and _long(a + b):
            yield Change(section, CHANGED, f"{label}: {what} {key} changed", line_diff(a, b))
        else:
            yield Change(section, CHANGED, f"{label}: {what} {key} {plain(a)} -> {plain(b)}")


def rule_changes_of(section: str, key: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """Every change of one rule: expression, durations, labels and annotations in words, the rest by path."""
    label = key
    done: list[Path] = []
    a, b = old.get("expr", MISSING), new.get("expr", MISSING)
    if isinstance(a, str) and isinstance(b, str):
        found = difference(a, b)
        if found:
            moved, detail = found
            text = f"threshold moved {moved}" if moved else "expression changed"
            yield Change(section, CHANGED, f"{label}: {text}", detail)
        done.append(("expr",))
    for field in DURATIONS:
        before, after = plain(old.get(field, MISSING)), plain(new.get(field, MISSING))
        if before != after:
            yield Change(section, CHANGED, f"{label}: {field} {before} -> {after}")
            done.append((field,))
    for field, what in MAPPINGS:
        before, after = old.get(field, {}), new.get(field, {})
        if isinstance(before, dict) and isinstance(after, dict):
            worded = list(_mapping_changes(section, label, what, before, after))
            yield from worded
            done += [(field,)] if worded or (field in old) == (field in new) else []
    yield from generic_changes(section, label, *without(old, new, done))


def group_changes(section: str, old: RuleGroupEntry, new: RuleGroupEntry) -> Iterator[Change]:
    """Every change of one rule group: its file, its keys (``interval``, ``limit``...), its rules."""
    if old.file != new.file:
        yield Change(section, CHANGED, f"moved from {old.file} to {new.file}")
    yield from generic_changes(section, "", old.options, new.options)
    before, after = keyed_rules(old), keyed_rules(new)
    for key, rule in after.items():
        if key not in before:
            detail = (f"+ {pretty(str(rule.data.get('expr', '')))}",) if rule.is_alert else ()
            yield Change(section, ADDED, key, detail)
    for key, rule in before.items():
        if key not in after:
            yield Change(section, REMOVED, key)
        elif rule.data != after[key].data:
            yield from rule_changes_of(section, key, rule.data, after[key].data)
    yield from order_change(section, "rule", before, after)


def rule_changes(old: Bundle, new: Bundle) -> list[Change]:
    """Every rule change from ``old`` to ``new``, by rule group."""
    before, after = _groups(old), _groups(new)
    changes: list[Change] = []
    for name, a, b in matched(before, after, by_name=True):
        section = f"rule group {name}"
        if a is MISSING or b is MISSING:
            group, kind = (b, ADDED) if a is MISSING else (a, REMOVED)
            changes.append(Change(section, kind, f"rule group with {len(group.rules)} rules"))
        else:
            changes.extend(group_changes(section, a, b))
    return changes
