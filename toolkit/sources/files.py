"""The file source: Prometheus rule files, Grafana dashboard JSON and alertmanager.yml into bundles.

Used for files we did not generate (``toolkit lint PATH``, ``toolkit import``) and for ``build/`` itself
(at a git revision, for ``toolkit diff``). Every problem is a :class:`SourceError` with file and line.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from toolkit.bundle import Bundle, DashboardEntry, RuleEntry, RuleGroupEntry, all_panels
from toolkit.bundle.rules import GROUP_OPTION_KEYS, RULE_KEY_SET, normalize_group_options, normalize_rule
from toolkit.errors import ToolkitError
from toolkit.locations import SourceLocation
from toolkit.sources.yaml_lines import YAMLLimitError, line_of, load_all_with_lines, load_with_lines

RULE_SUFFIXES = (".yml", ".yaml")
DASHBOARD_SUFFIXES = (".json",)
READ_SUFFIXES = RULE_SUFFIXES + DASHBOARD_SUFFIXES


class SourceError(ToolkitError):
    """A file cannot be read as a rule file, dashboard or Alertmanager config, or Prometheus refuses part of
    it. ``column`` is 1-based (0 when unknown); a ``fatal`` error is one Prometheus or Grafana would refuse,
    else it is a warning (a key only other rulers read)."""

    def __init__(
        self, message: str, location: SourceLocation | None = None, column: int = 0, fatal: bool = True
    ) -> None:
        super().__init__(message, location)
        self.column = column
        self.fatal = fatal


class RuleFileProblem(SourceError):
    """Something Prometheus refuses a rule file for (or, not ``fatal``, that only other rulers accept)."""


class NotThisKind(SourceError):
    """The file holds something else (a compose file, a workflow, package.json): it is skipped, not linted."""


GROUP_KEYS = frozenset(("name", "rules", "labels", *GROUP_OPTION_KEYS))
RULER_GROUP_KEYS = frozenset(  # Mimir/Cortex and Thanos rulers read these too; Prometheus refuses them
    ("source_tenants", "evaluation_delay", "align_evaluation_time_on_interval", "partial_response_strategy")
)
GO_TYPES = {"top": "rulefmt.RuleGroups", "group": "rulefmt.RuleGroup", "rule": "rulefmt.RuleNode"}


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
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    kind = "YAML refused" if isinstance(error, YAMLLimitError) else "invalid YAML"
    return SourceError(
        f"{kind}: {problem}",
        SourceLocation(path, mark.line + 1 if mark else 0),
        mark.column + 1 if mark else 0,
    )


def _yaml(text: str, path: str) -> tuple[Any, dict]:
    try:
        return load_with_lines(text)
    except yaml.YAMLError as error:
        raise _yaml_error(error, path) from None


class RuleFile(NamedTuple):
    """A rule file as read: its groups (rules Prometheus would refuse left out) and every problem, each at
    its line, in Prometheus' words."""

    groups: list[RuleGroupEntry]
    problems: list[RuleFileProblem]


def parse_rule_file(text: str, path: str) -> list[RuleGroupEntry]:
    """The rule groups of a Prometheus rule file, or of Kubernetes ``PrometheusRule`` manifests (one or
    more documents; documents of other kinds are skipped).

    Raises the first problem :func:`read_rule_file` finds (a :class:`SourceError` at its line).
    """
    read = read_rule_file(text, path)
    fatal = [problem for problem in read.problems if problem.fatal]
    if fatal:
        raise fatal[0]
    return read.groups


