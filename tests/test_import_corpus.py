"""Acceptance on the shared real-world corpus (../shared/corpus): every rule file promtool accepts imports
in one bulk import and builds back to the same rules by meaning. Skipped, with the reason, without it.

Run with ``-rP`` (or ``-s``) to see the counts.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from tests.grafana_schemas import dashboard_errors, needs_schemas
from tests.sample_project import REPO, make_project
from toolkit.cli import main
from toolkit.diff.promql_text import pretty
from toolkit.importer.rules import is_empty_rule_file
from toolkit.sources.code import load_project
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


def parts(board: dict) -> dict[str, dict]:
    """The dashboard's parts as the import names them in its report: ``panel 3``, ``panel 3.1`` (inside
    a collapsed row), ``variable job``, ``dashboard`` (the rest, without what Grafana itself keeps)."""
    found = {}
    for i, panel in enumerate(board.get("panels") or []):
        row = panel.get("type") == "row"
        found[f"panel {i}"] = {k: v for k, v in panel.items() if not (k == "panels" and row)}
        for j, child in enumerate(panel.get("panels") or [] if row else []):
            found[f"panel {i}.{j}"] = child
    for i, variable in enumerate((board.get("templating") or {}).get("list") or []):
        found[f"variable {variable.get('name') or f'#{i}'}"] = variable
    skipped = {"panels", "templating", "id", "version", "iteration", "schemaVersion"}
    found["dashboard"] = {k: v for k, v in board.items() if k not in skipped}
    return found


def leaves(value, path: str = "") -> dict:
    if isinstance(value, dict) and value:
        return {
            k: v for key, item in value.items() for k, v in leaves(item, f"{path}.{key}".lstrip(".")).items()
        }
    if isinstance(value, list) and value:
        return {k: v for i, item in enumerate(value) for k, v in leaves(item, f"{path}[{i}]").items()}
    return {path: value}


def reported(output: str, module: str) -> set[tuple[str, str]]:
    """The (part, leaf path) pairs the import listed as not carried for ``module``."""
    pairs = set()
    pattern = rf"^note: {module}: (panel [\d.]+|variable \S+|dashboard): not carried: (.+) \("
    for part, paths in re.findall(pattern, output, re.M):
        pairs |= {(part, path) for path in paths.split(", ")}
    return pairs


DECLARED = re.compile(r"(^|\.)(datasource)(\.|$)|^id$")  # reported once per dashboard: ${datasource}, new ids


def unaccounted(wanted: dict, got: dict, part: str, listed: set) -> list[str]:
    """Leaves of ``wanted`` neither in ``got`` (same path, same value) nor listed as not carried."""
    have = leaves(got)
    prefixes = {p[:i] for p in have for i, ch in enumerate(p) if ch in ".["}
    missing = []
    for path, value in leaves(wanted).items():
        if DECLARED.search(path) or have.get(path, object()) == value:
            continue
        if value in ({}, []) and path in prefixes:
            continue
        if value in ("", None) and path not in have and path not in prefixes:  # Grafana reads them as unset
            continue
        if (part, path) not in listed:
            missing.append(f"{part}: {path} = {value!r}")
    return missing


class ImportedCorpus(NamedTuple):
    """The corpus's mixin dashboards imported in one bulk import: the project, the import's output, the
    input of each module and what the project builds, by uid."""

    root: Path
    output: str
    origin: dict[str, str]
    built: dict[str, dict]


@pytest.fixture(scope="module")
def imported_corpus(tmp_path_factory: pytest.TempPathFactory) -> ImportedCorpus:
    """Every mixin dashboard of the corpus imported by one ``toolkit import dashboards DIR`` run."""
    if not (CORPUS / "mixins").is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    base = tmp_path_factory.mktemp("corpus")
    (base / "project").mkdir()
    root = make_project(base / "project")
    shutil.copy(REPO / "pyproject.toml", root)  # the import formats with the project's own ruff settings
    result = CliRunner().invoke(
        main, ["--project", str(root), "import", "dashboards", str(CORPUS / "mixins")]
    )
    assert result.exit_code == 0, result.output[-3000:]
    origin = dict(re.findall(r"^wrote dashboards/(\w+)\.py from (.+)$", result.output, re.M))
    built = {d.uid: d.data for d in load_project(root).bundle.dashboards}
    return ImportedCorpus(root, result.output, origin, built)


@needs_corpus
def test_every_imported_corpus_module_passes_ruff_as_written(imported_corpus: ImportedCorpus) -> None:
    """Generated modules are code a person keeps: ``ruff check`` and ``ruff format --check`` with the
    project's settings pass on every module the import wrote and on the registry it edited (multi-line queries whose lines end in
    spaces, which ruff reports inside a triple-quoted literal too, are written as escaped strings)."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (make setup installs the dev tools)")
    modules = sorted(str(imported_corpus.root / "dashboards" / f"{m}.py") for m in imported_corpus.origin)
    modules.append(str(imported_corpus.root / "dashboards" / "__init__.py"))  # the registry it edited
    for check in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        done = subprocess.run(
            [ruff, *check, *modules], cwd=imported_corpus.root, capture_output=True, text=True
        )
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]


