"""The build's fast encoders write exactly what the standard ones write: ``dump_json`` what
``json.dumps(indent=2, sort_keys=True, ensure_ascii=False)`` writes and ``dump_yaml`` what PyYAML's own
emitter writes, on every built file, the corpus's files, and tricky values."""

from __future__ import annotations

import json
import math
import random
import string
from dataclasses import dataclass
from enum import StrEnum

import pytest
import yaml

from tests.sample_project import REPO
from toolkit.output.build import _Dumper, dump_json, dump_yaml

CORPUS = REPO.parent / "shared" / "corpus" / "mixins"


def reference(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_every_built_dashboard_is_written_byte_for_byte_as_before() -> None:
    boards = sorted((REPO / "build" / "dashboards").glob("*.json"))
    assert boards
    for path in boards:
        data = json.loads(path.read_text())
        assert dump_json(data) == reference(data) == path.read_text(), path.name


def test_corpus_dashboards_are_written_as_the_standard_library_writes_them() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    for path in sorted(CORPUS.glob("*/dashboards/*.json")):
        data = json.loads(path.read_text())
        assert dump_json(data) == reference(data), path


class Colour(StrEnum):
    RED = "red"


@dataclass
class Point:
    x: int


class Text(str):
    pass


TRICKY = [
    "é ü 😀 \u2028 \u2029 \ufeff",
    "\x00 \x01 \x1f \x7f \b \f \n \r \t",
    '"quotes" \\backslash\\ /slash/ </script>',
    [
        0.0,
        -0.0,
        1.0,
        0.1,
        1 / 3,
        1e-4,
        9.99e-5,
        1e-05,
        2.5e-07,
        5e-324,
        1e15,
        1e16,
        1.5e16,
        1e22,
        1e300,
        -1e-9,
    ],
    [2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1, 10**40, True, False, None],
    [math.nan, math.inf, -math.inf],
    {"é": 1, "z": 2, "A": 3, "😀": 4, "\uffff": 5, "a\x00": 6, "": 7, "10": 8, "9": 9},
    {"nested": {"empty_list": [], "empty_dict": {}, "tuple": (1, "two", 3.5)}},
    {1: "int key", 2: "another"},
    {"enum": Colour.RED, "subclass": Text("text")},
    [Colour.RED, Text("x")],
]


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_tricky_values_are_written_as_the_standard_library_writes_them(value) -> None:
    assert dump_json(value) == reference(value)


@pytest.mark.parametrize("value", [Point(1), {"a": object()}, {(1, 2): "tuple key"}])
def test_values_the_standard_library_refuses_are_refused_alike(value) -> None:
    with pytest.raises(TypeError):
        reference(value)
    with pytest.raises(TypeError):
        dump_json(value)


def test_a_lone_surrogate_is_written_as_before_and_fails_alike_when_encoded() -> None:
    assert dump_json("\ud800") == reference("\ud800")
    with pytest.raises(UnicodeEncodeError):
        dump_json("\ud800").encode("utf-8")


def yaml_reference(data) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False
    )


def test_every_built_yaml_file_is_written_byte_for_byte_as_before() -> None:
    files = sorted((REPO / "build").rglob("*.yml"))
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text())
        assert dump_yaml(data) == yaml_reference(data), path.name
        assert path.read_text().endswith(dump_yaml(data)), path.name


def test_corpus_rule_files_are_written_as_pyyaml_writes_them() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    for path in sorted(CORPUS.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text())
        assert dump_yaml(data) == yaml_reference(data), path


YAML_TRICKY = [
    "é ü 😀 \u2028 \x85 \ufeff",
    "carriage\rreturn",
    "line one\nline two\n",
    "trailing newlines\n\n\n",
    "  leading and trailing spaces  ",
    "\tstarts with a tab",
    "word " * 3000,
    "key: value # comment",
    "- item",
    "'single' \"double\" `back`",
    "",
    "null",
    "yes",
    "0x1F",
    "1e-5",
    "{{ $labels.job }} at {{ $value | humanizePercentage }}",
]


@pytest.mark.parametrize("text", YAML_TRICKY, ids=range(len(YAML_TRICKY)))
def test_tricky_text_is_written_as_pyyaml_writes_it(text: str) -> None:
    data = {"groups": [{"name": text, "rules": [{"expr": text, "labels": {text or "k": [text, 1.5, None]}}]}]}
    assert dump_yaml(data) == yaml_reference(data)


def test_random_ascii_text_is_written_as_pyyaml_writes_it() -> None:
    rng = random.Random(17)
    alphabet = string.printable + "\x00\x1b\x7f"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        data = {"k": text, "l": [text, {"m": text}], text or "x": [1, 2.5, None, True]}
        assert dump_yaml(data) == yaml_reference(data), repr(text)


@pytest.mark.parametrize("data", [None, "text", [1, 2], {"nan": math.nan, "inf": -math.inf, "tiny": 1e-05}])
def test_other_documents_are_written_as_pyyaml_writes_them(data) -> None:
    assert dump_yaml(data) == yaml_reference(data)
