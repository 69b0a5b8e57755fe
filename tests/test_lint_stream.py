"""Linting files in batches and shares among worker processes, and reporting as the findings come, changes
nothing in what is found or said."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest
import yaml

from tests.test_lint import alert, rules_file, run
from tests.test_lint_parallel import corpus
from toolkit.lint.engine import lint_bundle
from toolkit.lint.findings import Finding, Level
from toolkit.lint.parallel import spare_cpus, usable_cpus
from toolkit.lint.promql import Parsed
from toolkit.lint.report import as_json, github, human
from toolkit.lint.stream import Facts, _add_facts, _known, _queue, _read, _take, lint_paths
from toolkit.locations import SourceLocation
from toolkit.sources import yaml_lines
from toolkit.sources.files import load_paths

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_findings_do_not_depend_on_the_batch_size_or_the_workers(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    loaded = load_paths([folder])
    whole = sorted(lint_bundle(loaded.bundle, is_project=False, jobs=1))
    assert {"rule/dependency", "rule/duplicate", "alerts/template"} & {f.check for f in whole}
    for batch_bytes, jobs in ((1, 1), (1, 3), (3000, 2), (10**9, 2), (10**9, 5), (10**9, None)):
        assert list(lint_paths([folder], jobs=jobs, batch_bytes=batch_bytes)) == whole, (batch_bytes, jobs)


def test_every_shares_templates_are_judged_by_that_share(tmp_path: Path) -> None:
    """Bad templates in every file (one text in several): the same findings for any workers and batches, and
    no share is told another's templates (each judges its own rules' templates)."""
    for n in range(6):
        annotations = {
            "description": "{{ if $value }}unclosed",
            "summary": f"{{{{ nope{n} }}}}",
            "ok": "{{ $value }}",
        }
        (tmp_path / f"r{n}.yml").write_text(rules_file(alert(alert=f"A{n}", annotations=annotations)))
    whole = sorted(lint_bundle(load_paths([tmp_path]).bundle, is_project=False, jobs=1))
    judged = [f for f in whole if f.check == "alerts/template"]
    assert {f.location.path for f in judged} == {str(tmp_path / f"r{n}.yml") for n in range(6)}
    assert len(judged) == 12
    for batch_bytes, jobs in ((1, 1), (1, 3), (10**9, 2), (10**9, 3)):
        assert list(lint_paths([tmp_path], jobs=jobs, batch_bytes=batch_bytes)) == whole, (batch_bytes, jobs)
    order = {str(tmp_path / f"r{n}.yml"): n for n in range(6)}
    shares = []
    for n in (0, 2, 4):
        recorded: set[str] = set()
        defined: dict[int, tuple] = {}
        _add_facts(recorded, defined, _read([tmp_path / f"r{n}.yml", tmp_path / f"r{n + 1}.yml"], ""), order)
        shares.append(Facts(frozenset(recorded), defined))
    assert [set(told._fields) for told in _known(shares)] == [{"recorded", "defined"}] * 3


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_recorded_name_in_a_later_batch_or_share_is_known_to_earlier_ones(
    tmp_path: Path, jobs: int
) -> None:
    (tmp_path / "a.yml").write_text(rules_file(alert(alert="Uses", expr="job:later:rate5m > 1")))
    (tmp_path / "b.yml").write_text(
        rules_file({"record": "job:later:rate5m", "expr": "sum(rate(x_total[5m]))"})
    )
    for batch_bytes in (1, 10**9):
        found = lint_paths([tmp_path], jobs=jobs, batch_bytes=batch_bytes, only=["rule/dependency"])
        assert list(found) == []


def test_a_rule_repeated_in_a_later_share_points_at_its_first_definition(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(rules_file(alert(alert="Same"), alert(alert="Other")))
    (tmp_path / "b.yml").write_text(rules_file(alert(alert="Same"), alert(alert="Same")))
    (tmp_path / "c.yml").write_text(rules_file(alert(alert="Other")))
    first = {"Same": f"{tmp_path / 'a.yml'}:4", "Other": f"{tmp_path / 'a.yml'}:15"}
    for jobs in (1, 2, 3):
        found = list(lint_paths([tmp_path], jobs=jobs, only=["rule/duplicate"]))
        assert [(Path(f.location.path).name, f.location.line, f.subject) for f in found] == [
            ("b.yml", 4, "Same"),
            ("b.yml", 15, "Same"),
            ("c.yml", 4, "Other"),
        ], jobs
        assert all(f.level == Level.WARNING and f.message.endswith(f" at {first[f.subject]}") for f in found)


def test_pieces_taken_in_any_interleaving_give_the_same_findings(tmp_path: Path, monkeypatch) -> None:
    """Each file a piece of its own: whichever worker takes which, the duplicates point at the first
    definition in path order and recorded names are known everywhere."""
    monkeypatch.setattr("toolkit.lint.stream.PIECE_BYTES", 1)
    for n in range(8):
        rules = [alert(alert="Same"), alert(alert=f"Uses{n}", expr=f"job:r{(n + 3) % 8}:rate5m > 1")]
        rules.append({"record": f"job:r{n}:rate5m", "expr": "sum(rate(x_total[5m]))"})
        (tmp_path / f"{n}.yml").write_text(rules_file(*rules))
    whole = sorted(lint_bundle(load_paths([tmp_path]).bundle, is_project=False, jobs=1))
    assert [(Path(f.location.path).name, f.check) for f in whole if f.check == "rule/duplicate"] == [
        (f"{n}.yml", "rule/duplicate") for n in range(1, 8)
    ]
    assert not [f for f in whole if f.check == "rule/dependency"]
    for jobs in (2, 3, 5):
        for _ in range(3):
            for batch_bytes in (1, 10**9):
                found = list(lint_paths([tmp_path], jobs=jobs, batch_bytes=batch_bytes))
                assert found == whole, (jobs, batch_bytes)


def test_a_share_is_told_the_first_definition_in_path_order_held_elsewhere() -> None:
    """Shares hold interleaved files: a rule is told where another share first defined it only when that is
    earlier in path order than the share's own first definition."""
    left = Facts({"a:b:c"}, {1: (0, "0.yml", 4), 2: (2, "2.yml", 9), 3: (4, "4.yml", 1), 4: (2, "2.yml", 5)})
    right = Facts({"d:e:f"}, {1: (1, "1.yml", 4), 2: (3, "3.yml", 9), 4: (1, "1.yml", 7)})
    told_left, told_right = _known([left, right])
    assert told_left == Facts(
        frozenset({"a:b:c", "d:e:f"}), {4: ("1.yml", 7)}
    )  # the later share held it first
    assert told_right == Facts(frozenset({"a:b:c", "d:e:f"}), {1: ("0.yml", 4), 2: ("2.yml", 9)})


