"""Add a module to an explicit registry (``alerts/__init__.py``, ``dashboards/__init__.py``), as a person
would: its name in the package's import statement and an entry at the end of the registry tuple.

The result passes ``ruff check`` (isort) and ``ruff format --check`` whatever the project's line length:
the package's imports become one statement, its names sorted, and a statement or tuple of more than one
name is written one name per line with a trailing comma, which ruff keeps as it is. A registry whose
package imports carry a comment or span lines in another way keeps them as they are, and gets the new
import on a line of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.errors import ProjectError


def register(text: str, package: str, module: str, tuple_name: str, entry: str, registry: Path) -> str:
    """The registry ``text`` with ``module`` imported from ``package`` and ``<module>.<entry>`` added to
    ``tuple_name``; ``registry`` is the file it comes from, for messages."""
    statements = list(
        re.finditer(rf"^from {package} import (?:\((?P<multi>[^)]*)\)|(?P<single>[^\n(]*))\n", text, re.M)
    )
    names = [
        name.strip()
        for found in statements
        for name in (found.group("multi") or found.group("single")).split(",")
        if name.strip()
    ]
    if any(name.split("#")[0].split(" as ")[0].strip() == module for name in names):
        raise ProjectError(f"{registry.name} already imports {module}: choose another --name")
    if statements and not any(mark in found.group(0) for found in statements for mark in "#\\"):
        merged = _import_statement(package, [*names, module])
        text = (
            text[: statements[0].start()]
            + merged
            + "".join(text[a.end() : b.start()] for a, b in zip(statements, statements[1:], strict=False))
            + text[statements[-1].end() :]
        )
    elif statements:
        end = statements[-1].end()
        text = text[:end] + f"from {package} import {module}\n" + text[end:]
    else:  # the first import: above the registry tuple (below a docstring), a blank line after it
        place = re.search(rf"^{tuple_name} = \(", text, re.M)
        at = place.start() if place else 0
        text = text[:at] + f"from {package} import {module}\n\n" + text[at:]
    match = re.search(rf"^{tuple_name} = \((?P<body>[^)]*)\)", text, re.M)
    if not match:
        raise ProjectError(
            f"{registry} has no `{tuple_name} = (...)` to add {module} to: add `{module}.{entry},` yourself"
        )
    body = match.group("body")
    if "\n" in body:
        body = _with_trailing_comma(body.rstrip()) + f"\n    {module}.{entry},\n"
    else:
        body = _one_per_line(
            [*(item.strip() for item in body.split(",") if item.strip()), f"{module}.{entry}"]
        )
    return text[: match.start("body")] + body + text[match.end("body") :]


def _import_statement(package: str, names: list[str]) -> str:
    """``from <package> import ...`` for ``names``, sorted as ruff's isort sorts them."""
    ordered = sorted(set(names), key=_isort_order)
    if len(ordered) == 1:
        return f"from {package} import {ordered[0]}\n"
    return f"from {package} import ({_one_per_line(ordered)})\n"


def _isort_order(name: str) -> tuple:
    """Constants, then classes, then the rest; within each, case-insensitive with numbers by value."""
    natural = [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]
    return (not name.isupper(), not name[:1].isupper(), natural, name)


def _one_per_line(items: list[str]) -> str:
    """The inside of parentheses holding ``items``: one item, or one per line with a trailing comma."""
    if len(items) == 1:
        return f"{items[0]},"
    return "\n" + "".join(f"    {item},\n" for item in items)


def _with_trailing_comma(body: str) -> str:
    """``body`` (a tuple's inside, trailing space stripped) with a comma after its last item, before any
    comment on that line."""
    head, newline, last = body.rpartition("\n")
    code, hash_, comment = last.partition("#")
    item = code.rstrip()
    if not item or item.endswith((",", "(")):
        return body
    return f"{head}{newline}{item},{code[len(item) :]}{hash_}{comment}"
