"""The typed template variables beyond the query variable (data source, custom, interval, text box, constant,
ad hoc): what each builds is what current Grafana saves for its kind (schema-valid, left as it is by the
normalizer), bad input fails at the caller's line, and the import turns each kind into its typed call."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.grafana_schemas import dashboard_errors, needs_schemas
from tests.sample_project import REPO, make_project
from toolkit.bundle.dashboards import normalize_dashboard
from toolkit.cli import main
from toolkit.errors import DefinitionError
from toolkit.panels import (
    AdhocVariable,
    ConstantVariable,
    CustomVariable,
    DatasourceVariable,
    IntervalVariable,
    TextboxVariable,
    Variable,
    dashboard,
    row,
    timeseries,
)
from toolkit.settings import load_settings
from toolkit.sources.code import load_project
from toolkit.sources.grafanalib import grafanalib_json, modernize
from toolkit.variables import custom_options, interval_options

SETTINGS = load_settings(REPO)
CORPUS = REPO.parent / "shared" / "corpus" / "mixins"
LOKI = DatasourceVariable("loki_datasource", plugin="loki", label="Loki data source", hide=2)


def built_variables(*variables: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The dashboard built with ``variables``, and its variables by name."""
    definition = dashboard(
        SETTINGS,
        uid="v",
        title="V",
        description="d",
        rows=[row("R", timeseries("Up", "up", unit="short", description="d"))],
        variables=list(variables),
    )
    board, _ = modernize(grafanalib_json(definition.dashboard))
    return board, {v["name"]: v for v in board["templating"]["list"]}


# each kind as a team writes it, and what current Grafana saves for it (sceneVariablesSetToVariables.ts)
SAVED = {
    "query on Loki": (
        Variable(
            "stream",
            "label_values(stream)",
            datasource=LOKI.datasource,
            description="Log streams",
            regex="/api-.*/",
            sort=0,
            skip_url_sync=True,
        ),
        {
            "name": "stream",
            "type": "query",
            "label": "Stream",
            "description": "Log streams",
            "hide": 0,
            "skipUrlSync": True,
            "query": "label_values(stream)",
            "definition": "label_values(stream)",
            "datasource": {"type": "loki", "uid": "${loki_datasource}"},
            "regex": "/api-.*/",
            "multi": True,
            "includeAll": True,
            "sort": 0,
            "refresh": 2,
            "options": [],
            "current": {"text": ["All"], "value": ["$__all"]},
        },
    ),
    "datasource": (
        DatasourceVariable(
            "datasource", label="Data source", regex="(?!grafanacloud-usage).+", default="default"
        ),
        {
            "name": "datasource",
            "type": "datasource",
            "label": "Data source",
            "hide": 0,
            "query": "prometheus",
            "regex": "(?!grafanacloud-usage).+",
            "multi": False,
            "includeAll": False,
            "refresh": 1,
            "options": [],
            "current": {"text": "default", "value": "default"},
        },
    ),
    "loki datasource": (
        LOKI,
        {
            "name": "loki_datasource",
            "type": "datasource",
            "label": "Loki data source",
            "hide": 2,
            "query": "loki",
            "regex": "",
            "multi": False,
            "includeAll": False,
            "refresh": 1,
            "options": [],
        },
    ),
    "custom": (
        CustomVariable("k", "top 5 : 5,10,a\\,b", label="Top k", default="5", description="How many"),
        {
            "name": "k",
            "type": "custom",
            "label": "Top k",
            "description": "How many",
            "hide": 0,
            "query": "top 5 : 5,10,a\\,b",
            "multi": False,
            "includeAll": False,
            "options": [
                {"selected": True, "text": "top 5", "value": "5"},
                {"selected": False, "text": "10", "value": "10"},
                {"selected": False, "text": "a,b", "value": "a,b"},
            ],
            "current": {"text": "top 5", "value": "5"},
        },
    ),
    "custom, all of several": (
        CustomVariable("codes", "4,5", multi=True, include_all=True, all_value="4|5", default=["$__all"]),
        {
            "name": "codes",
            "type": "custom",
            "hide": 0,
            "query": "4,5",
            "multi": True,
            "includeAll": True,
            "allValue": "4|5",
            "options": [
                {"selected": False, "text": "4", "value": "4"},
                {"selected": False, "text": "5", "value": "5"},
            ],
            "current": {"text": ["All"], "value": ["$__all"]},
        },
    ),
    "interval": (
        IntervalVariable("interval", "5m,10m,1h", auto=True, auto_count=300, label="Interval"),
        {
            "name": "interval",
            "type": "interval",
            "label": "Interval",
            "hide": 0,
            "query": "5m,10m,1h",
            "options": [
                {"selected": True, "text": "5m", "value": "5m"},
                {"selected": False, "text": "10m", "value": "10m"},
                {"selected": False, "text": "1h", "value": "1h"},
            ],
            "current": {"text": "5m", "value": "5m"},
            "refresh": 2,
            "auto": True,
            "auto_count": 300,
            "auto_min": "10s",
        },
    ),
    "textbox": (
        TextboxVariable("regex_search", ".*", label="Regex search", skip_url_sync=True),
        {
            "name": "regex_search",
            "type": "textbox",
            "label": "Regex search",
            "hide": 0,
            "skipUrlSync": True,
            "query": ".*",
            "current": {"text": ".*", "value": ".*"},
            "options": [{"selected": True, "text": ".*", "value": ".*"}],
        },
    ),
    "constant": (
        ConstantVariable("cluster", "prod"),
        {
            "name": "cluster",
            "type": "constant",
            "hide": 2,
            "query": "prod",
            "current": {"text": "prod", "value": "prod"},
        },
    ),
    "adhoc": (
        AdhocVariable("filters", datasource=LOKI.datasource, label="Filters", description="Add filters"),
        {
            "name": "filters",
            "type": "adhoc",
            "label": "Filters",
            "description": "Add filters",
            "hide": 0,
            "datasource": {"type": "loki", "uid": "${loki_datasource}"},
        },
    ),
}


