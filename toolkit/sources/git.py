"""The git source: ``build/`` as it was at a revision (or as it is in the working tree), read with the file
source: dashboards, rule files, the Alertmanager config, and also the promtool tests, the metric catalogue
and the notification templates, so a diff sees every file the build writes.

A revision is listed with ``git ls-tree`` and its files read one at a time by one ``git cat-file --batch``
process, nothing extracted to disk; each file carries its git blob id (computed the same way for a file in
the working tree), so two sides can tell which files are byte for byte the same without reading them.
"""

from __future__ import annotations

import hashlib
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from toolkit.bundle import Bundle, RuleTestEntry
from toolkit.errors import ToolkitError
from toolkit.locations import SourceLocation
from toolkit.metrics import Metric
from toolkit.output.build import BUILD_DIR, TESTS_DIR
from toolkit.sources.built_extras import is_template, read_metrics, read_rule_tests, template_text
from toolkit.sources.files import (
    DASHBOARD_SUFFIXES,
    RULE_SUFFIXES,
    FileBundle,
    FileReader,
    SourceError,
    decode_text,
)

WORKING_TREE = "WORKTREE"
SOURCE_FOLDERS = ("dashboards", "prometheus", "alertmanager")  # what the file source reads of build/
REGULAR_FILES = ("100644", "100755")


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


def cat_files(root: Path, blobs: list[str]) -> Iterator[bytes]:
    """The bytes of each blob of ``blobs``, in order, from one ``git cat-file --batch`` process that a thread
    feeds the ids while they are read, so no file costs a round trip between the processes; one blob is held
    at a time. GitError for a blob git does not have."""
    if not blobs:
        return
    process = subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    feeder = threading.Thread(target=_feed, args=(process.stdin, blobs), daemon=True)
    feeder.start()
    done = False
    try:
        for blob in blobs:
            header = process.stdout.readline().split()
            if len(header) != 3:
                raise GitError(f"git cat-file: no object {blob}")
            data = process.stdout.read(int(header[2]))
            process.stdout.read(1)  # the newline after the object
            yield data
        done = True
    finally:
        if not done:  # stopped early (an error, an interruption): git need not finish
            process.kill()
        feeder.join()
        process.wait()
        process.stdout.close()


def _feed(stdin: IO[bytes], blobs: list[str]) -> None:
    try:
        for blob in blobs:
            stdin.write(blob.encode() + b"\n")
        stdin.close()
    except (BrokenPipeError, ValueError):  # the reader stopped early and git is gone
        pass


