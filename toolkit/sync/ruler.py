"""Rule groups to a Mimir, Cortex or Loki ruler: namespaces are the rule files' names (without
``.yml``), groups are written only when :func:`toolkit.diff.rules.rule_changes` (the comparison
``toolkit diff`` makes) finds a change from the ruler's group, normalized as every rule is, and ``prune``
deletes the groups of those namespaces that the code no longer has (other namespaces are never touched)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from toolkit.bundle import Bundle, RuleGroupEntry
from toolkit.clients.errors import ClientError
from toolkit.clients.ruler import Ruler
from toolkit.diff.rules import rule_changes
from toolkit.sources.live import ruler_groups
from toolkit.sync.results import SyncError, TargetResult

Key = tuple[str, str]


def _apply(ruler: Ruler, wanted: dict[Key, dict[str, Any]], written: list[Key], removed: list[Key]) -> None:
    done: list[str] = []
    try:
        for namespace, name in written:
            ruler.set_group(namespace, wanted[namespace, name])
            done.append(f"{namespace}/{name}")
        for namespace, name in removed:
            ruler.delete_group(namespace, name)
            done.append(f"deleted {namespace}/{name}")
    except ClientError as error:
        raise SyncError(f"{error}; applied before it: {', '.join(done) or 'nothing'}") from None


def _served(ruler: Ruler) -> dict[Key, RuleGroupEntry]:
    """The ruler's groups by (namespace, name), read by the live source's rule normalizer."""
    try:
        return {(g.file.removesuffix(".yml"), g.name): g for g in ruler_groups(ruler)}
    except ValueError as error:
        raise SyncError(f"cannot read the ruler's rule groups, nothing was written: {error}") from None


def _differs(live: RuleGroupEntry, wanted: RuleGroupEntry) -> bool:
    live = replace(live, file=wanted.file)  # the namespace is the file: the same by the key
    return bool(rule_changes(Bundle(rule_groups=(live,)), Bundle(rule_groups=(wanted,))))


def sync_ruler(ruler: Ruler, bundle: Bundle, *, prune: bool, dry_run: bool) -> TargetResult:
    """Make the ruler hold the bundle's groups; a failed write stops there and says what was written."""
    live = _served(ruler)
    groups = {(g.file.removesuffix(".yml"), g.name): g for g in bundle.rule_groups}
    wanted = {key: group.to_data() for key, group in groups.items()}
    written = sorted(key for key, group in groups.items() if key not in live or _differs(live[key], group))
    ours = {namespace for namespace, _ in wanted}
    removed = sorted(key for key in live if prune and key[0] in ours and key not in wanted)
    if not dry_run:
        _apply(ruler, wanted, written, removed)
    return TargetResult(
        tuple(f"{ns}/{n}" for ns, n in written),
        tuple(f"{ns}/{n}" for ns, n in removed),
        tuple(f"{ns}/{n}" for ns, n in sorted(wanted) if (ns, n) not in written),
    )