def test_the_queue_hands_each_piece_to_one_worker(tmp_path: Path) -> None:
    with _queue(500) as queue:
        children = []
        for n in range(3):
            pid = os.fork()
            if pid == 0:
                try:
                    taken = []
                    while (piece := _take(queue)) is not None:
                        taken.append(piece)
                    (tmp_path / str(n)).write_text(" ".join(map(str, taken)))
                finally:
                    os._exit(0)
            children.append(pid)
        for pid in children:
            os.waitpid(pid, 0)
        assert _take(queue) is None
    taken = [[int(x) for x in (tmp_path / str(n)).read_text().split()] for n in range(3)]
    assert sorted(x for share in taken for x in share) == list(range(500))
    assert all(share == sorted(share) for share in taken)  # each worker takes them in order


def test_a_bad_template_repeated_across_batches_is_reported_in_each(tmp_path: Path) -> None:
    broken = {"summary": "s", "description": "{{ $value | humanise }}"}
    for n in range(3):
        (tmp_path / f"{n}.yml").write_text(rules_file(alert(alert=f"A{n}", annotations=broken)))
    for jobs in (1, 2):
        found = list(lint_paths([tmp_path], jobs=jobs, batch_bytes=1, only=["alerts/template"]))
        assert [f.subject for f in found] == ["A0", "A1", "A2"]


def test_the_settings_disabled_checks_are_judged_once_whatever_the_batches(tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / f"{n}.yml").write_text(rules_file(alert(alert=f"A{n}")))
    for jobs in (1, 3):
        found = lint_paths(
            [tmp_path], jobs=jobs, batch_bytes=1, disabled={"rule/label": ""}, only=["lint/ignore"]
        )
        assert [f.message for f in found] == [
            "lint.disabled: turning rule/label off needs a reason: say why it does not apply"
        ]


def test_a_file_that_cannot_be_read_is_said_once_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(rules_file(alert(alert="A")))
    (tmp_path / "b.yml").write_bytes(b"\xff\xfe not text")
    (tmp_path / "c.yml").write_text(rules_file(alert(alert="C")))
    missing = tmp_path / "missing.yml"
    expected = list(lint_paths([missing, tmp_path], jobs=1, only=["rule/label"]))
    assert [f.check for f in expected] == ["source/read", "source/read"]
    assert list(lint_paths([missing, tmp_path], jobs=3, only=["rule/label"])) == expected


def finding(n: int, message: str = "m") -> Finding:
    return Finding(
        SourceLocation(f"f{n}.yml", n), "rule/label", Level.WARNING, message, f"S{n}", column=n % 2
    )


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_streamed_json_is_the_whole_lists_json(count: int) -> None:
    found = [finding(n, 'say "hi"\nthen') for n in range(count)]
    streamed = "\n".join(as_json(iter(found), lambda f: "  src  "))
    assert json.loads(streamed) == [
        {
            "path": f.location.path,
            "line": f.location.line,
            "column": f.column,
            "level": "warning",
            "check": "rule/label",
            "message": f.message,
            "subject": f.subject,
            "source": "src",
        }
        for f in found
    ]
    assert streamed == json.dumps(json.loads(streamed), indent=2)


