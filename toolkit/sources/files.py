"""The file source: Prometheus rule files, Grafana dashboard JSON and alertmanager.yml into bundles.

Used for files we did not generate (``toolkit lint PATH``, ``toolkit import``) and for ``build/`` itself
(at a git revision, for ``toolkit diff``). Every problem is a :class:`SourceError` with file and line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.bundle import Bundle, DashboardEntry, RuleEntry, RuleGroupEntry
from toolkit.bundle.dashboards import normalize_dashboard, unwrap
from toolkit.errors import ToolkitError
from toolkit.rule_data import GROUP_OPTION_KEYS, RULE_KEYS, normalize_group_options, normalize_rule
from toolkit.source import SourceLocation
from toolkit.yaml_lines import line_of, load_all_with_lines, load_with_lines

RULE_SUFFIXES = (".yml", ".yaml")
DASHBOARD_SUFFIXES = (".json",)


class SourceError(ToolkitError):
    """A file cannot be read as a rule file, dashboard or Alertmanager config."""


GROUP_KEYS = frozenset(("name", "rules", "labels", *GROUP_OPTION_KEYS))
RULER_GROUP_KEYS = frozenset(  # Mimir/Cortex and Thanos rulers read these too
    ("source_tenants", "evaluation_delay", "align_evaluation_time_on_interval", "partial_response_strategy")
)


IGNORE_COMMENT = re.compile(r"#\s*toolkit\s+lint\s+ignore\s+([\w/-]+)\s*(?::\s*(.*?))?\s*$")


def comment_ignores(lines: Sequence[str], line: int) -> dict[str, str]:
    """The checks ``# toolkit lint ignore CHECK: reason`` comments turn off for the rule at ``line``
    (1-based): on the comment lines right above it, or at the end of that line. A missing reason is ''."""
    found: dict[str, str] = {}
    if not 1 <= line <= len(lines):
        return found
    above = line - 1
    while above >= 1 and lines[above - 1].lstrip().startswith("#"):
        above -= 1
    for text in lines[above:line]:
        match = IGNORE_COMMENT.search(text)
        if match:
            found[match.group(1)] = match.group(2) or ""
    return found


def _yaml_error(error: yaml.YAMLError, path: str) -> SourceError:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return SourceError(f"invalid YAML: {problem}", SourceLocation(path, mark.line + 1 if mark else 0))


def _yaml(text: str, path: str) -> tuple[Any, dict]:
    try:
        return load_with_lines(text)
    except yaml.YAMLError as error:
        raise _yaml_error(error, path) from None


def parse_rule_file(text: str, path: str) -> list[RuleGroupEntry]:
    """The rule groups of a Prometheus rule file, or of Kubernetes ``PrometheusRule`` manifests (one or
    more documents; documents of other kinds are skipped).

    Like Prometheus, refuses keys it does not know, naming the key's line and the likely one meant.
    """
    try:
        documents = load_all_with_lines(text)
    except yaml.YAMLError as error:
        raise _yaml_error(error, path) from None
    file = Path(path).name
    text_lines = text.splitlines()
    groups: list[RuleGroupEntry] = []
    found = False
    for data, lines in documents:
        prefix: tuple = ()
        if isinstance(data, dict) and "kind" in data:
            if data["kind"] != "PrometheusRule":
                continue
            data, prefix = data.get("spec") or {}, ("spec",)
        if not isinstance(data, dict) or "groups" not in data:
            continue
        found = True
        _refuse_unknown_keys(data, {"groups"}, prefix, lines, path, "at the top of a rule file")
        listed = data["groups"] or []
        if not isinstance(listed, list):
            raise SourceError(
                "'groups' must be a list", SourceLocation(path, line_of(lines, (*prefix, "groups")))
            )
        groups += [
            _group(group, (*prefix, "groups", i), lines, path, file, text_lines)
            for i, group in enumerate(listed)
        ]
    if not found:
        raise SourceError("not a rule file: expected a top-level 'groups:' list", SourceLocation(path, 1))
    return groups


def _refuse_unknown_keys(
    data: dict, known: set | frozenset, at: tuple, lines: dict, path: str, where: str
) -> None:
    unknown = [key for key in data if key not in known]
    if unknown:
        import difflib  # here: only a file with a mistake pays for it

        key = str(unknown[0])
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(sorted(known))}"
        raise SourceError(
            f"unknown key '{key}' {where}, so Prometheus refuses the file: {hint}",
            SourceLocation(path, line_of(lines, (*at, unknown[0]))),
        )


def _group(group: Any, at: tuple, lines: dict, path: str, file: str, text_lines: list[str]) -> RuleGroupEntry:
    where = SourceLocation(path, line_of(lines, at))
    if not isinstance(group, dict):
        raise SourceError("a rule group must be a mapping with 'name' and 'rules'", where)
    name = group.get("name")
    if not isinstance(name, str) or not name:
        raise SourceError("rule group has no name: add 'name:'", where)
    _refuse_unknown_keys(group, GROUP_KEYS | RULER_GROUP_KEYS, at, lines, path, f"in rule group {name}")
    rules = group.get("rules") or []
    if not isinstance(rules, list):
        raise SourceError(f"rule group {name}: 'rules' must be a list", where)
    entries = []
    for index, rule in enumerate(rules):
        rule_at = (*at, "rules", index)
        rule_where = SourceLocation(path, line_of(lines, rule_at))
        if not isinstance(rule, dict) or ("alert" in rule) == ("record" in rule):
            raise SourceError(
                f"rule group {name}: a rule needs exactly one of 'alert' or 'record'", rule_where
            )
        title = f"rule {rule.get('alert') or rule.get('record')}"
        _refuse_unknown_keys(rule, set(RULE_KEYS), rule_at, lines, path, f"in {title}")
        _check_expr(rule.get("expr"), title, SourceLocation(path, line_of(lines, (*rule_at, "expr"))))
        try:
            data = normalize_rule(rule)
        except ValueError as error:
            raise SourceError(f"{title}: {error}", rule_where) from None
        ignores = comment_ignores(text_lines, rule_where.line)
        entries.append(RuleEntry(data=data, source=rule_where, lint_ignore=ignores))
    try:
        options = normalize_group_options(group)
    except ValueError as error:
        raise SourceError(f"rule group {name}: {error}", where) from None
    return RuleGroupEntry(name=name, file=file, rules=tuple(entries), source=where, options=options)


def _check_expr(expr: Any, title: str, where: SourceLocation) -> None:
    if expr is None or expr == "":
        raise SourceError(f"{title}: 'expr' is missing", where)
    if isinstance(expr, bool) or not isinstance(expr, str | int | float):
        raise SourceError(
            f"{title}: 'expr' must be a PromQL query, not {type(expr).__name__} {expr!r}", where
        )
    # a number (``expr: 1``) is a PromQL number literal: Prometheus reads the YAML scalar's text


def load_json(text: str, path: str) -> Any:
    """``text`` as JSON; SourceError with the line and column when it is not."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(
            f"invalid JSON: {error.msg} (column {error.colno})", SourceLocation(path, error.lineno)
        ) from None