def blob_id(data: bytes) -> str:
    """The id git gives a file's bytes (SHA-1 object format)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass
class BuildTree:
    """``build/`` at one revision or in the working tree: its files (paths relative to ``build/``) with their
    git blob ids, read on demand. ``origin`` names the side in messages."""

    origin: str
    files: dict[str, str]
    root: Path
    revision: str
    errors: list[SourceError] = field(default_factory=list)

    def shown(self, name: str) -> str:
        """How the file ``name`` is named in messages: its path on disk, or ``REV:build/NAME`` (git's way)."""
        if self.revision == WORKING_TREE:
            return str(self.root / BUILD_DIR / name)
        return f"{self.revision}:{BUILD_DIR}/{name}"

    def read(self, name: str) -> bytes:
        """The bytes of the file ``name``; SourceError when it cannot be read."""
        data = next(self.read_all([name]))
        if isinstance(data, SourceError):
            raise data
        return data

    def read_all(self, names: list[str]) -> Iterator[bytes | SourceError]:
        """The bytes of each file of ``names``, in order, one at a time; a SourceError in place of a file
        that cannot be read (in the working tree)."""
        if self.revision != WORKING_TREE:
            yield from cat_files(self.root, [self.files[name] for name in names])
            return
        for name in names:
            try:
                yield (self.root / BUILD_DIR / name).read_bytes()
            except OSError as error:
                yield SourceError(f"cannot read: {error.strerror}", SourceLocation(self.shown(name)))

    def texts(self, names: list[str]) -> Iterator[tuple[str, str | SourceError]]:
        """Each file of ``names`` with its text, in order, one at a time; a SourceError in place of the text
        of a file that cannot be read or is no UTF-8 text."""
        for name, data in zip(names, self.read_all(names), strict=True):
            if isinstance(data, SourceError):
                yield name, data
                continue
            try:
                yield name, decode_text(data, self.shown(name))
            except SourceError as error:
                yield name, error

    def text(self, name: str) -> str:
        """The text of the file ``name``; SourceError when it is no UTF-8 text or cannot be read."""
        return decode_text(self.read(name), self.shown(name))


def list_build(root: Path, revision: str) -> BuildTree:
    """The files of ``build/`` at ``revision`` (``WORKTREE`` for the files on disk), none read yet but for
    their ids; an absent ``build/`` has no files. GitError when the revision cannot be read."""
    if revision == WORKING_TREE:
        folder = root / BUILD_DIR
        tree = BuildTree(f"{BUILD_DIR}/ in the working tree", {}, root, revision)
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                tree.files[path.relative_to(folder).as_posix()] = blob_id(path.read_bytes())
        return _checked(tree)
    listed = subprocess.run(
        ["git", "ls-tree", "-r", "-z", revision, "--", BUILD_DIR], cwd=root, capture_output=True, check=False
    )
    if listed.returncode != 0:
        message = listed.stderr.decode(errors="replace").strip()
        raise GitError(f"cannot read {BUILD_DIR}/ at {revision}: {message}")
    tree = BuildTree(f"{BUILD_DIR}/ at {revision}", {}, root, revision)
    for record in listed.stdout.decode(errors="surrogateescape").split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        mode, _, blob = meta.split(" ")
        name = path.removeprefix(f"{BUILD_DIR}/")
        if mode in REGULAR_FILES:
            tree.files[name] = blob
        else:
            where = SourceLocation(tree.shown(name))
            tree.errors.append(
                SourceError(f"not a regular file (git mode {mode}): build/ holds files only", where)
            )
    return _checked(tree)


def _checked(tree: BuildTree) -> BuildTree:
    """``tree`` with an error for each folder the file source reads that holds no rule file or dashboard."""
    for folder in SOURCE_FOLDERS:
        inside = [name for name in tree.files if name.startswith(f"{folder}/")]
        if inside and not any(is_source_file(name) for name in inside):
            where = SourceLocation(tree.shown(folder))
            tree.errors.append(SourceError("no rule files (.yml, .yaml) or dashboards (.json) here", where))
    return tree


def is_source_file(name: str) -> bool:
    """True for a file of ``build/`` the file source reads: a dashboard, rule file or Alertmanager config
    (any JSON or YAML file under dashboards/, prometheus/ or alertmanager/)."""
    return name.startswith(tuple(f"{folder}/" for folder in SOURCE_FOLDERS)) and name.endswith(
        RULE_SUFFIXES + DASHBOARD_SUFFIXES
    )


def is_rule_test(name: str) -> bool:
    """True for a promtool test file the build writes (``prometheus/tests/<subject>.yml``)."""
    return name.startswith(f"{TESTS_DIR}/") and name.count("/") == 2 and name.endswith(".yml")


def read_files(tree: BuildTree, names: list[str], alerts: frozenset[str] = frozenset()) -> FileBundle:
    """The files ``names`` of ``tree`` as one bundle, each read as the build wrote it: dashboards, rule
    files and the Alertmanager config by the file source, then promtool tests (``alerts`` are the alert
    names: a test of another subject tests an expression), the metric catalogue and notification
    templates. Every file that cannot be read is an error in the result."""
    reader = FileReader()
    tests: list[RuleTestEntry] = []
    metrics: tuple[Metric, ...] = ()
    templates: dict[str, str] = {}
    errors: list[SourceError] = []
    for name, text in tree.texts(sorted(name for name in names if name in tree.files)):
        try:
            if isinstance(text, SourceError):
                raise text
            if is_source_file(name):
                reader.add(tree.shown(name), text)
            if is_rule_test(name):
                tests += read_rule_tests(text, tree.shown(name), alerts)
            elif name == "metrics.md":
                metrics = read_metrics(text, tree.shown(name))
            elif name.startswith("alertmanager/") and is_template(name.rsplit("/", 1)[-1]):
                templates[name.removeprefix("alertmanager/")] = template_text(text)
        except SourceError as error:
            errors.append(error)
    loaded = reader.result(tree.origin)
    bundle = replace(loaded.bundle, rule_tests=tuple(tests), metrics=metrics, alertmanager_files=templates)
    return FileBundle(bundle, [*loaded.errors, *errors])


def load_build(root: Path, revision: str) -> FileBundle:
    """``build/`` at ``revision`` (``WORKTREE`` for the files on disk) as a bundle: every file read."""
    tree = list_build(root, revision)
    if not tree.files:
        return FileBundle(Bundle(origin=f"{tree.origin} (absent)"), tree.errors)
    sources = read_files(tree, [name for name in tree.files if not is_rule_test(name)])
    alerts = frozenset(rule.name for _, rule in sources.bundle.alert_rules())
    tests = read_files(tree, [name for name in tree.files if is_rule_test(name)], alerts)
    bundle = replace(sources.bundle, rule_tests=tests.bundle.rule_tests)
    return FileBundle(bundle, [*tree.errors, *sources.errors, *tests.errors])
