"""Where the project is: the nearest folder at or above a start that holds ``toolkit.yaml``, found without
reading it (``toolkit lint`` of plain files asks whether it runs inside a project, and loads the settings
only when it does)."""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import ProjectError

SETTINGS_FILE = "toolkit.yaml"


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds ``toolkit.yaml``."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise ProjectError(
        f"no {SETTINGS_FILE} in {start} or above: run toolkit inside a project or pass --project DIR"
    )