def dashboard_json(text: str, path: str) -> dict[str, Any]:
    """The dashboard JSON in ``text`` as it is (bare, API envelope or export); SourceError when it is none."""
    data = load_json(text, path)
    if not isinstance(data, dict) or not ("panels" in unwrap(data)[0] or "rows" in unwrap(data)[0]):
        raise SourceError(
            "not a dashboard: expected a JSON object with 'panels' (or old 'rows')", SourceLocation(path, 1)
        )
    return data


def parse_dashboard(text: str, path: str) -> DashboardEntry:
    """A dashboard from Grafana JSON (bare, the API envelope, exported for sharing, or legacy), normalized."""
    normalized = normalize_dashboard(dashboard_json(text, path), copy=False)
    board = normalized.data
    return DashboardEntry(
        uid=str(board.get("uid") or ""),
        data=board,
        source=SourceLocation(path, 1),
        folder=normalized.folder,
        panel_sources=_panel_lines(text, board, path),
        notes=normalized.notes,
    )


def _panel_lines(text: str, board: dict, path: str) -> dict[int, SourceLocation]:
    """The line of each panel's ``"id": N`` in the text (the first such line after the previous panel)."""
    found: dict[int, SourceLocation] = {}
    offset = 0
    for panel in _all_panels(board.get("panels") or []):
        panel_id = panel.get("id")
        if not isinstance(panel_id, int):
            continue
        match = re.compile(rf'"id"\s*:\s*{panel_id}\b').search(text, offset)
        if match:
            offset = match.end()
            found[panel_id] = SourceLocation(path, text.count("\n", 0, match.start()) + 1)
    return found


