"""The git source: ``build/`` as it was at a revision, read with the file source: dashboards, rule files,
the Alertmanager config, and also the promtool tests, the metric catalogue and the notification
templates, so a diff sees every file the build writes."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import replace
from pathlib import Path

from toolkit.bundle import Bundle
from toolkit.errors import ToolkitError
from toolkit.output.build import BUILD_DIR
from toolkit.sources.built_extras import load_alertmanager_files, load_metrics, load_rule_tests
from toolkit.sources.files import FileBundle, SourceError, load_paths

WORKING_TREE = "WORKTREE"


class GitError(ToolkitError):
    """A revision cannot be read."""


def git(root: Path, *args: str) -> str:
    """Run git in ``root``; its output, or GitError with git's message."""
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode()


def default_base(root: Path) -> str:
    """The merge-base of HEAD with the main branch (main, master, or their origin copies), else HEAD."""
    for branch in ("origin/main", "main", "origin/master", "master"):
        try:
            return git(root, "merge-base", "HEAD", branch).strip()
        except GitError:
            continue
    return "HEAD"


def load_build(root: Path, revision: str) -> FileBundle:
    """``build/`` at ``revision`` (``WORKTREE`` for the files on disk) as a bundle."""
    if revision == WORKING_TREE:
        return _load(root / BUILD_DIR, f"{BUILD_DIR}/ in the working tree", BUILD_DIR)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, BUILD_DIR], cwd=root, capture_output=True, check=False
    )
    if archive.returncode != 0:
        message = archive.stderr.decode(errors="replace").strip()
        if "did not match any files" in message or "pathspec" in message:
            return FileBundle(_empty(revision))
        raise GitError(f"cannot read {BUILD_DIR}/ at {revision}: {message}")
    with (
        tempfile.TemporaryDirectory(prefix="toolkit-diff-") as tmp,
        tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar,
    ):
        tar.extractall(tmp, filter="data")
        return _load(Path(tmp) / BUILD_DIR, f"{BUILD_DIR}/ at {revision}", f"{BUILD_DIR} at {revision}")


def _empty(revision: str) -> Bundle:
    return Bundle(origin=f"{BUILD_DIR}/ at {revision} (absent)")


def _load(folder: Path, origin: str, shown: str) -> FileBundle:
    if not folder.is_dir():
        return FileBundle(_empty(origin))
    paths = [p for p in (folder / "dashboards", folder / "prometheus", folder / "alertmanager") if p.is_dir()]
    loaded = load_paths(paths, origin=origin)
    alerts = {rule.name for _, rule in loaded.bundle.alert_rules()}
    try:
        tests = load_rule_tests(folder, shown, alerts)
        metrics = load_metrics(folder, shown)
        templates = load_alertmanager_files(folder, shown)
    except SourceError as error:
        return FileBundle(loaded.bundle, [*loaded.errors, error])
    extras = replace(loaded.bundle, rule_tests=tests, metrics=metrics, alertmanager_files=templates)
    return FileBundle(extras, loaded.errors)
