"""Install generated modules into the project, all or nothing.

The modules are written, formatted, registered in the package's ``__init__.py`` and the whole project is
loaded once to prove it still builds. Any failure on the way (an error, a crash, Ctrl-C, SIGTERM, an
unwritable registry) removes every new module and its bytecode and puts the registry back as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import ProjectError, ToolkitError
from toolkit.importer.pysource import ImportedModule
from toolkit.importer.registry import register
from toolkit.interrupts import sigterm_unwinds
from toolkit.locations import SourceLocation


@dataclass(frozen=True)
class Planned:
    """One module to write: its name, its source and notes, and the input it was made from."""

    name: str
    module: ImportedModule
    origin: str


class ImportFailed(ToolkitError):
    """The import was refused or undone; nothing was written."""


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    if path.exists() and not os.access(path, os.W_OK):
        raise PermissionError(13, "Permission denied", str(path))
    temporary = path.with_name(f".{path.name}.import-tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def format_files(paths: Sequence[Path], root: Path) -> None:
    """``ruff format`` the files with the project's settings when ruff is installed (a development tool);
    without it the files stay as generated, which is valid Python."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not paths or not Path(ruff).exists():
        return
    subprocess.run([ruff, "format", "--quiet", *map(str, paths)], cwd=root, capture_output=True, check=False)


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
        for compiled in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
            compiled.unlink(missing_ok=True)


def _located_in_input(error: ToolkitError, root: Path, written: dict[Path, Planned]) -> ToolkitError:
    """An error raised by a generated module, told against the input it came from (the module is gone)."""
    where = error.location
    for path, planned in written.items():
        if where and Path(root, where.path).resolve() == path.resolve():
            return ImportFailed(
                f"{planned.origin}: the imported {planned.name} does not load: {error.message}",
                SourceLocation(planned.origin) if Path(planned.origin).exists() else None,
            )
    return error


def install(
    root: Path, package: str, planned: Sequence[Planned], registry_tuple: str, entry: str
) -> list[Path]:
    """Write ``<package>/<name>.py`` for each planned module, register them, and load the project; undo
    everything when anything fails. Returns the written paths."""
    from toolkit.sources.code import load_project

    folder = root / package
    registry = folder / "__init__.py"
    names = [p.name for p in planned]
    for name in names:
        if (folder / f"{name}.py").exists():
            raise ImportFailed(f"{package}/{name}.py exists: choose another --name")
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ImportFailed(
            f"two inputs would be written to the same module {', '.join(twice)}: import them apart with --name"
        )
    if not registry.is_file():
        raise ImportFailed(f"{package}/__init__.py is missing: the project lists its {package} modules there")
    old_registry = registry.read_text(encoding="utf-8")
    new_registry = old_registry
    for name in names:
        new_registry = _register(registry, new_registry, package, name, registry_tuple, entry)
    written: dict[Path, Planned] = {}
    replaced = False
    with sigterm_unwinds():
        try:
            for item in planned:
                path = folder / f"{item.name}.py"
                with path.open("x", encoding="utf-8") as out:
                    written[path] = item
                    out.write(item.module.source)
            format_files(list(written), root)
            _replace(registry, new_registry)
            replaced = True
            load_project(root)
        except BaseException as error:
            _remove(list(written))
            if replaced:
                _replace(registry, old_registry)
            if isinstance(error, ToolkitError):
                raise _located_in_input(error, root, written) from None
            if isinstance(error, OSError):
                raise ImportFailed(
                    f"cannot write {error.filename or package}: {error.strerror}; nothing was written"
                ) from None
            raise
    return list(written)


def _register(registry: Path, text: str, package: str, name: str, registry_tuple: str, entry: str) -> str:
    try:
        return register(text, package, name, registry_tuple, entry, registry)
    except ProjectError as error:
        raise ImportFailed(error.message, error.location) from None