def read_rule_file(text: str, path: str) -> RuleFile:
    """Read a rule file as Prometheus 3 loads it, collecting every error Prometheus gives (duplicate keys and
    group names, unknown fields, record and alert together or neither, a missing expr, for, keep_firing_for
    or annotations on a recording rule, braces in a record name, invalid label names). An expression that
    does not parse is left to lint's promql/syntax, so each expression is parsed once.

    An empty file (or ``{}``) has no groups, as for promtool. A YAML file that holds no rule groups and
    other keys is not a rule file: :class:`NotThisKind` is raised for it.
    """
    try:
        documents = load_all_with_lines(text)
    except yaml.YAMLError as error:
        raise _yaml_error(error, path) from None
    file = os.path.basename(path)
    # its lines, for `# toolkit lint ignore` comments: a file that never says toolkit has none
    text_lines = text.splitlines() if "toolkit" in text else []
    read = RuleFile([], [])
    found = False
    for data, lines in documents:
        prefix: tuple = ()
        if isinstance(data, dict) and "kind" in data:
            if data["kind"] != "PrometheusRule":
                continue
            data, prefix = data.get("spec") or {}, ("spec",)
        if data is None or data == {}:
            found = True
            continue
        if not isinstance(data, dict) or "groups" not in data:
            continue
        found = True
        reader = _Reader(path, file, lines, text_lines, read)
        reader.unknown_keys(data, {"groups"}, prefix, "top")
        listed = data["groups"] or []
        if not isinstance(listed, list):
            read.problems.append(
                RuleFileProblem(
                    "'groups' must be a list", SourceLocation(path, line_of(lines, (*prefix, "groups")))
                )
            )
            continue
        names: set[str] = set()
        for i, group in enumerate(listed):
            entry = reader.group(group, (*prefix, "groups", i), names)
            if entry is not None:
                read.groups.append(entry)
    if not found and documents:
        raise NotThisKind("not a rule file: expected a top-level 'groups:' list", SourceLocation(path, 1))
    return read


class _Reader:
    """Reads the groups and rules of one document of a rule file into ``read``, with each problem at its
    line."""

    __slots__ = ("path", "file", "lines", "text_lines", "read")

    def __init__(self, path: str, file: str, lines: dict, text_lines: list[str], read: RuleFile) -> None:
        self.path, self.file, self.lines, self.text_lines, self.read = path, file, lines, text_lines, read

    def at(self, where: tuple) -> SourceLocation:
        return SourceLocation(self.path, line_of(self.lines, where))

    def problem(self, message: str, where: tuple, column: int = 0, fatal: bool = True) -> None:
        self.read.problems.append(RuleFileProblem(message, self.at(where), column, fatal))

    def unknown_keys(self, data: dict, known: set | frozenset, at: tuple, kind: str) -> None:
        if data.keys() <= known:  # the usual case, decided in C
            return
        for key in data:
            if key in known:
                continue
            if kind == "group" and key in RULER_GROUP_KEYS:
                self.problem(
                    f"field {key} not found in type {GO_TYPES[kind]}: Prometheus refuses it, only the "
                    "Mimir, Cortex and Thanos rulers read it",
                    (*at, key),
                    fatal=False,
                )
                continue
            import difflib  # here: only a file with a mistake pays for it

            close = difflib.get_close_matches(str(key), sorted(known), n=1)
            hint = f": did you mean '{close[0]}'?" if close else ""
            self.problem(f"field {key} not found in type {GO_TYPES[kind]}{hint}", (*at, key))

    def group(self, group: Any, at: tuple, names: set[str]) -> RuleGroupEntry | None:
        where = self.at(at)
        if not isinstance(group, dict):
            self.problem("a rule group must be a mapping with 'name' and 'rules'", at)
            return None
        name = group.get("name")
        name = "" if name is None else str(name)
        if not name:
            self.problem("Groupname must not be empty", at)
        elif name in names:
            self.problem(f'groupname: "{name}" is repeated in the same file', at)
        names.add(name)
        self.unknown_keys(group, GROUP_KEYS, at, "group")
        for key in _invalid_label_names(group.get("labels")):
            self.problem(f"invalid label name: {key}", (*at, "labels", key))
        for key, message in _not_string_maps(group, ("labels",)):
            self.problem(message, (*at, key))
        rules = group.get("rules") or []
        if not isinstance(rules, list):
            self.problem(f"rule group {name}: 'rules' must be a list", (*at, "rules"))
            return None
        entries = []
        for index, rule in enumerate(rules):
            entry = self.rule(rule, (*at, "rules", index), name, index + 1)
            if entry is not None:
                entries.append(entry)
        try:
            options = normalize_group_options(group)
        except ValueError as error:
            self.problem(f"rule group {name}: {error}", at)
            options = {}
        return RuleGroupEntry(name=name, file=self.file, rules=tuple(entries), source=where, options=options)

    def rule(self, rule: Any, at: tuple, group: str, number: int) -> RuleEntry | None:
        where = self.at(at)
        if not isinstance(rule, dict):
            self.problem(f'group "{group}", rule {number}: a rule must be a mapping', at)
            return None
        record, alert = str(rule.get("record") or ""), str(rule.get("alert") or "")
        before = len(self.read.problems)

        def bad(message: str, key: str | None = None, position: tuple[int, int] | None = None) -> None:
            text = f'group "{group}", rule {number}, "{alert or record}": {message}'
            if position is None:
                self.problem(text, (*at, key) if key else at)
            else:
                location = SourceLocation(self.path, position[0])
                self.read.problems.append(RuleFileProblem(text, location, position[1]))

        self.unknown_keys(rule, RULE_KEY_SET, at, "rule")
        if record and alert:
            bad("only one of 'record' and 'alert' must be set", "record")
        if not record and not alert:
            bad("one of 'record' or 'alert' must be set")
        expr = rule.get("expr")
        if expr is None or expr == "":
            bad("field 'expr' must be set in rule")
        elif isinstance(expr, bool) or not isinstance(expr, str | int | float):
            bad(f"'expr' must be a PromQL query, not {type(expr).__name__} {expr!r}", "expr")
        if record:
            for key in ("annotations", "for", "keep_firing_for"):
                if rule.get(key) and (key == "annotations" or str(rule[key]) not in ("0", "0s")):
                    bad(f"invalid field '{key}' in recording rule", key)
            if "{" in record or "}" in record:
                bad(f"braces present in the recording rule name; should it be in expr?: {record}", "record")
        for key in _invalid_label_names(rule.get("labels")):
            line = line_of(self.lines, (*at, "labels", key))
            bad(f"invalid label name: {key}", position=(line, 0))
        annotations = rule.get("annotations")
        if isinstance(annotations, dict) and "" in annotations:
            bad("invalid annotation name: ", "annotations")
        for key, message in _not_string_maps(rule, ("labels", "annotations")):
            bad(message, key)
        if len(self.read.problems) > before and any(p.fatal for p in self.read.problems[before:]):
            return None
        try:
            data = normalize_rule(rule)
        except ValueError as error:
            bad(str(error))
        if len(self.read.problems) > before and any(p.fatal for p in self.read.problems[before:]):
            return None
        ignores = comment_ignores(self.text_lines, where.line)
        return RuleEntry(data=data, source=where, lint_ignore=ignores)


