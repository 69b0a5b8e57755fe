"""Rule groups to a Mimir, Cortex or Loki ruler over its HTTP API: namespaces are the rule files' names,
groups are written only when they differ, and ``prune`` deletes the groups of those namespaces that the
code no longer has. The tenant goes in ``X-Scope-OrgID``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import niquests
import yaml

from toolkit.bundle import Bundle
from toolkit.contexts import Context, redact
from toolkit.sync.http import SyncError


@dataclass(frozen=True)
class RulerResult:
    """Groups written, deleted and unchanged, as ``namespace/group``."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]


def _call(http: niquests.Session, method: str, url: str, context: Context, **kwargs) -> niquests.Response:
    headers = {"X-Scope-OrgID": context.ruler_tenant or "anonymous", **kwargs.pop("headers", {})}
    try:
        answer = http.request(method, url, headers=headers, timeout=30, **kwargs)
    except niquests.exceptions.RequestException as error:
        raise SyncError(redact(f"ruler {method} {url}: {error}", context.secrets)) from None
    if answer.status_code >= 400 and not (method == "GET" and answer.status_code == 404):
        raise SyncError(f"ruler {method} {url}: {answer.status_code} {(answer.text or '').strip()}")
    return answer


def sync_ruler(
    http: niquests.Session, context: Context, bundle: Bundle, *, prune: bool, dry_run: bool
) -> RulerResult:
    """Make the ruler hold the bundle's groups, namespace by rule file (without ``.yml``)."""
    base = f"{context.ruler_url.rstrip('/')}{context.ruler_prefix}/config/v1/rules"
    answer = _call(http, "GET", base, context)
    live = yaml.safe_load(answer.text) if answer.status_code == 200 and answer.text else {}
    live_groups = {(ns, g["name"]): g for ns, groups in (live or {}).items() for g in groups or []}
    wanted = {(group.file.rsplit(".", 1)[0], group.name): group.to_data() for group in bundle.rule_groups}
    written, unchanged, removed = [], [], []
    for (namespace, name), data in sorted(wanted.items()):
        if live_groups.get((namespace, name)) == data:
            unchanged.append(f"{namespace}/{name}")
            continue
        if not dry_run:
            body = yaml.safe_dump(data, sort_keys=False)
            _call(
                http,
                "POST",
                f"{base}/{quote(namespace, safe='')}",
                context,
                data=body,
                headers={"Content-Type": "application/yaml"},
            )
        written.append(f"{namespace}/{name}")
    if prune:
        ours = {namespace for namespace, _ in wanted}
        for namespace, name in sorted(live_groups):
            if namespace in ours and (namespace, name) not in wanted:
                if not dry_run:
                    _call(
                        http, "DELETE", f"{base}/{quote(namespace, safe='')}/{quote(name, safe='')}", context
                    )
                removed.append(f"{namespace}/{name}")
    return RulerResult(tuple(written), tuple(removed), tuple(unchanged))
