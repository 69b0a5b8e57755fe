"""The path-level fallback: every difference between two plain-data values, as ``path old -> new``.

Worded comparisons (thresholds, queries, routes...) take the fields they can word and leave the rest to
:func:`generic_changes`, so no difference is silent and none is reported twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from typing import Any

from toolkit.diff.model import CHANGED, Change, line_diff


class _Missing:
    """The value at a path one side does not have."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
Path = tuple[str | int, ...]
NAME = re.compile(r"[A-Za-z_][\w-]*")
SHORT = 80


def _identity(item: Any) -> str:
    return json.dumps(item, sort_keys=True, default=str)


def _list_pairs(old: list, new: list) -> Iterator[tuple[int, Any, Any]]:
    """Items of two lists paired: equal runs skipped, the rest paired in order, the surplus added or
    removed (index in ``old``, or in ``new`` for an added item)."""
    if len(old) == len(new):
        yield from ((i, a, b) for i, (a, b) in enumerate(zip(old, new, strict=True)))
        return
    start, end = 0, 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    a, b = old[start : len(old) - end], new[start : len(new) - end]
    opcodes = (
        SequenceMatcher(
            None, [_identity(x) for x in a], [_identity(y) for y in b], autojunk=False
        ).get_opcodes()
        if a and b
        else [("replace", 0, len(a), 0, len(b))]
    )
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        common = min(i2 - i1, j2 - j1)
        yield from ((start + i1 + k, a[i1 + k], b[j1 + k]) for k in range(common))
        yield from ((start + i, a[i], MISSING) for i in range(i1 + common, i2))
        yield from ((start + j, MISSING, b[j]) for j in range(j1 + common, j2))


def differences(old: Any, new: Any, path: Path = ()) -> Iterator[tuple[Path, Any, Any]]:
    """``(path, old, new)`` for every smallest part that differs; ``MISSING`` marks an absent side."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *sorted((k for k in new if k not in old), key=str)]:
            yield from differences(old.get(key, MISSING), new.get(key, MISSING), (*path, key))
    elif isinstance(old, list) and isinstance(new, list):
        for index, a, b in _list_pairs(old, new):
            yield from differences(a, b, (*path, index))
    else:
        yield path, old, new


def path_text(path: Path) -> str:
    """``fieldConfig.defaults.custom.stacking.mode``, ``overrides[0]``, ``labels["a.b"]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif NAME.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out or "value"


def value_text(value: Any) -> str:
    """A value as compact JSON: strings quoted, so ``"1"`` and ``1`` read differently."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def plain(value: Any) -> str:
    """A value for a sentence: text as is, absent as ``(none)``, anything else as JSON."""
    if value is MISSING:
        return "(none)"
    return value if isinstance(value, str) and value else value_text(value)


def _lines(value: Any) -> str:
    """A long value as detail lines: text line by line, data on one line if it fits, else indented."""
    if isinstance(value, str):
        return value
    text = value_text(value)
    return text if len(text) <= 2 * SHORT else json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


def _one_side(section: str, where: str, value: Any, added: bool) -> Change:
    text = value_text(value)
    if len(text) <= SHORT:
        return Change(
            section, CHANGED, f"{where} added: {text}" if added else f"{where} removed (was {text})"
        )
    sign = "+" if added else "-"
    lines = tuple(f"{sign} {line}" for line in _lines(value).splitlines())
    return Change(section, CHANGED, f"{where} {'added' if added else 'removed'}", lines)


def describe(section: str, label: str, path: Path, old: Any, new: Any) -> Change:
    """One path-level change: ``label: path old -> new``, added, removed, or a long value's line diff."""
    where = f"{label}: {path_text(path)}" if label else path_text(path)
    if old is MISSING or new is MISSING:
        return _one_side(section, where, new if old is MISSING else old, old is MISSING)
    a, b = value_text(old), value_text(new)
    if len(a) + len(b) <= SHORT and "\\n" not in a + b:
        return Change(section, CHANGED, f"{where} {a} -> {b}")
    return Change(section, CHANGED, f"{where} changed", line_diff(_lines(old), _lines(new)))


