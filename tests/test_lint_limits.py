"""Never crash: deep or huge PromQL, deep JSON and YAML bombs give a clear error in bounded time and memory,
never a segfault (exit 139), a MemoryError or a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_lint import run
from toolkit import promql
from toolkit.diff.promql_text import pretty
from toolkit.errors import DefinitionError
from toolkit.lint.engine import lint_bundle
from toolkit.rules import AlertRule
from toolkit.sources.files import load_paths

REPO = Path(__file__).resolve().parents[1]


def rule_file(expr: str) -> str:
    return json.dumps({"groups": [{"name": "g", "rules": [{"alert": "Deep", "expr": expr, "for": "5m"}]}]})


def deep(kind: str, n: int) -> str:
    if kind == "paren":
        return "(" * n + "up" + ")" * n + " == 0"
    if kind == "or":
        return " or ".join(f'up{{a="{i}"}}' for i in range(n)) + " == 0"
    return "-" * n + "up == 0"


def lint_in_a_child(path: Path, memory_mb: int = 1024) -> subprocess.CompletedProcess:
    """``toolkit lint PATH`` in its own process (a segfault would kill the test run), its memory capped."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory_mb} << 20, {memory_mb} << 20))\n"
        "from toolkit.cli import main\n"
        "sys.argv = ['toolkit', 'lint', sys.argv[1]]\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=REPO, timeout=120
    )


