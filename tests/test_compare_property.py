"""The comparison's defining property: compare(a, b) == [] exactly when the normalized a and b are equal.

Every leaf (string, number, boolean, null) of every built dashboard, rule group and Alertmanager config,
and of every dashboard and rule file of the shared corpus (../shared/corpus/mixins), is mutated in turn,
and every mapping key and list item is deleted in turn. For each mutation the mutated object is
normalized again, and compare must report a change exactly when that differs from the original.

A dashboard is mutated one slice at a time, to keep the test fast: its dashboard-level fields (with no
panels), then each field of each top-level panel (a row's ``panels`` holds its nested panels) in a
dashboard of its own, beside the panel's type and title. Each slice is itself a dashboard, normalized
and compared as any other; together they hold every leaf.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sample_project import REPO
from toolkit.bundle import Bundle, DashboardEntry, RuleEntry, RuleGroupEntry
from toolkit.bundle.dashboards import normalize_dashboard
from toolkit.bundle.rules import normalize_group_options, normalize_rule
from toolkit.diff.alertmanager import alertmanager_changes
from toolkit.diff.dashboards import board_changes
from toolkit.diff.rules import rule_changes
from toolkit.locations import SourceLocation
from toolkit.sources.files import SourceError, parse_rule_file

CORPUS = REPO.parent / "shared" / "corpus" / "mixins"
MIXINS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
HERE = SourceLocation("property test")
DURATION = __import__("re").compile(r"^(\d+(ms|[smhdwy]))+$")

Path_ = tuple[Any, ...]


def _mutated(value: Any) -> Any:
    """A different value of a leaf (a duration stays a valid duration)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    if value is None:
        return "mutated"
    return f"{value}1s" if DURATION.match(value) else f"{value}_mutated"