def _yaml_kind(value: Any) -> str:
    return "!!seq" if isinstance(value, list) else "!!map" if isinstance(value, dict) else "!!str"


def _not_string_maps(data: dict, keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(key, yaml.v3's words) for each of ``keys`` that is not a mapping of names to scalar values."""
    found = []
    for key in keys:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            found.append((key, f"field {key}: cannot unmarshal {_yaml_kind(value)} into map[string]string"))
            continue
        for inner in value.values():
            if isinstance(inner, list | dict):
                found.append((key, f"field {key}: cannot unmarshal {_yaml_kind(inner)} into string"))
                break
    return found


def _invalid_label_names(labels: Any) -> list[str]:
    """Label names Prometheus 3 refuses: empty, or ``__name__`` (any other UTF-8 name is valid)."""
    if not isinstance(labels, dict):
        return []
    return [str(key) for key in labels if key in ("", "__name__") or key is None]


def load_json(text: str, path: str) -> Any:
    """``text`` as JSON; SourceError with the line and column when it is not, or when it nests deeper than
    MAX_JSON_DEPTH (Grafana's dashboards nest about 10 levels; a deeper file is refused, not recursed into)."""
    import json  # here: a run over rule files alone never loads the JSON module
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + MAX_JSON_DEPTH)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(
            f"invalid JSON: {error.msg} (column {error.colno})",
            SourceLocation(path, error.lineno),
            error.colno,
        ) from None
    except RecursionError:
        raise SourceError(
            f"JSON refused: it nests deeper than {MAX_JSON_DEPTH} levels", SourceLocation(path, 1)
        ) from None
    finally:
        sys.setrecursionlimit(limit)


MAX_JSON_DEPTH = 200


def _stack_depth() -> int:
    import sys

    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def dashboard_json(text: str, path: str) -> dict[str, Any]:
    """The dashboard JSON in ``text`` as it is (bare, API envelope or export); SourceError when it is none."""
    from toolkit.bundle.dashboards import unwrap  # here: reading rule files loads no dashboard machinery

    data = load_json(text, path)
    if not isinstance(data, dict) or not ("panels" in unwrap(data)[0] or "rows" in unwrap(data)[0]):
        raise SourceError(
            "not a dashboard: expected a JSON object with 'panels' (or old 'rows')", SourceLocation(path, 1)
        )
    return data


def parse_dashboard(text: str, path: str, locate_panels: bool = True) -> DashboardEntry:
    """A dashboard from Grafana JSON (bare, the API envelope, exported for sharing, or legacy), normalized;
    ``locate_panels`` finds the line of each panel in ``text`` (lint points at them, a comparison needs
    none)."""
    from toolkit.bundle.dashboards import normalize_dashboard

    normalized = normalize_dashboard(dashboard_json(text, path), copy=False)
    board = normalized.data
    return DashboardEntry(
        uid=str(board.get("uid") or ""),
        data=board,
        source=SourceLocation(path, 1),
        folder=normalized.folder,
        panel_sources=_panel_lines(text, board, path) if locate_panels else {},
        notes=normalized.notes,
    )


PANEL_ID = r'"id"\s*:\s*(\d+)\b'  # compiled on first use (re caches it): dashboards only


def _panel_lines(text: str, board: dict, path: str) -> dict[int, SourceLocation]:
    """The line of each panel's ``"id": N`` in the text (the first such line after the previous panel).

    One pass over the text: every ``"id": N`` position is indexed once, and lines are counted forward
    only, so the time grows linearly with the dashboard."""
    positions: dict[int, list[int]] = {}
    for match in re.finditer(PANEL_ID, text):
        positions.setdefault(int(match.group(1)), []).append(match.start())
    found: dict[int, SourceLocation] = {}
    offset, line, counted = 0, 1, 0
    for panel in all_panels(board.get("panels") or []):
        panel_id = panel.get("id")
        if not isinstance(panel_id, int) or isinstance(panel_id, bool):
            continue
        candidates = positions.get(panel_id, [])
        index = bisect.bisect_left(candidates, offset)
        if index == len(candidates):
            continue
        start = candidates[index]
        line += text.count("\n", counted, start)
        counted = offset = start + 1
        found[panel_id] = SourceLocation(path, line)
    return found


def parse_alertmanager(text: str, path: str) -> dict[str, Any]:
    """An Alertmanager configuration as data."""
    data, _ = _yaml(text, path)
    if not isinstance(data, dict) or "route" not in data:
        raise SourceError("not an Alertmanager config: no 'route'", SourceLocation(path, 1))
    return data


def _read(path: Path) -> str:
    try:
        return decode_text(path.read_bytes(), str(path))
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror}", SourceLocation(str(path))) from None


