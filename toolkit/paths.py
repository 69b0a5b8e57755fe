"""Output paths proven to stay inside their folder, whatever names the input carries (``..``, ``/``,
absolute paths, symlinks leading out)."""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import ToolkitError


class UnsafePathError(ToolkitError):
    """An output path would leave the folder it belongs in."""


def inside(folder: Path, relative: str) -> Path:
    """``folder/relative``, or UnsafePathError when it resolves outside ``folder``."""
    target = folder / relative
    if not target.resolve().is_relative_to(folder.resolve()):
        raise UnsafePathError(f"refusing to write {relative!r}: it resolves outside {folder}")
    return target