def _leaves(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every leaf (string, number, boolean, null) with its path."""
    if isinstance(data, dict | list):
        for key, value in data.items() if isinstance(data, dict) else enumerate(data):
            yield from _leaves(value, (*path, key))
    else:
        yield path, data


def _entry_paths(data: Any, path: Path_ = (), every: bool = True) -> Iterator[Path_]:
    """The path of every mapping key and list item (each one a deletion); unless ``every``, only the
    keys holding a mapping or list, and the list items."""
    if isinstance(data, dict | list):
        for key, value in data.items() if isinstance(data, dict) else enumerate(data):
            if every or isinstance(data, list) or isinstance(value, dict | list):
                yield (*path, key)
            yield from _entry_paths(value, (*path, key), every)


def _get(data: Any, path: Path_) -> tuple[Any] | None:
    """``(value,)`` at ``path`` through mappings and lists, or None when there is none."""
    for key in path:
        if isinstance(data, dict) and key in data or isinstance(data, list) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return (data,)


def _replaced(data: Any, path: Path_, change: Callable[[Any, Any], Any]) -> Any:
    """A copy of ``data`` with ``change(container, key)`` applied at ``path``; only the containers on the
    way are copied."""
    copy: Any = dict(data) if isinstance(data, dict) else list(data)
    key = path[0]
    if len(path) == 1:
        return change(copy, key)
    copy[key] = _replaced(data[key], path[1:], change)
    return copy


def _set(value: Any) -> Callable[[Any, Any], Any]:
    def change(container: Any, key: Any) -> Any:
        container[key] = value
        return container

    return change


def _delete(container: Any, key: Any) -> Any:
    del container[key]
    return container


def mutations(data: Any, under: Path_ = (), every: bool = True) -> Iterator[tuple[bool, Any]]:
    """``data`` with one leaf changed (True), then with one key or item deleted (False), for every leaf,
    key and item at or below ``under`` (unless ``every``, only the keys holding a mapping or list, and
    list items)."""
    (inside,) = _get(data, under) or (None,)
    for path, leaf in _leaves(inside, under):
        yield True, _replaced(data, path, _set(_mutated(leaf)))
    for path in [under] if under else []:
        yield False, _replaced(data, path, _delete)
    for path in _entry_paths(inside, under, every):
        yield False, _replaced(data, path, _delete)


class Tally:
    """Leaves walked (of every normalized file), mutations tried and leaves among them changed;
    ``every``: delete every key, not only those holding a mapping or list (the project's files get every
    deletion, the corpus the structural ones)."""

    def __init__(self, every: bool = True) -> None:
        self.leaves = 0
        self.mutations = 0
        self.changed_leaves = 0
        self.every = every

    def walk(self, data: Any) -> None:
        """Count the leaves of a normalized file."""
        self.leaves += sum(1 for _ in _leaves(data))

    def check(
        self,
        data: Any,
        original: Any,
        normalize: Callable,
        changes: Callable,
        under: Path_ = (),
        mutate: bool = True,
    ) -> None:
        """Mutate ``data`` at or below ``under`` (or only delete ``under``); for each variant, compare
        finds a change exactly when its normalized form differs from ``original``, ``data`` normalized."""
        if _get(data, under) is None:
            return  # the normalizer did not keep this slice's share where it was: nothing to mutate there
        if mutate:
            variants = mutations(data, under, self.every)
        else:
            variants = iter([(False, _replaced(data, under, _delete))])
        for leaf, variant in variants:
            self.mutations += 1
            self.changed_leaves += leaf
            try:
                normalized = normalize(variant)
            except (ValueError, TypeError, AttributeError, KeyError, SourceError):
                continue  # the normalizer refuses it: there is nothing to compare
            found, differs = changes(original, normalized), normalized != original
            assert bool(found) == differs, (
                f"compare says {[c.text for c in found]!r} of a variant that "
                f"{'differs' if differs else 'is equal'} once normalized: {variant!r}"
            )
            assert len(set(found)) == len(found), f"a change reported twice: {[c.text for c in found]!r}"


def normalized(data: dict[str, Any]) -> dict[str, Any]:
    """A dashboard in the one normalized form."""
    return normalize_dashboard(data).data


def _board(data: dict[str, Any]) -> DashboardEntry:
    return DashboardEntry(uid=str(data.get("uid") or ""), data=data, source=HERE)


def _board_changes(old: dict[str, Any], new: dict[str, Any]) -> list:
    return board_changes(_board(old), _board(new))


HEAD = ("uid", "title", "schemaVersion")
LISTED = {"panels": (), "rows": (), "templating": ("list",), "annotations": ("list",)}


def _panel_slices(
    panel: dict[str, Any], wrap: Callable[[dict[str, Any]], dict[str, Any]], place: Path_
) -> Iterator[tuple[dict[str, Any], Path_, bool]]:
    named = {k: panel[k] for k in ("type", "title") if k in panel}
    yield wrap(panel), place, False
    for field, value in panel.items():
        if field == "panels" and isinstance(value, list) and all(isinstance(p, dict) for p in value):
            yield wrap({**named, "panels": value}), (*place, "panels"), False
            for child in value:
                held = lambda p, named=named: wrap({**named, "panels": [p]})  # noqa: E731
                yield from _panel_slices(child, held, (*place, "panels", 0))
        else:
            yield wrap({**named, field: value}), (*place, field), True


def dashboard_slices(board: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Path_, bool]]:
    """Small dashboards that together hold every leaf of ``board``: each dashboard-level field, each
    variable and annotation, each field of each panel (with the panel's type and title, inside its row
    for a nested panel), each beside the dashboard's uid, title and schemaVersion. With each, the path
    under which its share lies, and whether to mutate that share (True) or only delete it (False: a
    whole panel, a whole list)."""
    head = {k: board[k] for k in HEAD if k in board}
    for key, value in board.items():
        inner = LISTED.get(key)
        listed = value if inner == () else value.get("list") if inner and isinstance(value, dict) else None
        if not isinstance(listed, list):
            yield {**head, key: value}, (key,), True
            continue
        place = (key, *inner)
        shell = {k: v for k, v in value.items() if k != "list"} if inner else None

        def wrap(items: list, shell: Any = shell, key: str = key) -> dict[str, Any]:
            return {**head, key: items if shell is None else {**shell, "list": items}}

        yield wrap(listed), (key,), False
        for other, part in (shell or {}).items():
            yield {**head, key: {other: part}}, (key, other), True
        for index, item in enumerate(listed):
            if inner:  # whole: the normalizer may add to such a list (Grafana's built-in annotation)
                yield wrap(listed), (*place, index), True
            elif not isinstance(item, dict):
                yield wrap([item]), (*place, 0), True
            else:
                yield from _panel_slices(item, lambda p, wrap=wrap: wrap([p]), (*place, 0))


def check_dashboard(tally: Tally, raw: dict[str, Any]) -> None:
    """Every leaf of one dashboard, slice by slice."""
    board = normalized(raw)
    tally.walk(board)
    for part, under, mutate in dashboard_slices(board):
        original = normalized(part)
        assert _board_changes(original, original) == []
        tally.check(original, original, normalized, _board_changes, under, mutate)


def _group(data: dict[str, Any]) -> RuleGroupEntry:
    rules = tuple(RuleEntry(normalize_rule(rule), HERE) for rule in data["rules"])
    return RuleGroupEntry(str(data["name"]), "rules.yml", rules, HERE, normalize_group_options(data))


def _group_changes(old: RuleGroupEntry, new: RuleGroupEntry) -> list:
    return rule_changes(Bundle(rule_groups=(old,)), Bundle(rule_groups=(new,)))


def check_rule_file(tally: Tally, path: Path) -> None:
    """Every leaf of every group of one rule file."""
    try:
        groups = parse_rule_file(path.read_text(encoding="utf-8"), str(path))
    except SourceError:
        return  # lint's business: a file Prometheus refuses has no groups to compare
    for group in groups:
        data = {"name": group.name, **group.options, "rules": [rule.data for rule in group.rules]}
        tally.walk(data)
        original = _group(data)
        assert _group_changes(original, original) == []
        tally.check(data, original, _group, _group_changes)


def _alertmanager_changes(old: dict[str, Any], new: dict[str, Any]) -> list:
    return alertmanager_changes(Bundle(alertmanager=old), Bundle(alertmanager=new))


def check_alertmanager(tally: Tally, path: Path) -> None:
    """Every leaf of an Alertmanager config (its data is its normalized form)."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    tally.walk(config)
    tally.check(config, config, lambda data: data, _alertmanager_changes)


def _report(name: str, tally: Tally) -> None:
    print(
        f"{name}: {tally.mutations} mutations ({tally.changed_leaves} leaves changed) of {tally.leaves} leaves"
    )
    assert tally.mutations >= tally.leaves
    assert tally.changed_leaves >= tally.leaves, "a leaf was not mutated"


def test_every_leaf_of_the_project_build() -> None:
    tally = Tally()
    build = REPO / "build"
    for path in sorted((build / "dashboards").glob("*.json")):
        check_dashboard(tally, json.loads(path.read_text()))
    for path in sorted((build / "prometheus").glob("*.yml")):
        check_rule_file(tally, path)
    check_alertmanager(tally, build / "alertmanager" / "alertmanager.yml")
    _report("build/", tally)
    assert tally.leaves > 5000


@pytest.mark.skipif(not MIXINS, reason=f"the shared corpus is absent ({CORPUS})")
@pytest.mark.parametrize("mixin", MIXINS or ["(none)"])
def test_every_leaf_of_a_corpus_mixin(mixin: str) -> None:
    tally = Tally(every=False)
    folder = CORPUS / mixin
    for path in sorted(folder.glob("dashboards/*.json")):
        check_dashboard(tally, json.loads(path.read_text(encoding="utf-8")))
    for path in sorted(folder.glob("*.yaml")):
        check_rule_file(tally, path)
    _report(f"corpus {mixin}", tally)