def test_text_and_github_formats_write_one_finding_at_a_time() -> None:
    lines = iter(human(iter([finding(1), finding(2)]), lambda f: "source"))
    assert next(lines) == "f1.yml:1:1: warning: m (rule/label)"
    assert next(lines) == "    source"
    assert list(github(iter([finding(2)]), lambda f: "")) == [
        "::warning file=f2.yml,line=2,title=rule/label::m"
    ]


def test_spare_cpus_is_between_one_and_the_usable_cpus() -> None:
    assert 1 <= spare_cpus() <= usable_cpus()


def test_the_cli_output_is_the_same_in_batches(tmp_path: Path, monkeypatch) -> None:
    folder = corpus(tmp_path)
    whole = run("lint", "--fail-on", "warning", "--format", "json", str(folder))
    monkeypatch.setattr("toolkit.lint.stream.BATCH_BYTES", 1)
    batched = run("lint", "--fail-on", "warning", "--format", "json", str(folder))
    assert (batched.exit_code, batched.output) == (whole.exit_code, whole.output)
    assert whole.exit_code == 1 and json.loads(whole.output)


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared corpus is not at ../shared/corpus")
def test_yaml_built_in_one_walk_equals_pyyamls_construction() -> None:
    """Every YAML file of the corpus, and the awkward cases, loads to the same data and lines either way."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(SHARED.rglob("*.y*ml"))]
    texts += [
        "a: 1\nb: {x: [1, 2.5, null, yes, 's', 2020-01-01]}\n<<: {c: 2}\n",
        "? [1]\n: 2\n",
        "",
        "---\n---\na: b\n",
    ]
    for text in texts:
        assert _load(text, fast=True) == _load(text, fast=False), text[:200]


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared corpus is not at ../shared/corpus")
def test_the_loader_that_remembers_tags_resolves_as_pyyaml_does() -> None:
    """Every YAML file of the corpus, twice (the second time from the remembered tags), and scalars of every
    implicit type load to what PyYAML's own safe loader makes of them."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(SHARED.rglob("*.y*ml"))]
    texts.append("[1, '1', 0x1f, 0o17, 1_000, .5, -.inf, .nan, yes, 'yes', No, ~, null, '', 2020-01-01, =]")
    texts.append('a: ! 12\nb: |\n  true\nc: "3"\nd: >-\n  null\ne: !!str 4\n')  # tagged, block, quoted
    for text in texts * 2:
        try:
            expected = list(yaml.load_all(text, Loader=yaml.SafeLoader))
        except yaml.YAMLError:
            continue
        got = [data for data, _ in yaml_lines.load_all_with_lines(text)]
        assert repr(got) == repr(expected), text[:200]  # repr: nan is not equal to itself


def _load(text: str, fast: bool) -> object:
    try:
        if fast:
            return yaml_lines.load_all_with_lines(text)
        loader = yaml_lines.Loader(text)
        documents = []
        try:
            while loader.check_node():
                node = loader.get_node()
                lines: dict = {}
                yaml_lines._record(node, lines)
                documents.append((loader.construct_document(node), lines))
        finally:
            loader.dispose()
        return documents
    except yaml.YAMLError as error:
        return f"{type(error).__name__}: {getattr(error, 'problem', error)}"


def test_each_chunk_lets_go_of_the_syntax_trees_it_parsed(tmp_path: Path, monkeypatch) -> None:
    from toolkit.lint import context, engine

    path = tmp_path / "r.yml"
    groups = [
        {"name": f"g{n}", "rules": [alert(alert=f"A{n}", expr=f'up{{job="j{n}"}} == 0')]} for n in range(12)
    ]
    path.write_text(yaml.safe_dump({"groups": groups}))  # chunks are made of whole groups
    made: list[str] = []
    parse = context.parse

    def remembered(*args, **kwargs) -> Parsed:  # called as the checks call it: the same cache entries
        made.append(args[0])
        return parse(*args, **kwargs)

    def alive() -> int:  # the parsed expressions not yet let go
        return sum(type(thing) is Parsed for thing in gc.get_objects())

    most = []
    run_checks = engine._run
    before = alive()

    def counted(checks, ctx):
        found = run_checks(checks, ctx)
        most.append(alive() - before)
        return found

    monkeypatch.setattr(context, "parse", remembered)
    monkeypatch.setattr(engine, "_run", counted)
    monkeypatch.setattr(engine, "CHUNK", 3)
    lint_bundle(load_paths([path]).bundle, is_project=False, jobs=1)
    assert len(made) == 12 and len(most) > 4 and max(most) <= 3  # the chunk being checked, no earlier one
