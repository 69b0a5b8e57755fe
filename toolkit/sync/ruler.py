"""Rule groups to a Mimir, Cortex or Loki ruler: namespaces are the rule files' names (without
``.yml``), groups are written only when they differ, and ``prune`` deletes the groups of those
namespaces that the code no longer has (other namespaces are never touched)."""

from __future__ import annotations

from typing import Any

from toolkit.bundle import Bundle
from toolkit.clients.errors import ClientError
from toolkit.clients.ruler import Ruler
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


def sync_ruler(ruler: Ruler, bundle: Bundle, *, prune: bool, dry_run: bool) -> TargetResult:
    """Make the ruler hold the bundle's groups; a failed write stops there and says what was written."""
    live = {(ns, g["name"]): g for ns, groups in ruler.rule_groups().items() for g in groups or []}
    wanted = {(g.file.removesuffix(".yml"), g.name): g.to_data() for g in bundle.rule_groups}
    written = sorted(key for key, data in wanted.items() if live.get(key) != data)
    ours = {namespace for namespace, _ in wanted}
    removed = sorted(key for key in live if prune and key[0] in ours and key not in wanted)
    if not dry_run:
        _apply(ruler, wanted, written, removed)
    return TargetResult(
        tuple(f"{ns}/{n}" for ns, n in written),
        tuple(f"{ns}/{n}" for ns, n in removed),
        tuple(f"{ns}/{n}" for ns, n in sorted(wanted) if (ns, n) not in written),
    )
