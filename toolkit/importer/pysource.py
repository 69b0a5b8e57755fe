"""Python source text for generated modules: literals in the style ``ruff format`` writes, names.

Generated modules must read as if a person wrote them and pass ``ruff check`` and ``ruff format --check``
as written; these helpers keep literals double-quoted where that needs no more escapes, and turn file
names, titles and alert names into module and constant names.
"""

from __future__ import annotations

import keyword
import math
import re
from dataclasses import dataclass, field
from typing import Any

from toolkit.errors import ToolkitError

# what text in triple quotes must not hold: whitespace ending a line (ruff reports it inside a literal too),
# or a character a source line cannot hold as it is (carriage return, form feed, other control characters)
UNFIT_FOR_TRIPLE_QUOTES = re.compile(r"[ \t\f\v]$|[\r\f\v\x00-\x08\x0e-\x1f]", re.MULTILINE)
# a word of a CamelCase name: a plural acronym (PGs), an acronym (RAID), a capitalized or lower word, a number
WORD = re.compile(
    r"[A-Z]{2,}s(?=[A-Z0-9]|$)|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]\d+[a-z]*|[A-Z]+|\d+[a-z]*"
)


@dataclass
class ImportedModule:
    """A generated module's source text, and notes on what the import waived, added or could not carry;
    ``rule_file`` is the file its rule groups are built to (rule imports only)."""

    source: str
    notes: list[str] = field(default_factory=list)
    rule_file: str = ""


class ModuleNameError(ToolkitError):
    """A module name given with ``--name`` cannot be a Python module name."""


def string(text: str) -> str:
    """A Python string literal for ``text``: double quotes unless single ones need fewer escapes;
    multi-line text as a triple-quoted literal where that is exact and lints clean (no line of it ends in
    whitespace, which ruff reports inside a literal too)."""
    if (
        "\n" in text.rstrip("\n")
        and '"""' not in text
        and "\\" not in text
        and not text.endswith('"')
        and not UNFIT_FOR_TRIPLE_QUOTES.search(text)
    ):
        return f'"""{text}"""'
    single = repr(text)
    if single.startswith('"'):
        return single
    if '"' not in text:
        return '"' + single[1:-1] + '"'
    if text.count('"') > text.count("'"):
        return single
    return '"' + single[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'


def docstring(text: str) -> str:
    """A docstring literal for one line of ``text`` (triple double quotes where that is exact)."""
    line = " ".join(text.split())
    if '"' in line or "\\" in line:
        return string(line)
    return f'"""{line}"""'


def literal(value: Any) -> str:
    """A Python literal for plain JSON/YAML data (dict, list, str, number, bool, None)."""
    if isinstance(value, str):
        return string(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"no literal for {type(value).__name__}")


def number(text: str) -> str:
    """The Python literal of a PromQL number such as ``0.05``, ``100`` or ``1e3``."""
    value = float(text)
    return repr(int(value)) if value.is_integer() and re.fullmatch(r"-?\d+", text) else repr(value)


def imported_names(names: set[str]) -> str:
    """``names`` in the order isort (and ruff's ``I`` rules) write them: constants, classes, the rest."""

    def kind(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    return ", ".join(sorted(names, key=kind))


def words(name: str) -> list[str]:
    """The words of ``name`` (CamelCase, snake_case, kebab-case, dotted, spaced), as written."""
    return [word for part in re.split(r"[^0-9A-Za-z]+", name) for word in WORD.findall(part)]


def constant(name: str) -> str:
    """An UPPER_SNAKE constant name: ``NodeRAIDDegraded`` -> ``NODE_RAID_DEGRADED``."""
    text = "_".join(words(name)).upper() or "THRESHOLD"
    return text if not text[0].isdigit() else f"N_{text}"


def snake(name: str) -> str:
    """A lower_snake name: ``nodeExporter-rules`` -> ``node_exporter_rules``."""
    return "_".join(words(name)).lower()


def check_module_name(name: str) -> str:
    """``name`` when it can be a module of the project (an identifier that is no keyword); else a ModuleNameError."""
    if not name.isidentifier() or not name.isascii():
        raise ModuleNameError(
            f"--name {name!r} is not a Python module name: use letters, digits and '_', e.g. 'api'"
        )
    if keyword.iskeyword(name):
        raise ModuleNameError(f"--name {name!r} is a Python keyword: choose another, e.g. '{name}_dashboard'")
    if name.startswith("_"):
        raise ModuleNameError(
            f"--name {name!r} starts with '_': choose a public name, e.g. '{name.lstrip('_')}'"
        )
    return name


def module_name(text: str, fallback: str = "imported") -> str:
    """A valid module name made from a title or file stem (``fallback`` when nothing is left)."""
    name = snake(text) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name):
        name = f"{name}_{fallback}"
    return name
