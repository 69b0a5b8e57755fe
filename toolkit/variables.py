"""Template variables of every kind Grafana has: query, data source, custom, interval, text box, constant
and ad hoc filters.

Each class is frozen, checks its fields where it is written (a wrong type fails at the caller's line,
naming the field) and builds the JSON current Grafana saves for its kind
(dashboard-scene/serialization/sceneVariablesSetToVariables.ts): a custom or interval variable's options
are its values as Grafana splits them, a text box's its text. Every class takes the fields all variables
share (``label``, ``description``, ``hide``, ``skip_url_sync``) and ``extra``: variable JSON the class
does not model, laid over what it builds. ``toolkit.panels`` re-exports them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from toolkit.errors import DefinitionError
from toolkit.locations import caller_location
from toolkit.panel_parts import PROMETHEUS, Datasource, check_datasource, check_flag, check_text
from toolkit.sources.grafanalib import RAW_KEY, merge_extra

# VariableHide: 0 label and value shown, 1 value only, 2 nothing, 3 under the controls menu
HIDE = (0, 1, 2, 3)
# VariableSort: none, alphabetical, numerical, case-insensitive alphabetical, natural; each up and down
SORT = tuple(range(9))
REFRESH = (1, 2)  # VariableRefresh of a query variable: on load, on time range change
ALL = "$__all"  # the value of the "All" option
# what Grafana's interval variable offers where its values hold none (interval/reducer.ts)
GRAFANA_INTERVALS = "1m,10m,30m,1h,6h,12h,1d,7d,14d,30d"


def is_code(value: Any, codes: Sequence[int]) -> bool:
    """True when ``value`` is one of Grafana's number ``codes`` (a bool is not)."""
    return not isinstance(value, bool) and value in codes


def check_code(what: str, value: Any, codes: Sequence[int]) -> int:
    """``value`` if it is one of Grafana's number ``codes``, else a located error listing them."""
    if not is_code(value, codes):
        listed = ", ".join(repr(c) for c in codes)
        raise DefinitionError(
            f"{what} must be one of {listed}, got {type(value).__name__} {value!r}", caller_location()
        )
    return value


def custom_options(values: str) -> list[tuple[str, str]]:
    """The (text, value) options of a custom variable's comma-separated ``values``, as Grafana splits
    them (CustomVariable ``transformCsvStringToOptions``): ``\\,`` is a comma inside a value, and
    ``text : value`` names a value."""
    options = []
    for item in re.findall(r"(?:\\,|[^,])+", values):
        item = item.replace("\\,", ",")
        named = re.fullmatch(r"\s*(.+)\s:\s(.+)", item)
        text, value = named.groups() if named else (item, item)
        options.append((text.strip(), value.strip()))
    return options


def interval_options(values: str) -> list[str]:
    """The intervals of an interval variable's ``values``, as Grafana reads them
    (``getIntervalsFromQueryString``): words or quoted texts, each once, without the old auto ones;
    Grafana's own list where there are none."""
    found = [m.group(0) for m in re.finditer(r"([\"'])(.*?)\1|\w+", values, re.ASCII)]
    if not found:
        return GRAFANA_INTERVALS.split(",")
    intervals = [re.sub(r"[\"']+", "", text) for text in found]
    return list(dict.fromkeys(i for i in intervals if not i.startswith("$__auto_interval_")))


def _selection(value: str | Sequence[str], texts: Mapping[str, str]) -> dict[str, Any]:
    """``current`` for ``value`` (one value or a list of them), each text the option's for that value."""
    if isinstance(value, str):
        return {"text": texts.get(value, value), "value": value}
    return {"text": [texts.get(v, v) for v in value], "value": list(value)}


@dataclass(frozen=True)
class _Variable:
    """What every variable has: a name, and shown as ``label`` (default: the name) with ``description``
    as its tooltip; ``hide`` 0 shows label and value, 1 the value only, 2 nothing, 3 puts it under the
    controls menu; ``skip_url_sync`` keeps its value out of the URL."""

    name: str
    _: KW_ONLY
    label: str = ""
    description: str = ""
    hide: int = 0
    skip_url_sync: bool = False
    extra: dict | None = None

    kind = ""  # Grafana's type of the variable

    def __post_init__(self) -> None:
        check_text(f"{type(self).__name__} name", self.name, required=True)
        for name in ("label", "description"):
            check_text(self.where(name), getattr(self, name))
        check_code(self.where("hide"), self.hide, HIDE)
        check_flag(self.where("skip_url_sync"), self.skip_url_sync)
        if self.extra is not None and not isinstance(self.extra, dict):
            raise DefinitionError(
                f"{self.where('extra')} must be a dict of variable JSON, got {type(self.extra).__name__}",
                caller_location(),
            )
        self.check()

    def where(self, field_name: str) -> str:
        """How an error names one of this variable's fields."""
        return f"variable {self.name!r}: {field_name}"

    def check(self) -> None:
        """Check the fields of the variable's kind (a located error where one is wrong)."""

    def own_json(self) -> dict[str, Any]:
        """The keys of the variable's kind."""
        return {}

    def to_json(self) -> dict[str, Any]:
        """The variable's JSON as current Grafana saves it, ``extra`` laid over."""
        data: dict[str, Any] = {"name": self.name, "type": self.kind, "hide": self.hide}
        data |= {
            key: value for key, value in (("label", self.label), ("description", self.description)) if value
        }
        if self.skip_url_sync:
            data["skipUrlSync"] = True
        data |= self.own_json()
        return merge_extra(data, self.extra) if self.extra else data

    def to_json_data(self) -> dict[str, Any]:
        """The JSON sealed for the build, which writes it as it is (it is already current Grafana's)."""
        return {"name": self.name, RAW_KEY: json.dumps(self.to_json(), sort_keys=True)}


