"""Rule groups to a Mimir, Cortex or Loki ruler: namespaces are the rule files' names (without
``.yml``), groups are written only when :func:`toolkit.diff.rules.rule_changes` (the comparison
``toolkit diff`` makes) finds a change from the ruler's group, read as a rule file is, and ``prune``
deletes the groups of those namespaces that the code no longer has (other namespaces are never touched)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import yaml

from toolkit.bundle import Bundle, RuleGroupEntry
from toolkit.clients.errors import ClientError
from toolkit.clients.ruler import Ruler
from toolkit.diff.rules import rule_changes
from toolkit.sources.files import SourceError, parse_rule_file
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


def _served(ruler: Ruler) -> dict[Key, RuleGroupEntry | None]:
    """The ruler's groups by (namespace, name), normalized as the file source reads rule files (None:
    a group of a namespace that does not read as a rule file, so it differs from any wanted one)."""
    served: dict[Key, RuleGroupEntry | None] = {}
    for namespace, groups in ruler.rule_groups().items():
        try:
            read = parse_rule_file(yaml.safe_dump({"groups": groups or []}), f"{namespace}.yml")
            served.update({(namespace, g.name): g for g in read})
        except SourceError:
            served.update(
                {(namespace, str(g.get("name"))): None for g in groups or [] if isinstance(g, dict)}
            )
    return served


def _differs(live: RuleGroupEntry | None, wanted: RuleGroupEntry) -> bool:
    if live is None:
        return True
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
