"""promtool parity: what Prometheus refuses to load is a fatal finding at its line, in Prometheus' words;
what it accepts gets no fatal finding. Checked on Prometheus' own test data and the shared corpus."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_lint import run
from toolkit.lint.engine import lint_bundle, source_findings
from toolkit.lint.findings import Level
from toolkit.sources.files import load_paths

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
RULEFMT = CORPUS / "prometheus-testdata" / "model" / "rulefmt" / "testdata"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is absent"
)
needs_promtool = pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")

# file -> (line, what Prometheus says): the messages rulefmt_test.go expects, at the line of the offending node.
BAD = {
    "bad_expr.bad.yaml": (5, 'group "yolo", rule 1, "yolo": could not parse expression: '),
    "bad_field.bad.yaml": (8, "field annotation not found in type rulefmt.RuleNode"),
    "duplicate_grp.bad.yaml": (3, 'groupname: "yolo" is repeated in the same file'),
    "invalid_label_name.bad.yaml": (7, 'group "yolo", rule 1, "hola": invalid label name: __name__'),
    "invalid_record_name.bad.yaml": (
        4,
        'braces present in the recording rule name; should it be in expr?: strawberry{flavor="sweet"}',
    ),
    "no_rec_alert.bad.yaml": (4, "group \"yolo\", rule 1, \"\": one of 'record' or 'alert' must be set"),
    "noexpr.bad.yaml": (4, 'group "yolo", rule 1, "ylo": field \'expr\' must be set in rule'),
    "record_and_alert.bad.yaml": (4, "only one of 'record' and 'alert' must be set"),
    "record_and_for.bad.yaml": (6, "invalid field 'for' in recording rule"),
    "record_and_keep_firing_for.bad.yaml": (6, "invalid field 'keep_firing_for' in recording rule"),
}


def fatal(paths: list[Path]) -> list:
    loaded = load_paths(paths)
    found = source_findings(loaded.errors, loaded.skipped) + lint_bundle(loaded.bundle, is_project=False)
    return [f for f in found if f.level == Level.FATAL]


@needs_corpus
@pytest.mark.parametrize("name", sorted(BAD))
def test_every_file_prometheus_refuses_is_fatal_at_its_line_in_its_words(name: str) -> None:
    line, message = BAD[name]
    found = fatal([RULEFMT / name])
    check = "promql/syntax" if name == "bad_expr.bad.yaml" else "rule/load"  # lint parses each expr once
    assert [(f.location.line, f.check) for f in found] == [(line, check)], found
    assert message in found[0].message


@needs_corpus
def test_every_bad_yaml_of_prometheus_is_covered() -> None:
    bad = {path.name for path in RULEFMT.glob("*.bad.yaml")}
    assert bad - set(BAD) == {"legacy_validation_annotation.bad.yaml"}


@needs_corpus
def test_utf8_names_follow_prometheus_3() -> None:
    """Prometheus 3 validates names as UTF-8: 'ins-tance' is a valid annotation and label name. Prometheus
    2.42's promtool (and the legacy scheme the .bad.yaml is named for) refuses it; we follow Prometheus 3."""
    names = ["legacy_validation_annotation.bad.yaml", "utf-8_annotation.good.yaml", "utf-8_lname.good.yaml"]
    assert fatal([RULEFMT / name for name in names]) == []


def promtool_accepted() -> list[Path]:
    with (CORPUS / "RULES.tsv").open() as table:
        return [
            CORPUS / row["path"]
            for row in csv.DictReader(table, delimiter="\t")
            if row["promtool check rules"] == "ok"
        ]


@needs_corpus
def test_no_fatal_on_what_promtool_accepts_nor_on_any_dashboard() -> None:
    accepted = promtool_accepted()
    assert len(accepted) > 190
    dashboards = sorted(CORPUS.glob("mixins/*/dashboards/*.json"))
    assert fatal(accepted) == []
    assert fatal(dashboards) == []


# The nine refusals the issue lists, each as Prometheus 3 words it, at the offending line.
NINE = {
    "duplicate group name": (
        "groups:\n  - name: a\n    rules: []\n  - name: a\n    rules: []\n",
        4,
        'groupname: "a" is repeated in the same file',
    ),
    "invalid record name": (
        "groups:\n  - name: a\n    rules:\n      - record: 'x{a=\"b\"}'\n        expr: up\n",
        4,
        "braces present in the recording rule name",
    ),
    "invalid label name": (
        "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up == 0\n        labels:\n"
        "          __name__: y\n",
        7,
        'group "a", rule 1, "X": invalid label name: __name__',
    ),
    "for on a recording rule": (
        "groups:\n  - name: a\n    rules:\n      - record: x\n        expr: up\n        for: 5m\n",
        6,
        "invalid field 'for' in recording rule",
    ),
    "annotations on a recording rule": (
        "groups:\n  - name: a\n    rules:\n      - record: x\n        expr: up\n        annotations:\n"
        "          summary: s\n",
        6,
        "invalid field 'annotations' in recording rule",
    ),
    "keep_firing_for on a recording rule": (
        "groups:\n  - name: a\n    rules:\n      - record: x\n        expr: up\n        keep_firing_for: 5m\n",
        6,
        "invalid field 'keep_firing_for' in recording rule",
    ),
    "empty alert name": (
        "groups:\n  - name: a\n    rules:\n      - alert: ''\n        expr: up == 0\n",
        4,
        "one of 'record' or 'alert' must be set",
    ),
    "duplicate YAML key": (
        "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up == 0\n        expr: up == 1\n",
        6,
        'mapping key "expr" already defined at line 5',
    ),
    "record and alert together": (
        "groups:\n  - name: a\n    rules:\n      - record: x\n        alert: X\n        expr: up\n",
        4,
        "only one of 'record' and 'alert' must be set",
    ),
}


