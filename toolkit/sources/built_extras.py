"""The files ``toolkit build`` writes besides dashboards, rule files and the Alertmanager config, read
back into a bundle: the promtool tests (``prometheus/tests/*.yml``), the metric catalogue
(``metrics.md``) and the Alertmanager notification templates (``alertmanager/templates/``)."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

import yaml

from toolkit.bundle import RuleTestEntry
from toolkit.errors import DefinitionError
from toolkit.locations import SourceLocation
from toolkit.metrics import PLATFORM, Metric
from toolkit.output.build import MARKER, TESTS_DIR
from toolkit.sources.files import SourceError
from toolkit.sources.yaml_lines import line_of, load_with_lines

CELL = re.compile(r"(?<!\\)\|")


def _subject(case: dict, file: Path) -> str:
    """What a case proves: its name up to `` at <source>``, unless that is not what the file is named for."""
    subject = str(case.get("name", "")).rsplit(" at ", 1)[0]
    return subject if subject.replace(":", "_") + ".yml" == file.name else file.stem


def load_rule_tests(folder: Path, shown: str, alerts: Collection[str]) -> tuple[RuleTestEntry, ...]:
    """Every case of the promtool test files under ``folder``/prometheus/tests; ``alerts`` are the alert
    names (a case of another subject tests an expression). ``shown`` is the folder's name in messages."""
    entries = []
    for file in sorted((folder / TESTS_DIR).glob("*.yml")):
        where = f"{shown}/{TESTS_DIR}/{file.name}"
        try:
            data, lines = load_with_lines(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise SourceError(f"not a promtool test file: {error}", SourceLocation(where, 1)) from None
        cases = data.get("tests") if isinstance(data, dict) else None
        if not isinstance(cases, list) or not all(isinstance(case, dict) for case in cases):
            raise SourceError("not a promtool test file: no 'tests:' list of cases", SourceLocation(where, 1))
        for index, case in enumerate(cases):
            subject = _subject(case, file)
            location = SourceLocation(where, line_of(lines, ("tests", index)))
            entries.append(RuleTestEntry(subject, case, location, is_alert=subject in alerts))
    return tuple(entries)


def _metric(cells: list[str], where: SourceLocation) -> Metric:
    name, kind, labels, unit, by, text = (cell.strip() for cell in cells)
    try:
        return Metric(
            name=name.strip("`"),
            type=kind,
            help=text.replace("\\|", "|"),
            labels=re.findall(r"`([^`]*)`", labels),
            unit=unit,
            exporter="" if by == PLATFORM else by,
            source=where,
        )
    except DefinitionError as error:
        raise SourceError(str(error), where) from None


def load_metrics(folder: Path, shown: str) -> tuple[Metric, ...]:
    """The metric catalogue from ``folder``/metrics.md (none when the file is absent): one table row each."""
    path = folder / "metrics.md"
    if not path.is_file():
        return ()
    metrics = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("| `"):
            continue
        cells = CELL.split(line)
        where = SourceLocation(f"{shown}/metrics.md", number)
        if len(cells) != 8 or cells[0] or cells[-1].strip():
            raise SourceError(
                "not a row of the metric table: | `name` | type | labels | unit | by | help |", where
            )
        metrics.append(_metric(cells[1:-1], where))
    return tuple(metrics)


def load_alertmanager_files(folder: Path, shown: str) -> dict[str, str]:
    """The notification templates under ``folder``/alertmanager (every file but ``alertmanager.yml``), by
    path relative to that folder, without the build's marker line."""
    base = folder / "alertmanager"
    marker = f"{{{{/* {MARKER} */}}}}\n"
    files = {}
    for path in sorted(p for p in base.rglob("*") if p.is_file() and p.name != "alertmanager.yml"):
        name = path.relative_to(base).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SourceError(
                f"cannot read the template: {error}", SourceLocation(f"{shown}/alertmanager/{name}")
            ) from None
        files[name] = text.removeprefix(marker)
    return files
