"""Add a module to an explicit registry (``alerts/__init__.py``, ``dashboards/__init__.py``) and format
generated code, so an import leaves the project as a person would."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from toolkit.errors import ProjectError


def register(registry: Path, package: str, module: str, tuple_name: str, entry: str) -> str:
    """The registry's text with ``from <package> import <module>`` and ``<module>.<entry>`` added to ``tuple_name``."""
    text = registry.read_text()
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


def formatted(source: str) -> str:
    """``source`` after ``ruff format`` when ruff is installed (it is a development tool), else as it is."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        return source
    done = subprocess.run(
        [ruff, "format", "--line-length", "110", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else source