@needs_corpus
def test_every_corpus_dashboard_imports_and_every_input_leaf_is_built_or_reported(
    imported_corpus: ImportedCorpus,
) -> None:
    from toolkit.bundle.dashboards import normalize_dashboard
    from toolkit.importer.dashboards import read_dashboard

    files = sorted((CORPUS / "mixins").glob("*/dashboards/*.json"))
    root, output, origin, built = imported_corpus
    assert len(origin) == len(files)
    problems, raw, typed, leaf_count, not_carried = [], 0, 0, 0, 0
    for module, path in origin.items():
        text = json.dumps(normalize_dashboard(read_dashboard(Path(path).read_text(), path)).data)
        renamed = re.findall(
            rf"^note: {module}: datasource variable \$(\S+) becomes \$datasource", output, re.M
        )
        if renamed:  # the rename is reported: references to the variable follow it
            text = re.sub(rf"\$\{{{renamed[0]}\}}|\${renamed[0]}\b", "${datasource}", text)
        wanted = parts(json.loads(text))
        source = (root / "dashboards" / f"{module}.py").read_text()
        got = parts(built[re.search(r'uid="([^"]+)"', source).group(1)])
        listed = reported(output, module)
        not_carried += len(listed)
        for part, value in wanted.items():
            leaf_count += len(leaves(value))
            if renamed and part == f"variable {renamed[0]}":
                value = {**value, "name": "datasource"}  # the rename is reported
                part = "variable datasource"
            problems += [f"{path}: {p}" for p in unaccounted(value, got.get(part, {}), part, listed)]
        raw += source.count("raw_panel(")
        typed += len(re.findall(r"\bat\(", source))
    print(
        f"\ndashboard corpus: {len(files)} dashboards imported in one go, {raw + typed} panels, "
        f"{leaf_count} input leaves checked, {not_carried} listed as not carried, "
        f"{len(problems)} neither built nor reported; "
        f"raw_panel share {raw / max(1, raw + typed):.1%} ({raw} raw, {typed} through helpers)"
    )
    kinds = Counter(re.sub(r"\[\d+\]", "[]", p.split(": ", 1)[1].split(" = ")[0]) for p in problems)
    assert not problems, (
        "\n".join(f"{n} x {k}" for k, n in kinds.most_common(30)) + "\n" + "\n".join(problems[:20])
    )


# The corpus dashboards whose import does not pass Grafana's published schema, each with the reason.
@needs_corpus
@needs_schemas
def test_every_imported_corpus_dashboard_passes_the_schema_check(imported_corpus: ImportedCorpus) -> None:
    """The built form of each imported mixin dashboard passes ``grafana_schema_check``."""
    failing = {}
    for module, path in imported_corpus.origin.items():
        source = (imported_corpus.root / "dashboards" / f"{module}.py").read_text()
        board = imported_corpus.built[re.search(r'uid="([^"]+)"', source).group(1)]
        problems = dashboard_errors(board)
        if problems:
            failing[str(Path(path).relative_to(CORPUS))] = problems[0]
    total = len(imported_corpus.origin)
    print(
        f"\nschema check of the imported corpus: {total - len(failing)}/{total} dashboards valid against "
        "Grafana's published schema"
    )
    assert not failing, "\n".join(f"{path}: {problem}" for path, problem in sorted(failing.items()))


@needs_corpus
def test_every_corpus_variable_of_a_kind_a_class_models_imports_as_that_class(
    imported_corpus: ImportedCorpus,
) -> None:
    """Query, data source, custom, interval, text box, constant and ad hoc variables become their typed
    class; only what no class can take (here: a variable without a name) stays ``raw_variable``."""
    from toolkit.importer.dashboard_module import VARIABLE_CLASSES

    sources = [(imported_corpus.root / "dashboards" / f"{m}.py").read_text() for m in imported_corpus.origin]
    calls = Counter(
        name for source in sources for name in re.findall(r"\b(\w*Variable|raw_variable)\(", source)
    )
    raw = re.findall(r"^note: \w+: variable (\S+) \((\w+)\) carried raw: (.+)$", imported_corpus.output, re.M)
    print(
        f"\nvariables of the imported corpus: {sum(calls.values())}, "
        + ", ".join(f"{n} {name}" for name, n in calls.most_common())
    )
    assert calls["raw_variable"] == len(raw)
    assert set(calls) - {"raw_variable"} <= set(VARIABLE_CLASSES.values())
    assert all(why == "no name (the typed classes need one)" for _, _, why in raw), raw