def _all_panels(panels: list) -> Iterable[dict]:
    for panel in panels:
        if isinstance(panel, dict):
            yield panel
            yield from _all_panels(panel.get("panels") or [])


def parse_alertmanager(text: str, path: str) -> dict[str, Any]:
    """An Alertmanager configuration as data."""
    data, _ = _yaml(text, path)
    if not isinstance(data, dict) or "route" not in data:
        raise SourceError("not an Alertmanager config: no 'route'", SourceLocation(path, 1))
    return data


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError("not UTF-8 text: save the file as UTF-8", SourceLocation(str(path))) from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror}", SourceLocation(str(path))) from None


@dataclass
class FileBundle:
    """What reading files gave: the bundle, and the files that could not be read (as errors)."""

    bundle: Bundle
    errors: list[SourceError] = field(default_factory=list)


def is_promtool_test(text: str) -> bool:
    """True for a promtool unit-test file (``rule_files:`` and ``tests:``), which holds no rules."""
    return (
        re.search(r"^rule_files:", text, re.M) is not None and re.search(r"^tests:", text, re.M) is not None
    )


def _is_alertmanager_file(path: Path, text: str) -> bool:
    return path.name.startswith("alertmanager") or re.search(r"^route:", text, re.M) is not None


def load_paths(paths: Iterable[Path], origin: str = "") -> FileBundle:
    """Read rule files, dashboards and an Alertmanager config from files and directories.

    Unreadable files do not stop the others: each becomes an error in the result. A directory with no
    rule file or dashboard in it is an error too.
    """
    dashboards: list[DashboardEntry] = []
    groups: list[RuleGroupEntry] = []
    alertmanager: dict | None = None
    am_source: SourceLocation | None = None
    errors: list[SourceError] = []
    for path in _expand(paths, errors):
        try:
            text = _read(path)
            if path.suffix in DASHBOARD_SUFFIXES:
                dashboards.append(parse_dashboard(text, str(path)))
            elif is_promtool_test(text):
                continue
            elif _is_alertmanager_file(path, text) and "groups:" not in text:
                alertmanager, am_source = parse_alertmanager(text, str(path)), SourceLocation(str(path), 1)
            else:
                groups.extend(parse_rule_file(text, str(path)))
        except SourceError as error:
            errors.append(error)
    bundle = Bundle(
        dashboards=tuple(sorted(dashboards, key=lambda d: (d.uid, d.source.path))),
        rule_groups=tuple(groups),
        alertmanager=alertmanager,
        alertmanager_source=am_source,
        origin=origin or ", ".join(str(p) for p in paths),
    )
    return FileBundle(bundle, errors)


def _expand(paths: Iterable[Path], errors: list[SourceError]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix in RULE_SUFFIXES + DASHBOARD_SUFFIXES
            )
            if not found:
                errors.append(
                    SourceError(
                        "no rule files (.yml, .yaml) or dashboards (.json) here", SourceLocation(str(path))
                    )
                )
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(SourceError("no such file or directory", SourceLocation(str(path))))
    return files
