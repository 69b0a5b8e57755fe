"""Rule files to Prometheus and the config to Alertmanager: validate, write atomically, reload, verify,
and restore the previous files when the reload or the verification fails.

Files that already mean what the wanted ones mean (``toolkit diff``'s comparison finds no change) are
not written; when none changes, the server is still checked, and reloaded only if it does not serve them
yet (say, after ``toolkit build`` wrote them for a server that reads ``build/`` directly).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import yaml

from toolkit.bundle import Bundle
from toolkit.clients.alertmanager import Alertmanager
from toolkit.clients.errors import ClientError
from toolkit.clients.http import HttpClient
from toolkit.clients.prometheus import Prometheus
from toolkit.clients.promtools import ToolFailedError, check_alertmanager_config, check_rules
from toolkit.diff.compare import compare
from toolkit.output.build import MARKER
from toolkit.sources.files import SourceError, has_top_key, parse_alertmanager, parse_rule_file
from toolkit.sources.live import trim_to
from toolkit.sync.results import SyncError, TargetResult


def _atomic_write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


def _ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return False


def _as_bundle(content: bytes, name: str) -> Bundle:
    text = content.decode("utf-8")
    if has_top_key(text, "groups:"):
        return Bundle(rule_groups=tuple(parse_rule_file(text, name)))
    return Bundle(alertmanager=parse_alertmanager(text, name))


def _same_meaning(path: Path, content: bytes) -> bool:
    """True when the file at ``path`` holds what ``content`` means: the one comparison (``toolkit diff``'s)
    finds no change between the two as the file source reads them."""
    if not path.is_file():
        return False
    old = path.read_bytes()
    try:
        return old == content or not compare(_as_bundle(old, path.name), _as_bundle(content, path.name))
    except (SourceError, UnicodeDecodeError):
        return False


def plan_files(folder: Path, wanted: Mapping[str, bytes], prune: bool) -> TargetResult:
    """Which of ``wanted`` differ from the files in ``folder``, and (with ``prune``) which of our files
    there the code no longer produces."""
    written, unchanged = [], []
    for name, content in sorted(wanted.items()):
        path = folder / name
        (unchanged if _same_meaning(path, content) else written).append(name)
    removed = (
        [p.name for p in sorted(folder.glob("*.yml")) if p.name not in wanted and _ours(p)] if prune else []
    )
    return TargetResult(tuple(written), tuple(removed), tuple(unchanged))


def _swap(folder: Path, wanted: Mapping[str, bytes], plan: TargetResult) -> dict[str, bytes | None]:
    """Carry out ``plan``; return the previous contents (None: absent) to restore."""
    previous: dict[str, bytes | None] = {}
    try:
        for name in plan.written:
            path = folder / name
            previous[name] = path.read_bytes() if path.exists() else None
            _atomic_write(path, wanted[name])
        for name in plan.removed:
            previous[name] = (folder / name).read_bytes()
            (folder / name).unlink()
    except OSError as error:
        _restore(folder, previous)
        raise SyncError(f"cannot write into {folder}: {error}; the previous files were restored") from None
    return previous


def _restore(folder: Path, previous: Mapping[str, bytes | None]) -> None:
    for name, content in previous.items():
        path = folder / name
        if content is None:
            path.unlink(missing_ok=True)
        else:
            _atomic_write(path, content)


def _reload_and_verify(server: HttpClient, verify: Callable[[], str]) -> str:
    """Reload, then the verification's problem ('' when none)."""
    try:
        server.reload()
        return verify()
    except ClientError as error:
        return str(error)


def publish(
    server: HttpClient,
    folder: Path,
    wanted: Mapping[str, bytes],
    verify: Callable[[], str],
    *,
    prune: bool = False,
    dry_run: bool = False,
) -> TargetResult:
    """Write ``wanted`` into ``folder`` for ``server``, reload it and ``verify`` (which returns a problem,
    or ''); on a problem restore the previous files, reload again (with the time the server's deadline
    keeps for restoring), and raise :class:`SyncError`."""
    plan = plan_files(folder, wanted, prune)
    if dry_run:
        return plan
    if not plan.written and not plan.removed:
        problem = verify() and _reload_and_verify(server, verify)
        if problem:
            raise SyncError(f"{problem} (the files in {folder} were already up to date)")
        return plan
    previous = _swap(folder, wanted, plan)
    problem = _reload_and_verify(server, verify)
    if problem:
        _restore(folder, previous)
        with server.restoring():
            again = _reload_and_verify(server, lambda: "")
        if again:
            how = " the same way" if again == problem else f": {again}"
            raise SyncError(
                f"{problem}; the previous files were restored, but reloading them failed too{how}"
            )
        raise SyncError(f"{problem}; the previous files were restored and reloaded")
    return plan


def _staged_check(files: Mapping[str, bytes], check: Callable[[list[Path]], None], what: str) -> None:
    """Run ``check`` on copies of ``files`` in a temporary folder; a failure means nothing is written."""
    with tempfile.TemporaryDirectory(prefix="toolkit-sync-") as tmp:
        staged = []
        for name, content in sorted(files.items()):
            (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / name).write_bytes(content)
            staged.append(Path(tmp) / name)
        try:
            check(staged)
        except ToolFailedError as error:
            raise SyncError(f"{what}, nothing was written: {error}") from None


def sync_prometheus_rules(
    prometheus: Prometheus,
    rules_dir: Path,
    files: Mapping[str, bytes],
    groups: Mapping[str, list[str]],
    *,
    prune: bool,
    dry_run: bool,
) -> TargetResult:
    """Validate ``files`` with promtool, write them into ``rules_dir``, reload Prometheus and check that
    ``/api/v1/rules`` serves ``groups`` (group name -> rule names, in order)."""
    _staged_check(files, check_rules, "promtool check rules rejected the rule files")

    def verify() -> str:
        if prometheus.runtime_info().get("reloadConfigSuccess") is False:
            return f"{prometheus.name}: the reload failed (reloadConfigSuccess: false; see its log)"
        loaded = {g["name"]: [r["name"] for r in g.get("rules", [])] for g in prometheus.rule_groups()}
        missing = sorted(name for name, rules in groups.items() if loaded.get(name) != rules)
        return f"{prometheus.name} did not load the groups {', '.join(missing)}" if missing else ""

    return publish(prometheus, rules_dir, files, verify, prune=prune, dry_run=dry_run)


def sync_alertmanager(
    alertmanager: Alertmanager,
    config_file: Path,
    content: bytes,
    *,
    dry_run: bool,
    templates: Mapping[str, bytes] | None = None,
) -> TargetResult:
    """Validate ``content`` with amtool, write it to ``config_file`` and the notification ``templates``
    (by path relative to it) beside it, reload Alertmanager and check that ``/api/v2/status`` runs it."""
    files = {config_file.name: content, **(templates or {})}
    _staged_check(
        files,
        lambda paths: check_alertmanager_config(paths[0]),
        "amtool check-config rejected the Alertmanager config",
    )
    wanted = yaml.safe_load(content)

    def verify() -> str:
        running = alertmanager.running_config() or {}
        return (
            "" if trim_to(running, wanted) == wanted else f"{alertmanager.name} does not run the new config"
        )

    return publish(alertmanager, config_file.parent, files, verify, dry_run=dry_run)