@dataclass(frozen=True)
class Variable(_Variable):
    """A query variable over label values, e.g. ``Variable("job", "label_values(up, job)")``.

    ``regex`` filters or extracts the values, ``all_value`` is what "All" stands for (default: every
    value), ``sort`` and ``refresh`` are Grafana's codes (1: alphabetical; 1: on load, 2: on time range
    change); ``datasource`` is the data source queried (default: the Prometheus ``${datasource}``; another
    by its variable: ``datasource=loki.datasource``). The label defaults to the name, capitalized. With "All",
    All is selected; without, Grafana selects the first value the query returns.
    """

    query: str
    _: KW_ONLY
    multi: bool = True
    include_all: bool = True
    regex: str = ""
    all_value: str = ""
    sort: int = 1
    refresh: int = 2
    datasource: Datasource = PROMETHEUS

    kind = "query"

    def check(self) -> None:
        """The query is given; Grafana's codes are its own; the datasource is a reference."""
        check_text(self.where("query"), self.query, required=True)
        for name in ("regex", "all_value"):
            check_text(self.where(name), getattr(self, name))
        for name in ("multi", "include_all"):
            check_flag(self.where(name), getattr(self, name))
        check_code(self.where("sort"), self.sort, SORT)
        check_code(self.where("refresh"), self.refresh, REFRESH)
        check_datasource(self.where("datasource"), self.datasource)

    def own_json(self) -> dict[str, Any]:
        """The query (and its definition), its data source, the settings; options are not stored."""
        data: dict[str, Any] = {
            "label": self.label or self.name.capitalize(),
            "query": self.query,
            "definition": self.query,
            "datasource": self.datasource.ref(),
            "multi": self.multi,
            "includeAll": self.include_all,
            "sort": self.sort,
            "refresh": self.refresh,
            "options": [],
        }
        data |= {key: value for key, value in (("regex", self.regex), ("allValue", self.all_value)) if value}
        if self.include_all:
            data["current"] = {"text": ["All"], "value": [ALL]}
        return data


@dataclass(frozen=True)
class DatasourceVariable(_Variable):
    """A choice of data source of one plugin, e.g.
    ``DatasourceVariable("loki_datasource", plugin="loki", label="Loki data source", hide=2)``.

    ``regex`` filters the data sources by name, ``default`` is the one selected (its uid or name; unset:
    Grafana's default data source of the plugin); ``multi``, ``include_all`` and ``all_value`` as for a
    query variable. Panels and other variables query its choice as :attr:`datasource`.
    """

    plugin: str = "prometheus"
    _: KW_ONLY
    regex: str = ""
    multi: bool = False
    include_all: bool = False
    all_value: str = ""
    default: str = ""

    kind = "datasource"

    def check(self) -> None:
        """The plugin is named; texts are texts, switches True or False."""
        check_text(self.where("plugin"), self.plugin, required=True)
        for name in ("regex", "all_value", "default"):
            check_text(self.where(name), getattr(self, name))
        for name in ("multi", "include_all"):
            check_flag(self.where(name), getattr(self, name))

    @property
    def datasource(self) -> Datasource:
        """The data source a panel or another variable names to query this variable's choice:
        ``Datasource(plugin, "${name}")``."""
        return Datasource(self.plugin, f"${{{self.name}}}")

    def own_json(self) -> dict[str, Any]:
        """The plugin as its query, refreshed on load, no stored options; the selection if given."""
        data: dict[str, Any] = {
            "query": self.plugin,
            "regex": self.regex,
            "multi": self.multi,
            "includeAll": self.include_all,
            "refresh": 1,
            "options": [],
        }
        if self.all_value:
            data["allValue"] = self.all_value
        if self.default:
            data["current"] = {"text": self.default, "value": self.default}
        return data