@pytest.mark.parametrize("case", sorted(NINE))
def test_the_nine_refusals_are_fatal_at_their_line(tmp_path: Path, case: str) -> None:
    text, line, message = NINE[case]
    path = tmp_path / "rules.yml"
    path.write_text(text)
    result = run("lint", str(path))
    assert result.exit_code == 1
    fatals = [text for text in result.output.splitlines() if ": fatal: " in text]
    assert len(fatals) == 1 and fatals[0].startswith(f"{path}:{line}") and message in fatals[0], fatals


@needs_promtool
@pytest.mark.parametrize("case", sorted(NINE))
def test_promtool_refuses_the_nine_too(tmp_path: Path, case: str) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(NINE[case][0])
    done = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True, text=True)
    assert done.returncode == 1, done.stdout


EMPTY = {
    "empty.yml": "",
    "braces.yml": "{}\n",
    "no-groups.yml": "groups: []\n",
    "comment.yml": "# nothing yet\n",
}


def test_empty_rule_files_are_fine_as_for_promtool(tmp_path: Path) -> None:
    for name, text in EMPTY.items():
        (tmp_path / name).write_text(text)
    result = run("lint", "--format", "json", str(tmp_path))
    assert (result.exit_code, json.loads(result.output)) == (0, [])
    if shutil.which("promtool"):
        done = subprocess.run(
            ["promtool", "check", "rules", *sorted(str(p) for p in tmp_path.iterdir())], capture_output=True
        )
        assert done.returncode == 0


UNRELATED = {
    "docker-compose.yml": "services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n",
    ".github/workflows/ci.yml": "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    "package.json": '{"name": "site", "version": "1.0.0", "scripts": {"test": "jest"}}\n',
    ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks: []\n",
}


def test_the_pre_commit_hook_passes_unrelated_yaml_and_json(tmp_path: Path) -> None:
    paths = []
    for name, text in UNRELATED.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(str(path))
    result = run("lint", *paths)
    assert result.exit_code == 0, result.output
    assert result.output.count("(source/skipped)") == len(UNRELATED)


def verdicts() -> list[dict[str, str]]:
    with (Path(__file__).parent / "data" / "lint_corpus_verdicts.tsv").open() as table:
        return list(csv.DictReader(table, delimiter="\t"))


@needs_corpus
def test_bug_findings_on_the_corpus_are_judged_and_at_least_95_percent_true() -> None:
    """tests/data/lint_corpus_verdicts.tsv holds every bug finding on the corpus, judged by hand with the
    reason; a new bug finding must be judged before it can pass."""
    loaded = load_paths([CORPUS])
    bugs = {
        (str(Path(f.location.path).relative_to(CORPUS)), str(f.location.line), f.check, f.message)
        for f in lint_bundle(loaded.bundle, is_project=False)
        if f.level == Level.BUG
    }
    judged = {(row["path"], row["line"], row["check"], row["message"]): row["verdict"] for row in verdicts()}
    assert bugs - set(judged) == set(), "judge these and add them to tests/data/lint_corpus_verdicts.tsv"
    assert set(judged) - bugs == set(), "no longer reported: remove them from the list"
    true = sum(judged[key] == "true" for key in bugs)
    assert true / len(bugs) >= 0.95, f"{true} of {len(bugs)} bug findings true"
    assert all(row["reason"].strip() for row in verdicts())


def test_keys_only_other_rulers_read_are_a_warning_and_the_rules_still_linted(tmp_path: Path) -> None:
    path = tmp_path / "mimir.yml"
    path.write_text(
        "groups:\n  - name: a\n    source_tenants: [team-a]\n    rules:\n"
        "      - alert: Never\n        expr: up{job='x'} > 1\n        for: 5m\n"
    )
    result = run("lint", "--format", "json", str(path))
    found = {(f["check"], f["level"], f["line"]) for f in json.loads(result.output)}
    assert ("rule/load", "warning", 3) in found and ("promql/impossible", "bug", 6) in found
    assert not any(level == "fatal" for _, level, _ in found)