def test_a_600_term_or_is_linted_like_any_other(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(rule_file(deep("or", 600)))
    result = run("lint", "--format", "json", str(path))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert all(f["level"] != "fatal" for f in json.loads(result.output))


@pytest.mark.parametrize(("kind", "n"), [("paren", 20_000), ("or", 5_000), ("unary", 20_000)])
def test_expressions_too_deep_to_parse_safely_are_one_clear_fatal(tmp_path: Path, kind: str, n: int) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(rule_file(deep(kind, n)))
    done = lint_in_a_child(path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    assert "expression refused: the expression nests or chains more than 1,000 operators" in done.stdout
    assert "(promql/syntax)" in done.stdout


def test_depth_within_the_limit_parses_in_a_big_stack() -> None:
    assert promql.parse(deep("paren", 900)) is not None
    assert promql.parse(deep("or", 900)) is not None


def test_the_one_parse_raises_a_typed_error() -> None:
    with pytest.raises(promql.PromQLError) as refused:
        promql.parse(deep("paren", 5_000))
    assert refused.value.limit and refused.value.column is not None
    with pytest.raises(promql.PromQLError) as broken:
        promql.parse("sum(rate(x[5m])")
    assert not broken.value.limit and broken.value.message == "unclosed left parenthesis"
    with pytest.raises(promql.PromQLError, match="characters long"):
        promql.parse("up + " * 60_000 + "up")


def test_every_module_uses_the_bounded_parse() -> None:
    with pytest.raises(DefinitionError, match="nests or chains more than"):
        AlertRule(name="Deep", expr=deep("paren", 5_000), severity="critical", summary="s", description="d")
    assert pretty(deep("paren", 5_000)) == deep("paren", 5_000).strip(), "diff shows it as written"
    offenders = subprocess.run(
        ["grep", "-rln", r"promql_parser\.parse(\|pp\.parse(", "toolkit"],
        capture_output=True,
        text=True,
        cwd=REPO,
    ).stdout.split()
    assert offenders == ["toolkit/promql.py"]


def test_a_billion_laughs_yaml_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yml"
    path.write_text("\n".join(lines) + "\ngroups: *a9\n")
    done = lint_in_a_child(path, memory_mb=512)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "YAML refused: document contains excessive aliasing" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_deeply_nested_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"panels": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run("lint", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: fatal: JSON refused: it nests deeper than 200 levels (source/read)" in result.output
    assert "Traceback" not in result.output


def test_deep_yaml_is_refused_by_libyaml(tmp_path: Path) -> None:
    path = tmp_path / "deep.yml"
    path.write_text("groups: " + "[" * 5_000 + "]" * 5_000 + "\n")
    result = run("lint", str(path))
    assert result.exit_code == 1 and "(source/read)" in result.output and "Traceback" not in result.output


def test_a_big_file_of_normal_rules_is_not_refused(tmp_path: Path) -> None:
    rules = [{"record": f"job:x{i}:sum", "expr": f"sum by (job) (x{i})"} for i in range(5_000)]
    path = tmp_path / "many.yml"
    path.write_text(json.dumps({"groups": [{"name": "many", "rules": rules}]}))
    loaded = load_paths([path])
    assert loaded.errors == [] and len(loaded.bundle.rule_groups[0].rules) == 5_000
    assert lint_bundle(loaded.bundle, is_project=False, only=["promql/syntax"]) == []


MALFORMED = {
    "binary.yml": b"\x00\x01\x02binary",
    "array.json": b"[1, 2, 3]\n",
    "panels-not-a-list.json": b'{"panels": "nope"}\n',
    "odd-panel.json": b'{"uid": "odd", "panels": [{"type": "timeseries", "targets": "x", "gridPos": {"x": "a"}}]}\n',
    "odd-targets.json": b'{"uid": "t", "panels": [{"type": "timeseries", "targets": [{"expr": 5}, "s", {"expr": "rate(x[5m]"}],'
    b' "datasource": 7, "id": "z"}], "templating": {"list": [{"type": "query", "query": {"query": 3}}, 5]}}\n',
    "tabs.yml": b"groups:\n\t- name: x\n",
    "types.yml": b"groups:\n  - name: 5\n    rules:\n      - alert: 7\n        expr: up\n        labels: [a]\n"
    b"        annotations: x\n        for: 5\n",
    "groups-map.yml": b"groups: {a: 1}\n",
    "group-labels.yml": b"groups:\n  - name: g\n    labels: {'': x}\n    interval: banana\n    rules:\n"
    b"      - record: x\n        expr: up\n        labels: {a: [1]}\n",
    "documents.yml": b"---\n---\ngroups: []\n---\nfoo\n",
}


def test_malformed_files_are_findings_never_a_traceback(tmp_path: Path) -> None:
    for name, content in MALFORMED.items():
        (tmp_path / name).write_bytes(content)
    result = run("lint", "--format", "json", str(tmp_path))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    found = json.loads(result.output)
    assert {Path(f["path"]).name for f in found} >= set(MALFORMED) - {"documents.yml"}
    by_file = {(Path(f["path"]).name, f["check"]) for f in found}
    assert ("types.yml", "rule/load") in by_file and ("odd-panel.json", "dashboard/grid") in by_file


def test_huge_template_literals_are_judged_in_bounded_time(tmp_path: Path) -> None:
    """A number, a string or escapes of a million characters in an alert template are read in one pass (a
    number's value was built digit by digit as a big integer, and a string re-sliced at every character:
    minutes for these, past the child's time limit)."""
    annotations = {
        "number": "{{ " + "1" * 1_000_000 + " }}",
        "string": '{{ printf "' + "a" * 1_000_000 + '" }}',
        "escapes": '{{ printf "' + "\\n" * 300_000 + '" }}',
    }
    path = tmp_path / "huge.yml"
    path.write_text(
        json.dumps(
            {
                "groups": [
                    {
                        "name": "g",
                        "rules": [{"alert": "Huge", "expr": "vector(1)", "annotations": annotations}],
                    }
                ]
            }
        )
    )
    done = lint_in_a_child(path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert 'annotation "number": template: __alert_Huge: illegal number syntax: "111' in done.stdout
    assert 'annotation "string"' not in done.stdout and 'annotation "escapes"' not in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_finding_in_each_of_thousands_of_panels_is_placed_in_bounded_time(tmp_path: Path) -> None:
    """Placing a panel's finding at its query's line looks from the panel's line on; it listed every line of
    the file first, once per finding (15,000 panels took minutes, past the child's time limit)."""
    from tests.test_lint import dashboard_file, panel

    panels = [
        panel(
            id=n,
            title=f"P{n}",
            gridPos={"x": 0, "y": 8 * n, "w": 12, "h": 8},
            targets=[{"refId": "A", "expr": f"sum(rate(x{n}_total[5m])"}],
        )
        for n in range(1, 15_001)
    ]
    path = tmp_path / "big.json"
    path.write_text(dashboard_file(*panels))
    done = lint_in_a_child(path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "15000 bugs" in done.stderr + done.stdout
    lines = path.read_text().splitlines()
    query = next(n for n, line in enumerate(lines, 1) if '"sum(rate(x14999_total[5m])"' in line)
    assert f"{path}:{query}:" in done.stdout  # the last but one panel's finding, at its own query's line


def test_a_finding_on_each_of_thousands_of_labels_is_placed_in_bounded_time(tmp_path: Path) -> None:
    """Placing a rule's finding at its field's line read the rule's lines from its first down to the field,
    once per finding: 5,000 broken label templates under a 200,000-line description took minutes, past the
    child's time limit. The rule's lines are now read once for all its findings."""
    description = "".join(f"\n            line {n} of a long description" for n in range(200_000))
    labels = "".join(f'\n          l{n}: "{{{{ $labels.x"' for n in range(5_000))
    path = tmp_path / "labels.yml"
    path.write_text(
        "groups:\n  - name: g\n    rules:\n      - alert: Many\n        expr: vector(1)\n"
        f"        annotations:\n          description: |{description}\n        labels:{labels}\n"
    )
    done = lint_in_a_child(path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "5000 fatals" in done.stderr + done.stdout
    lines = path.read_text().splitlines()
    for n in (0, 4_999):
        line = lines.index(f'          l{n}: "{{{{ $labels.x"') + 1
        assert f'{path}:{line}: fatal: label "l{n}": template: __alert_Many: unclosed action' in done.stdout
