"""Acceptance on the shared real-world corpus (../shared/corpus): every rule file promtool accepts imports
in one bulk import and builds back to the same rules by meaning. Skipped, with the reason, without it.

Run with ``-rP`` (or ``-s``) to see the counts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.sample_project import make_project
from toolkit.cli import main
from toolkit.diff.promql_text import pretty
from toolkit.importer.rules import is_empty_rule_file
from toolkit.project import load_project
from toolkit.sources.files import parse_rule_file

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "RULES.tsv").is_file(), reason=f"the shared corpus is not at {CORPUS}"
)


def accepted_rule_files() -> list[Path]:
    """The rule files ``promtool check rules`` accepts, from RULES.tsv."""
    rows = [line.split("\t") for line in (CORPUS / "RULES.tsv").read_text().splitlines()[1:]]
    return [CORPUS / path for path, _, verdict in rows if verdict.strip() == "ok"]


def meaning(group) -> tuple:
    """What must survive: name, interval/limit/query_offset, and each rule with its PromQL parsed."""
    rules = [{**r.data, "expr": pretty(r.data["expr"])} for r in group.rules]
    return group.name, dict(group.options), rules


@needs_corpus
def test_every_rule_file_promtool_accepts_imports_and_round_trips(tmp_path: Path) -> None:
    files = accepted_rule_files()
    (tmp_path / "project").mkdir()
    root = make_project(tmp_path / "project")
    result = CliRunner().invoke(main, ["--project", str(root), "import", "rules", *map(str, files)])
    assert result.exit_code == 0, result.output
    origin = dict(re.findall(r"^wrote alerts/(\w+)\.py from (.+)$", result.output, re.M))
    assert len(origin) == len(files)
    built: dict[str, list] = {}
    for group in load_project(root).bundle.rule_groups:
        built.setdefault(Path(group.source.path).stem, []).append(group)
    rules = thresholds = 0
    for module, path in origin.items():
        text = Path(path).read_text()
        wanted = [] if is_empty_rule_file(text) else parse_rule_file(text, path)
        got = built.get(module, [])
        assert [meaning(g) for g in got] == [meaning(g) for g in wanted], path
        rules += sum(len(g.rules) for g in wanted)
        source = (root / "alerts" / f"{module}.py").read_text()
        thresholds += len(re.findall(r"^[A-Z0-9_]+ = -?[\d.e+-]+$", source, re.M))
    print(
        f"\nrule corpus: {len(files)} files promtool accepts, {len(files)} imported in one go, "
        f"{sum(len(built.get(m, [])) for m in origin)} groups, {rules} rules, {thresholds} thresholds as constants, "
        f"{len(origin)}/{len(files)} equal by meaning after the build"
    )