@needs_schemas
@pytest.mark.parametrize("kind", SAVED)
def test_each_kind_builds_what_grafana_saves_schema_valid_and_normalized(kind: str) -> None:
    variable, saved = SAVED[kind]
    others = () if variable is LOKI else (variable,)
    board, by_name = built_variables(LOKI, *others)  # the Loki data source some kinds query
    assert by_name[saved["name"]] == saved
    assert dashboard_errors(board) == []
    assert normalize_dashboard(copy.deepcopy(board)).data == board


def test_extra_is_laid_over_what_the_class_builds() -> None:
    _, by_name = built_variables(
        TextboxVariable("f", "x", extra={"current": {"selected": False}, "options": [{"selected": False}]})
    )
    assert by_name["f"]["current"] == {"selected": False, "text": "x", "value": "x"}
    assert by_name["f"]["options"] == [{"selected": False, "text": "x", "value": "x"}]


def test_a_typed_datasource_variable_replaces_the_builds_own() -> None:
    board, by_name = built_variables(DatasourceVariable("datasource", label="Metrics", default="default"))
    assert [v["name"] for v in board["templating"]["list"]] == ["datasource"]
    assert by_name["datasource"]["label"] == "Metrics"
    _, default = built_variables()
    assert default["datasource"]["current"] == {
        "text": SETTINGS.datasource_uid,
        "value": SETTINGS.datasource_uid,
    }


