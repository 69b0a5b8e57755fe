"""Rule files to Prometheus and the config to Alertmanager: validate, write atomically, reload, verify,
and restore the previous files when the reload fails."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import niquests
import yaml

from toolkit.build import MARKER
from toolkit.contexts import Context, redact
from toolkit.promtools import ToolFailedError, check_alertmanager_config, check_rules
from toolkit.sources.live import trim_to
from toolkit.sync.http import SyncError


@dataclass(frozen=True)
class FilesResult:
    """What a file target sync wrote and removed (names relative to its folder)."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]


def _atomic_write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, path)


def _ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return False


def _reload(http: niquests.Session, url: str, what: str, context: Context) -> None:
    try:
        answer = http.post(f"{url.rstrip('/')}/-/reload", timeout=30)
    except niquests.exceptions.RequestException as error:
        raise SyncError(redact(f"{what} reload failed: {error}", context.secrets)) from None
    if answer.status_code == 403 and "lifecycle" in (answer.text or "").lower():
        raise SyncError(
            f"{what} refused the reload (Lifecycle API is not enabled): start it with --web.enable-lifecycle"
        )
    if answer.status_code != 200:
        raise SyncError(f"{what} reload failed ({answer.status_code}): {(answer.text or '').strip()}")


def _swap(
    folder: Path, wanted: Mapping[str, bytes], prune: bool
) -> tuple[dict[str, bytes | None], FilesResult]:
    """Write ``wanted`` into ``folder``; return the previous contents (None: absent) to restore."""
    previous: dict[str, bytes | None] = {}
    written, unchanged = [], []
    for name, content in sorted(wanted.items()):
        path = folder / name
        old = path.read_bytes() if path.exists() else None
        if old == content:
            unchanged.append(name)
            continue
        previous[name] = old
        _atomic_write(path, content)
        written.append(name)
    removed = []
    if prune:
        for path in sorted(folder.glob("*.yml")):
            if path.name not in wanted and _ours(path):
                previous[path.name] = path.read_bytes()
                path.unlink()
                removed.append(path.name)
    return previous, FilesResult(tuple(written), tuple(removed), tuple(unchanged))


def _restore(folder: Path, previous: Mapping[str, bytes | None]) -> None:
    for name, content in previous.items():
        path = folder / name
        if content is None:
            path.unlink(missing_ok=True)
        else:
            _atomic_write(path, content)


def _publish(
    folder: Path,
    wanted: Mapping[str, bytes],
    *,
    prune: bool,
    reload: Callable[[], None],
    verify: Callable[[], str],
) -> FilesResult:
    previous, result = _swap(folder, wanted, prune)
    if not previous:
        return result
    try:
        reload()
        problem = verify()
    except SyncError as error:
        problem = str(error)
    if problem:
        _restore(folder, previous)
        try:
            reload()
        except SyncError as again:
            problem += f"; reloading the restored files failed too: {again}"
        raise SyncError(f"{problem}; the previous files were restored")
    return result


def sync_prometheus_rules(
    http: niquests.Session,
    context: Context,
    rules_dir: Path,
    files: Mapping[str, bytes],
    groups: Mapping[str, int],
    *,
    prune: bool,
) -> FilesResult:
    """Validate with promtool, write into ``rules_dir``, reload, and check ``/api/v1/rules`` shows ``groups``
    (name -> rule count); restore the old files if the reload or the check fails."""
    with tempfile.TemporaryDirectory(prefix="toolkit-sync-") as tmp:
        staged = []
        for name, content in files.items():
            (Path(tmp) / name).write_bytes(content)
            staged.append(Path(tmp) / name)
        try:
            check_rules(staged)
        except ToolFailedError as error:
            raise SyncError(f"rules rejected by promtool, nothing written: {error}") from None
    url = context.prometheus_url.rstrip("/")

    def verify() -> str:
        runtime = http.get(f"{url}/api/v1/status/runtimeinfo", timeout=30).json()["data"]
        if runtime.get("reloadConfigSuccess") is False:
            return "Prometheus reports reloadConfigSuccess: false (see its log)"
        loaded = {
            g["name"]: len(g["rules"])
            for g in http.get(f"{url}/api/v1/rules", timeout=30).json()["data"]["groups"]
        }
        missing = [
            f"{name} ({count} rules)" for name, count in sorted(groups.items()) if loaded.get(name) != count
        ]
        return f"Prometheus did not load: {', '.join(missing)}" if missing else ""

    return _publish(
        rules_dir, files, prune=prune, reload=lambda: _reload(http, url, "Prometheus", context), verify=verify
    )


def sync_alertmanager(
    http: niquests.Session, context: Context, config_file: Path, content: bytes
) -> FilesResult:
    """Validate with amtool, write ``config_file``, reload, and check ``/api/v2/status`` runs it; restore on failure."""
    with tempfile.TemporaryDirectory(prefix="toolkit-sync-") as tmp:
        staged = Path(tmp) / "alertmanager.yml"
        staged.write_bytes(content)
        try:
            check_alertmanager_config(staged)
        except ToolFailedError as error:
            raise SyncError(f"Alertmanager config rejected by amtool, nothing written: {error}") from None
    url = context.alertmanager_url.rstrip("/")
    wanted = yaml.safe_load(content)

    def verify() -> str:
        original = http.get(f"{url}/api/v2/status", timeout=30).json().get("config", {}).get("original", "")
        running = yaml.safe_load(original) if original else {}
        return (
            "" if trim_to(running, wanted) == wanted else "Alertmanager is not running the new configuration"
        )

    return _publish(
        config_file.parent,
        {config_file.name: content},
        prune=False,
        reload=lambda: _reload(http, url, "Alertmanager", context),
        verify=verify,
    )