def decode_text(data: bytes, path: str) -> str:
    """A file's bytes as text, as ``Path.read_text`` reads it (UTF-8, line endings as ``\\n``); SourceError
    when they are not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError("not UTF-8 text: save the file as UTF-8", SourceLocation(path)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


class FileBundle(NamedTuple):
    """What reading files gave: the bundle, the files that could not be read (as errors) and those of other
    kinds (skipped)."""

    bundle: Bundle
    errors: Sequence[SourceError] = ()
    skipped: Sequence[SourceError] = ()


def is_promtool_test(text: str) -> bool:
    """True for a promtool unit-test file (``rule_files:`` and ``tests:``), which holds no rules."""
    return has_top_key(text, "rule_files:") and has_top_key(text, "tests:")


def _is_alertmanager_file(path: Path, text: str) -> bool:
    return path.name.startswith("alertmanager") or has_top_key(text, "route:")


def has_top_key(text: str, key: str) -> bool:
    """True when a line of ``text`` starts with ``key``, as ``re.search(f"^{key}", text, re.M)`` says (a plain
    search: the multi-line regular expression tries every position of the file)."""
    return text.startswith(key) or f"\n{key}" in text


class FileReader:
    """Rule files, dashboards and an Alertmanager config read one file at a time into one bundle."""

    def __init__(self) -> None:
        self.dashboards: list[DashboardEntry] = []
        self.groups: list[RuleGroupEntry] = []
        self.alertmanager: dict | None = None
        self.alertmanager_source: SourceLocation | None = None
        self.errors: list[SourceError] = []
        self.skipped: list[SourceError] = []

    def add(self, path: str, text: str) -> None:
        """Read one file's ``text`` (``path`` names it in messages; its suffix and name say what it is):
        JSON is a dashboard, YAML a rule file, an Alertmanager config or a promtool test (left out)."""
        try:
            if path.endswith(DASHBOARD_SUFFIXES):
                self.dashboards.append(read_dashboard(text, path))
            elif is_promtool_test(text):
                return
            elif "groups:" not in text and _is_alertmanager_file(Path(path), text):
                self.alertmanager = parse_alertmanager(text, path)
                self.alertmanager_source = SourceLocation(path, 1)
            else:
                read = read_rule_file(text, path)
                self.groups.extend(read.groups)
                self.errors.extend(read.problems)
        except NotThisKind as error:
            self.skipped.append(error)
        except SourceError as error:
            self.errors.append(error)

    def read(self, path: Path) -> None:
        """Read the file at ``path`` (one that cannot be read becomes one of the errors)."""
        try:
            text = _read(path)
        except SourceError as error:
            self.errors.append(error)
            return
        self.add(str(path), text)

    def result(self, origin: str) -> FileBundle:
        """What the files read so far hold, as one bundle from ``origin``."""
        bundle = Bundle(
            dashboards=tuple(sorted(self.dashboards, key=lambda d: (d.uid, d.source.path))),
            rule_groups=tuple(self.groups),
            alertmanager=self.alertmanager,
            alertmanager_source=self.alertmanager_source,
            origin=origin,
        )
        return FileBundle(bundle, self.errors, self.skipped)


def load_paths(paths: Iterable[Path], origin: str = "") -> FileBundle:
    """Read rule files, dashboards and an Alertmanager config from files and directories.

    Unreadable files do not stop the others: each becomes an error in the result, as does every problem
    Prometheus would refuse a rule file for (the rest of that file is still read). A directory with no rule
    file or dashboard in it is an error too. YAML and JSON files of other kinds (compose files, workflows,
    package.json) are skipped, each noted in ``skipped``.
    """
    reader = FileReader()
    for path in expand_paths(paths, reader.errors):
        reader.read(path)
    return reader.result(origin or ", ".join(str(p) for p in paths))


def read_dashboard(text: str, path: str, locate_panels: bool = True) -> DashboardEntry:
    """A dashboard, or NotThisKind for JSON that is no dashboard (an object without panels or rows)."""
    try:
        return parse_dashboard(text, path, locate_panels)
    except SourceError as error:
        if error.message.startswith("not a dashboard"):
            raise NotThisKind(error.message, error.location) from None
        raise


def expand_paths(paths: Iterable[Path], errors: list[SourceError]) -> list[Path]:
    """The files under ``paths`` that :func:`load_paths` reads (directories searched for rule files and
    dashboards, in order); a path that names nothing readable is added to ``errors``."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = files_under(path, errors)
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


def files_under(
    folder: Path, errors: list[SourceError], suffixes: tuple[str, ...] = READ_SUFFIXES
) -> list[Path]:
    """The files with ``suffixes`` (by default rule files and dashboards) under ``folder``, in sorted order,
    as ``Path.rglob`` finds them: symbolic links to folders are not followed, links to files are. A folder
    that cannot be listed is added to ``errors`` (``rglob`` passes over it in silence)."""
    return [Path(p) for p in sorted(_walk(str(folder), suffixes, errors), key=lambda p: p.split(os.sep))]


def _walk(folder: str, suffixes: tuple[str, ...], errors: list[SourceError]) -> Iterator[str]:
    """The files of :func:`files_under`, listed with ``os.scandir``: no Path object and no stat per entry,
    which cost about as much as the rest of the listing."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError as error:
        errors.append(SourceError(f"cannot list this folder: {error.strerror}", SourceLocation(folder)))
        return
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry.path, suffixes, errors)
        elif os.path.splitext(entry.name)[1] in suffixes and entry.is_file():
            yield entry.path