def test_the_interval_auto_option_and_grafanas_own_intervals() -> None:
    _, by_name = built_variables(IntervalVariable("step", "1m,'5m',5m", default="$__auto", auto=True))
    assert by_name["step"]["current"] == {"text": "$__auto", "value": "$__auto"}  # text: the value, as saved
    assert [o["value"] for o in by_name["step"]["options"]] == ["1m", "5m"]
    assert interval_options(",") == ["1m", "10m", "30m", "1h", "6h", "12h", "1d", "7d", "14d", "30d"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")
def test_custom_values_split_as_grafana_stored_them_in_every_corpus_dashboard() -> None:
    compared = 0
    for path in sorted(CORPUS.glob("*/dashboards/*.json")):
        for variable in (json.loads(path.read_text()).get("templating") or {}).get("list") or []:
            if variable.get("type") == "custom" and variable.get("options"):
                stored = [(o["text"], o["value"]) for o in variable["options"] if o["value"] != "$__all"]
                assert custom_options(variable["query"]) == stored, path
                compared += 1
    assert compared >= 20


BAD = {
    "a number as a name": (lambda: TextboxVariable(5), r"TextboxVariable name must be a string, got int 5"),  # type: ignore[arg-type]
    "a sort code Grafana does not have": (
        lambda: Variable("job", "label_values(job)", sort=9),
        r"variable 'job': sort must be one of 0, 1, 2, 3, 4, 5, 6, 7, 8, got int 9",
    ),
    "an empty query": (lambda: Variable("job", ""), r"variable 'job': query must not be empty"),
    "a query's datasource by name": (
        lambda: Variable("job", "label_values(job)", datasource={"uid": "Loki"}),
        r"variable 'job': datasource must be a Datasource, e\.g\. Datasource\(\"loki\"",
    ),
    "an empty plugin": (
        lambda: DatasourceVariable("ds", plugin=""),
        r"variable 'ds': plugin must not be empty",
    ),
    "a hide outside Grafana's codes": (
        lambda: CustomVariable("k", "1,2", hide=5),
        r"variable 'k': hide must be one of 0, 1, 2, 3, got int 5",
    ),
    "a switch as a code": (
        lambda: TextboxVariable("f", hide=True),
        r"variable 'f': hide must be one of 0, 1, 2, 3, got bool True",
    ),
    "a string as a switch": (
        lambda: CustomVariable("k", "1,2", multi="yes"),  # type: ignore[arg-type]
        r"variable 'k': multi must be True or False, got str 'yes'",
    ),
    "no values": (lambda: CustomVariable("k", " "), r"variable 'k': values must not be empty"),
    "several defaults of a single-value variable": (
        lambda: CustomVariable("k", "1,2", default=["1", "2"]),
        r"variable 'k': default must be a value \(a list of them with multi=True\)",
    ),
    "a zero step count": (
        lambda: IntervalVariable("i", "1m", auto_count=0),
        r"variable 'i': auto_count must be a whole number from 1, got 0",
    ),
    "a shown constant": (
        lambda: ConstantVariable("c", "prod", hide=0),
        r"variable 'c': hide must be one of 2, got int 0",
    ),
    "a datasource by name": (
        lambda: AdhocVariable("f", datasource="Prometheus"),  # type: ignore[arg-type]
        r"variable 'f': datasource must be a Datasource",
    ),
    "a list as extra": (
        lambda: TextboxVariable("f", extra=[1]),  # type: ignore[arg-type]
        r"variable 'f': extra must be a dict of variable JSON, got list",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_fails_at_the_callers_line_naming_the_field(case: str) -> None:
    make, message = BAD[case]
    with pytest.raises(DefinitionError, match=message) as caught:
        make()
    assert caught.value.location is not None
    assert caught.value.location.path.endswith("test_variables.py")


def test_a_dashboard_refuses_what_is_not_a_variable_at_the_callers_line() -> None:
    with pytest.raises(
        DefinitionError, match=r"variables\[0\] must be a Variable or DatasourceVariable"
    ) as caught:
        dashboard(SETTINGS, uid="v", title="V", description="d", rows=[], variables=[{"name": "x"}])  # type: ignore[list-item]
    assert caught.value.location.path.endswith("test_variables.py")


# --- import ---------------------------------------------------------------------------------------

# one variable of each kind as the corpus's mixins save them (older Grafana: selected flags, no options)
CORPUS_LIKE = [
    {
        "name": "prometheus_datasource",
        "label": "Prometheus data source",
        "type": "datasource",
        "query": "prometheus",
        "regex": "(?!grafanacloud-usage|grafanacloud-ml-metrics).+",
        "current": {"selected": False, "text": "default", "value": "default"},
        "hide": 0,
        "options": [],
        "refresh": 1,
    },
    {
        "name": "loki_datasource",
        "label": "Loki data source",
        "type": "datasource",
        "query": "loki",
        "regex": "",
        "hide": 2,
    },
    {
        "name": "job",
        "type": "query",
        "query": "label_values(up, job)",
        "datasource": {"type": "prometheus", "uid": "${prometheus_datasource}"},
        "multi": True,
        "includeAll": True,
        "allValue": ".+",
        "refresh": 2,
        "sort": 1,
    },
    {
        "name": "k",
        "label": "Top node count",
        "type": "custom",
        "query": "2 : 2,4 : 4,6 : 6",
        "current": {"selected": False, "text": "4", "value": "4"},
        "options": [
            {"selected": False, "text": "2", "value": "2"},
            {"selected": True, "text": "4", "value": "4"},
            {"selected": False, "text": "6", "value": "6"},
        ],
        "hide": 0,
        "includeAll": False,
        "multi": False,
    },
    {
        "name": "interval",
        "label": "interval",
        "type": "interval",
        "query": "5m,10m,30m,1h,6h,12h",
        "auto": True,
        "auto_count": 300,
        "auto_min": "10s",
        "current": {"text": "5m", "value": "5m"},
        "hide": 0,
        "refresh": 2,
    },
    {
        "name": "regex_search",
        "label": "Regex search",
        "type": "textbox",
        "query": "",
        "current": {"selected": False, "text": "", "value": ""},
        "options": [{"selected": True, "text": "", "value": ""}],
        "hide": 0,
    },
    {"name": "cluster", "type": "constant", "query": "prod", "hide": 2},
    {
        "name": "adhoc",
        "label": "Ad hoc filters",
        "type": "adhoc",
        "description": "Add additional filters",
        "datasource": {"type": "loki", "uid": "${loki_datasource}"},
    },
    {
        "name": "stream",
        "type": "query",
        "query": "label_values(stream)",
        "datasource": {"type": "loki", "uid": "${loki_datasource}"},
    },
    {
        "name": "by",
        "type": "groupby",
        "datasource": {"type": "prometheus", "uid": "${prometheus_datasource}"},
        "options": [{"text": "job", "value": "job"}],
    },
]
BOARD = {
    "uid": "corpus-like",
    "title": "Corpus like",
    "schemaVersion": 39,
    "panels": [
        {
            "id": 1,
            "type": "timeseries",
            "title": "Up",
            "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
            "datasource": {"type": "prometheus", "uid": "${prometheus_datasource}"},
            "targets": [{"refId": "A", "expr": 'up{job=~"$job"}'}],
        }
    ],
    "templating": {"list": CORPUS_LIKE},
}
TYPED_CALLS = [
    'DatasourceVariable("datasource", label="Prometheus data source", '
    'regex="(?!grafanacloud-usage|grafanacloud-ml-metrics).+", default="default", '
    'extra={"current": {"selected": False}})',
    'DatasourceVariable("loki_datasource", label="Loki data source", plugin="loki", hide=2)',
    'CustomVariable("k", "2 : 2,4 : 4,6 : 6", label="Top node count", default="4", '
    'extra={"current": {"selected": False}})',
    'IntervalVariable("interval", "5m,10m,30m,1h,6h,12h", label="interval", auto=True, auto_count=300)',
    'TextboxVariable("regex_search", label="Regex search", extra={"current": {"selected": False}})',
    'ConstantVariable("cluster", "prod")',
    # what the input leaves unset is what Grafana takes: one value, no All, unsorted, refreshed on load
    'Variable("stream", "label_values(stream)", label="stream", multi=False, include_all=False, sort=0, '
    'refresh=1, datasource=Datasource("loki", "${loki_datasource}"))',
    'AdhocVariable("adhoc", label="Ad hoc filters", description="Add additional filters", '
    'datasource=Datasource("loki", "${loki_datasource}"))',
]


def code(text: str) -> str:
    """``text`` without the layout ``ruff format`` gives it (white space, trailing commas)."""
    return re.sub(r"\s+", "", re.sub(r",(\s*[)\]}])", r"\1", text))


def imported(tmp_path: Path, board: dict[str, Any], name: str) -> tuple[Path, str, str]:
    """The project ``board`` was imported into as ``name``, the import's output and the module."""
    (tmp_path / name).mkdir()
    root = make_project(tmp_path / name)
    source = tmp_path / f"{name}.json"
    source.write_text(json.dumps(board))
    result = CliRunner().invoke(
        main, ["--project", str(root), "import", "dashboard", str(source), "--name", name]
    )
    assert result.exit_code == 0, result.output
    return root, result.output, (root / "dashboards" / f"{name}.py").read_text()


def test_each_kind_imports_as_its_typed_call_and_builds_back_what_it_was(tmp_path: Path) -> None:
    root, output, module = imported(tmp_path, BOARD, "corpus_like")
    for call in TYPED_CALLS:
        assert code(call) in code(module), call
    assert module.count("raw_variable(") == 1
    raw = [line for line in output.splitlines() if "carried raw" in line]
    assert raw == [
        "note: corpus_like: variable by (groupby) carried raw: no typed class for a 'groupby' variable"
    ]
    assert ": not carried: " not in output
    board = next(b for b in load_project(root).bundle.dashboards if b.uid == "corpus-like").data
    wanted = normalize_dashboard(json.loads(json.dumps(BOARD).replace("prometheus_datasource", "datasource")))
    want = {v["name"]: v for v in wanted.data["templating"]["list"]}
    got = {v["name"]: v for v in board["templating"]["list"]}
    assert list(got) == list(want)
    for name, variable in want.items():
        for key, value in variable.items():  # each setting the input has, as it has it
            if not (key == "options" and value == []):  # none stored: Grafana makes them from the values
                assert got[name][key] == value, (name, key)


def test_reimporting_what_the_build_writes_gives_the_same_module(tmp_path: Path) -> None:
    root, _, first = imported(tmp_path, BOARD, "first")
    board = next(b for b in load_project(root).bundle.dashboards if b.uid == "corpus-like").data
    _, output, again = imported(tmp_path, board, "again")
    assert again.split("\n", 1)[1] == first.split("\n", 1)[1]  # the docstring names the input
    assert "carried raw" in output and ": not carried: " not in output


def test_a_dashboard_the_toolkit_built_imports_without_the_builds_own_variable(tmp_path: Path) -> None:
    board, _ = built_variables(Variable("job", "label_values(up, job)"), TextboxVariable("f", "x"))
    _, output, module = imported(tmp_path, {**board, "uid": "built"}, "built")
    assert "DatasourceVariable" not in module and "raw_variable" not in module
    assert "variable datasource is the one the build adds itself: left to it" in output
