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
from toolkit.output.build import MARKER
from toolkit.sources.files import SourceError
from toolkit.sources.yaml_lines import line_of, load_with_lines

CELL = re.compile(r"(?<!\\)\|")


def _subject(case: dict, file: Path) -> str:
    """What a case proves: its name up to `` at <source>``, unless that is not what the file is named for."""
    subject = str(case.get("name", "")).rsplit(" at ", 1)[0]
    return subject if subject.replace(":", "_") + ".yml" == file.name else file.stem


def read_rule_tests(text: str, where: str, alerts: Collection[str]) -> list[RuleTestEntry]:
    """Every case of one promtool test file (``where`` names it, ending in its file name)."""
    file = Path(where)
    try:
        data, lines = load_with_lines(text)
    except yaml.YAMLError as error:
        raise SourceError(f"not a promtool test file: {error}", SourceLocation(where, 1)) from None
    cases = data.get("tests") if isinstance(data, dict) else None
    if not isinstance(cases, list) or not all(isinstance(case, dict) for case in cases):
        raise SourceError("not a promtool test file: no 'tests:' list of cases", SourceLocation(where, 1))
    entries = []
    for index, case in enumerate(cases):
        subject = _subject(case, file)
        location = SourceLocation(where, line_of(lines, ("tests", index)))
        entries.append(RuleTestEntry(subject, case, location, is_alert=subject in alerts))
    return entries


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


def read_metrics(text: str, where: str) -> tuple[Metric, ...]:
    """The metric catalogue in the text of metrics.md (``where`` names it in messages): one table row
    each."""
    metrics = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("| `"):
            continue
        cells = CELL.split(line)
        at = SourceLocation(where, number)
        if len(cells) != 8 or cells[0] or cells[-1].strip():
            raise SourceError(
                "not a row of the metric table: | `name` | type | labels | unit | by | help |", at
            )
        metrics.append(_metric(cells[1:-1], at))
    return tuple(metrics)


def is_template(name: str) -> bool:
    """True for a file under alertmanager/ that is a notification template (any but ``alertmanager.yml``)."""
    return name != "alertmanager.yml"


def template_text(text: str) -> str:
    """A notification template's text without the build's marker line."""
    return text.removeprefix(f"{{{{/* {MARKER} */}}}}\n")