@dataclass(frozen=True)
class CustomVariable(_Variable):
    """A fixed list of values, e.g. ``CustomVariable("k", "5,10,20", label="Top k", default="10")``.

    ``values`` is Grafana's comma-separated list: ``\\,`` is a comma inside a value and ``text : value``
    shows ``text`` for ``value``. ``default`` is the value selected (a list of them when ``multi``;
    ``"$__all"`` for All; unset: Grafana selects the first, or All); ``multi``, ``include_all`` and
    ``all_value`` as for a query variable.
    """

    values: str
    _: KW_ONLY
    multi: bool = False
    include_all: bool = False
    all_value: str = ""
    default: str | Sequence[str] = ""

    kind = "custom"

    def check(self) -> None:
        """Values are given; the default is a value, or a list of them for a multi-value variable."""
        check_text(self.where("values"), self.values, required=True)
        check_text(self.where("all_value"), self.all_value)
        for name in ("multi", "include_all"):
            check_flag(self.where(name), getattr(self, name))
        default = self.default
        if isinstance(default, str):
            return
        if not self.multi or not isinstance(default, Sequence):
            raise DefinitionError(
                f"{self.where('default')} must be a value (a list of them with multi=True), "
                f"got {type(default).__name__} {default!r}",
                caller_location(),
            )
        for value in default:
            check_text(self.where("default value"), value)

    def own_json(self) -> dict[str, Any]:
        """The values as the query and as options, each selected where it is the default."""
        options = custom_options(self.values)
        chosen = [self.default] if isinstance(self.default, str) else list(self.default)
        data: dict[str, Any] = {
            "query": self.values,
            "multi": self.multi,
            "includeAll": self.include_all,
            "options": [{"selected": v in chosen, "text": t, "value": v} for t, v in options],
        }
        if self.all_value:
            data["allValue"] = self.all_value
        if self.default:
            data["current"] = _selection(self.default, {ALL: "All", **{v: t for t, v in options}})
        return data


@dataclass(frozen=True)
class IntervalVariable(_Variable):
    """A choice of time span, e.g. ``IntervalVariable("interval", "1m,5m,1h", auto=True)``.

    ``values`` are the intervals, comma-separated; ``default`` is the one selected (unset: the first;
    ``"$__auto"``: auto). ``auto`` offers "auto", the time range divided into ``auto_count`` steps of
    at least ``auto_min``.
    """

    values: str
    _: KW_ONLY
    default: str = ""
    auto: bool = False
    auto_count: int = 30
    auto_min: str = "10s"

    kind = "interval"

    def check(self) -> None:
        """Values are given; auto's step count is a positive whole number, its minimum a text."""
        check_text(self.where("values"), self.values, required=True)
        for name in ("default", "auto_min"):
            check_text(self.where(name), getattr(self, name))
        check_flag(self.where("auto"), self.auto)
        if isinstance(self.auto_count, bool) or not isinstance(self.auto_count, int) or self.auto_count < 1:
            raise DefinitionError(
                f"{self.where('auto_count')} must be a whole number from 1, got {self.auto_count!r}",
                caller_location(),
            )

    def own_json(self) -> dict[str, Any]:
        """The intervals as the query and as options, the selection, auto's settings; refreshed when the
        time range changes (auto depends on it)."""
        intervals = interval_options(self.values)
        value = self.default or intervals[0]
        return {
            "query": self.values,
            "options": [{"selected": i == value, "text": i, "value": i} for i in intervals],
            "current": {"text": value, "value": value},
            "refresh": 2,
            "auto": self.auto,
            "auto_count": self.auto_count,
            "auto_min": self.auto_min,
        }


@dataclass(frozen=True)
class TextboxVariable(_Variable):
    """A free text field, e.g. ``TextboxVariable("filter", ".*", label="Regex search")``; ``default`` is
    the text it starts with."""

    default: str = ""

    kind = "textbox"

    def check(self) -> None:
        """The default is a text."""
        check_text(self.where("default"), self.default)

    def own_json(self) -> dict[str, Any]:
        """The text as the query, the selection and the one option."""
        current = {"text": self.default, "value": self.default}
        return {"query": self.default, "current": current, "options": [{"selected": True, **current}]}


@dataclass(frozen=True)
class ConstantVariable(_Variable):
    """A fixed value queries can use, never shown, e.g. ``ConstantVariable("cluster", "prod")``."""

    value: str
    _: KW_ONLY
    hide: int = field(default=2)

    kind = "constant"

    def check(self) -> None:
        """The value is a text; a constant is hidden (Grafana saves it so)."""
        check_text(self.where("value"), self.value)
        check_code(self.where("hide"), self.hide, (2,))

    def own_json(self) -> dict[str, Any]:
        """The value as the query and the selection."""
        return {"query": self.value, "current": {"text": self.value, "value": self.value}}


@dataclass(frozen=True)
class AdhocVariable(_Variable):
    """Key/value filters Grafana adds to every query of ``datasource`` (default: the Prometheus
    ``${datasource}``), e.g. ``AdhocVariable("filters", label="Filters")``; another data source by its
    variable: ``datasource=loki.datasource``. The filters chosen are not part of the saved model."""

    _: KW_ONLY
    datasource: Datasource = PROMETHEUS

    kind = "adhoc"

    def check(self) -> None:
        """The datasource is a :class:`~toolkit.panel_parts.Datasource`."""
        check_datasource(self.where("datasource"), self.datasource)

    def own_json(self) -> dict[str, Any]:
        """The data source the filters apply to."""
        return {"datasource": self.datasource.ref()}