def matched(
    old: dict[str, Any], new: dict[str, Any], *, by_name: bool = False
) -> Iterator[tuple[str, Any, Any]]:
    """Every key of two mappings with each side's item (``MISSING`` where absent): ``old``'s keys in
    order, then those only ``new`` has; ``by_name``: all keys sorted."""
    keys = sorted(set(old) | set(new)) if by_name else [*old, *(k for k in new if k not in old)]
    for key in keys:
        yield key, old.get(key, MISSING), new.get(key, MISSING)


def generic_changes(section: str, label: str, old: Any, new: Any, path: Path = ()) -> Iterator[Change]:
    """Every difference between ``old`` and ``new``, one path-level change each."""
    for where, a, b in differences(old, new, path):
        yield describe(section, label, where, a, b)


def _drop(data: dict, path: Path, emptied: set[Path], prefix: Path = ()) -> None:
    key, rest = path[0], path[1:]
    if key not in data:
        return
    if not rest:
        del data[key]
        return
    child = data[key]
    if not isinstance(child, dict):
        return
    data[key] = child = dict(child)
    _drop(child, rest, emptied, (*prefix, key))
    if not child:
        emptied.add((*prefix, key))


def _remove(data: dict, path: Path, other: Any) -> None:
    """Delete ``path``, and each mapping above it left empty where ``other`` has nothing either."""
    parents = [data]
    for key in path[:-1]:
        parents.append(parents[-1][key])
    del parents[-1][path[-1]]
    for depth in range(len(path) - 1, 0, -1):
        if parents[depth] or at(other, path[:depth]) is not MISSING:
            return
        del parents[depth - 1][path[depth - 1]]


def without(old: Any, new: Any, paths: Iterable[Path]) -> tuple[Any, Any]:
    """Both sides without the parts at ``paths`` (which worded changes covered); a mapping that only
    they filled goes too where the other side has no such mapping left. Neither side is mutated."""
    paths = (
        [p for p in paths if p[0] in old or p[0] in new]
        if isinstance(old, dict) and isinstance(new, dict)
        else []
    )
    if not paths:
        return old, new
    sides = [dict(old), dict(new)]
    emptied: list[set[Path]] = [set(), set()]
    for path in paths:
        for side, found in zip(sides, emptied, strict=True):
            _drop(side, path, found)
    for this, other in ((0, 1), (1, 0)):
        for path in sorted(emptied[this], key=len, reverse=True):
            if at(sides[this], path) == {} and (path in emptied[other] or at(sides[other], path) is MISSING):
                _remove(sides[this], path, sides[other])
    return sides[0], sides[1]


def at(data: Any, path: Path) -> Any:
    """The value at ``path`` in nested mappings, or ``MISSING``."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return MISSING
        data = data[key]
    return data


def differing(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both mappings cut to the keys whose values differ (a key one side lacks included)."""
    keys = [k for k in old if old[k] != new.get(k, MISSING)] + [k for k in new if k not in old]
    return {k: old[k] for k in keys if k in old}, {k: new[k] for k in keys if k in new}


def unique_key(found: dict[str, Any], key: str) -> str:
    """``key``, or ``key #2``, ``key #3``... when ``found`` has it already."""
    name, n = key, 1
    while name in found:
        n += 1
        name = f"{key} #{n}"
    return name


def keyed(items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Items by key, in order; a repeated key gets `` #2``, `` #3``..."""
    found: dict[str, Any] = {}
    for key, item in items:
        found[unique_key(found, key)] = item
    return found


def order_change(section: str, what: str, old: Iterable[str], new: Iterable[str]) -> Iterator[Change]:
    """A change when the keys both sides share come in a different order."""
    after = set(new)
    before = [k for k in old if k in after]
    shared = set(before)
    after_order = [k for k in new if k in shared]
    if before != after_order:
        yield Change(section, CHANGED, f"{what} order: {', '.join(before)} -> {', '.join(after_order)}")
