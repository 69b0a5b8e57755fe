"""Add a module to an explicit registry (``alerts/__init__.py``, ``dashboards/__init__.py``), as a person
would: an import line beside the others and an entry at the end of the registry tuple."""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.errors import ProjectError


def register(text: str, package: str, module: str, tuple_name: str, entry: str, registry: Path) -> str:
    """The registry ``text`` with ``from <package> import <module>`` and ``<module>.<entry>`` added to
    ``tuple_name``; ``registry`` is the file it comes from, for messages."""
    if re.search(rf"^from {package} import .*\b{module}\b", text, re.M):
        raise ProjectError(f"{registry.name} already imports {module}: choose another --name")
    imports = list(re.finditer(rf"^from {package} import .+$", text, re.M))
    line = f"from {package} import {module}\n"
    text = text[: imports[-1].end() + 1] + line + text[imports[-1].end() + 1 :] if imports else line + text
    match = re.search(rf"^{tuple_name} = \((?P<body>[^)]*)\)", text, re.M)
    if not match:
        raise ProjectError(
            f"{registry} has no `{tuple_name} = (...)` to add {module} to: add `{module}.{entry},` yourself"
        )
    body = match.group("body")
    if "\n" in body:
        body = body.rstrip(" ") + f"    {module}.{entry},\n"
    else:
        body = (
            ", ".join([*(item.strip() for item in body.split(",") if item.strip()), f"{module}.{entry}"])
            + ","
        )
    return text[: match.start("body")] + body + text[match.end("body") :]
