"""``build/`` at two revisions compared one file pair at a time: what ``toolkit diff`` reports.

A file that is byte for byte the same on both sides (the same git blob) holds no difference and is not
read. Each dashboard file that differs is read on both sides, compared and let go before the next, so the
memory held is that of one pair, however many dashboards the build has; the changes found are kept (they
are the output) and given in the order :func:`toolkit.diff.compare.compare` gives them. Dashboards are
matched by uid: a file whose uid changed, or that only one side has, is matched with the others of its
kind at the end. The other files that differ (rule files, the Alertmanager config, promtool tests,
notification templates, metrics.md) are read into two small bundles and compared as any bundles are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from toolkit.bundle import DashboardEntry
from toolkit.diff.compare import changes_beside_dashboards
from toolkit.diff.dashboards import added, board_changes, removed
from toolkit.diff.model import Change
from toolkit.sources.files import DASHBOARD_SUFFIXES, NotThisKind, SourceError, decode_text, read_dashboard
from toolkit.sources.git import BuildTree, is_source_file, read_files


@dataclass
class BuildDiff:
    """The changes from one ``build/`` to another, the files that could not be read, and for each changed
    dashboard (by uid) the names of its file on the old and the new side (None where a side has none)."""

    changes: list[Change] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    dashboard_files: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def compare_builds(old: BuildTree, new: BuildTree) -> BuildDiff:
    """Every change from ``old`` to ``new``, as :func:`toolkit.diff.compare.compare` of the two bundles
    gives it, reading only the files that differ. A dashboard uid that two differing files of one side
    hold is an error (Grafana keeps one dashboard per uid). Rule groups are matched by name among the
    differing rule files (a name that an unchanged file shares is not told apart by its file). The promtool
    tests are read without the alert names (``is_alert`` is False): the comparison does not use it."""
    result = BuildDiff(errors=[*old.errors, *new.errors])
    differing = sorted(n for n in old.files.keys() | new.files.keys() if old.files.get(n) != new.files.get(n))
    boards = [n for n in differing if is_source_file(n) and n.endswith(DASHBOARD_SUFFIXES)]
    _Dashboards(old, new, result).compare(boards)
    others = [n for n in differing if not (is_source_file(n) and n.endswith(DASHBOARD_SUFFIXES))]
    before, after = read_files(old, others), read_files(new, others)
    result.errors += [*before.errors, *after.errors]
    result.changes += changes_beside_dashboards(before.bundle, after.bundle)
    return result


@dataclass
class _Dashboards:
    old: BuildTree
    new: BuildTree
    result: BuildDiff
    by_uid: dict[str, list[Change]] = field(default_factory=dict)
    held: tuple[dict[str, str], dict[str, str]] = field(default_factory=lambda: ({}, {}))
    alone: tuple[dict[str, Change], dict[str, Change]] = field(default_factory=lambda: ({}, {}))

    def compare(self, names: list[str]) -> None:
        for name, *data in pairs(self.old, self.new, names):
            self.result.errors += [found for found in data if isinstance(found, SourceError)]
            if data[0] == data[1] or any(isinstance(found, SourceError) for found in data):
                continue
            a, b = self._entry(self.old, name, data[0]), self._entry(self.new, name, data[1])
            self._hold(0, a, name)
            self._hold(1, b, name)
            if a is not None and b is not None and a.uid == b.uid:
                self._found(a.uid, board_changes(a, b), (name, name))
                continue
            if a is not None:
                self.alone[0][a.uid] = removed(a)
            if b is not None:
                self.alone[1][b.uid] = added(b)
        for uid in self.alone[0].keys() | self.alone[1].keys():
            names_ = self.held[0].get(uid), self.held[1].get(uid)
            if uid in self.alone[0] and uid in self.alone[1]:
                a, b = self._reread(self.old, names_[0]), self._reread(self.new, names_[1])
                self._found(uid, board_changes(a, b) if a and b else [], names_)
            else:
                self._found(uid, [self.alone[0].get(uid) or self.alone[1][uid]], names_)
        self.result.changes += [change for uid in sorted(self.by_uid) for change in self.by_uid[uid]]

    def _found(self, uid: str, changes: list[Change], names: tuple[Any, Any]) -> None:
        if changes:
            self.by_uid[uid] = changes
            self.result.dashboard_files[uid] = names

    def _hold(self, side: int, entry: DashboardEntry | None, name: str) -> None:
        if entry is None:
            return
        tree = (self.old, self.new)[side]
        other = self.held[side].setdefault(entry.uid, name)
        if other != name:
            self.result.errors.append(
                SourceError(
                    f'dashboard uid "{entry.uid}" is also that of {tree.shown(other)}: Grafana keeps one '
                    "dashboard per uid",
                    entry.source,
                )
            )

    def _entry(self, tree: BuildTree, name: str, data: bytes | None) -> DashboardEntry | None:
        if data is None:
            return None
        try:
            return read_dashboard(decode_text(data, tree.shown(name)), tree.shown(name), locate_panels=False)
        except NotThisKind:
            return None
        except SourceError as error:
            self.result.errors.append(error)
            return None

    def _reread(self, tree: BuildTree, name: str | None) -> DashboardEntry | None:
        if name is None:
            return None
        try:
            return self._entry(tree, name, tree.read(name))
        except SourceError as error:
            self.result.errors.append(error)
            return None


def pairs(
    old: BuildTree, new: BuildTree, names: list[str]
) -> Iterator[tuple[str, bytes | SourceError | None, bytes | SourceError | None]]:
    """Each file of ``names`` with its bytes on the old and the new side (None where a side has none), one
    pair at a time, each side read by one stream."""
    streams = [tree.read_all([name for name in names if name in tree.files]) for tree in (old, new)]
    for name in names:
        a, b = (
            next(stream) if name in tree.files else None
            for tree, stream in zip((old, new), streams, strict=True)
        )
        yield name, a, b


def dashboard_data(tree: BuildTree, name: str | None) -> dict[str, Any] | None:
    """The normalized data of the dashboard in the file ``name`` of ``tree`` (None for no file)."""
    if name is None:
        return None
    return read_dashboard(tree.text(name), tree.shown(name), locate_panels=False).data
