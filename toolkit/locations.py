"""Where a definition came from, so every error and finding can point at it."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import NamedTuple


@functools.cache
def _not_user_dirs() -> tuple[str, ...]:
    """The toolkit's folder, the standard library's and the installed packages' (found on first use: a run
    that reads files only never asks)."""
    import sysconfig

    paths = sysconfig.get_paths()
    installed = (str(Path(paths[key]).resolve()) for key in ("stdlib", "platstdlib", "purelib", "platlib"))
    return tuple(folder + os.sep for folder in (str(Path(__file__).resolve().parent), *installed))


@functools.lru_cache(maxsize=1024)
def is_user_file(filename: str) -> bool:
    """True for a real source file of the user's: not generated code (``<string>``, ``<attrs generated
    ...>``, ``<frozen ...>``), not the toolkit itself, not the standard library or an installed package."""
    if filename.startswith("<"):
        return False
    resolved = str(Path(filename).resolve())
    return not resolved.startswith(_not_user_dirs()) and "site-packages" not in resolved


class SourceLocation(NamedTuple):
    """A file and 1-based line; ``path`` is relative to the project root when it lies inside it. A named
    tuple: millions are made, hashed, compared and sorted, which a tuple does in C."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def relative_to(self, root: Path) -> SourceLocation:
        """The same location with ``path`` made relative to ``root`` where possible."""
        rel = _relative_path(self.path, str(root))
        return self if rel is None else SourceLocation(rel, self.line)


@functools.lru_cache(maxsize=4096)
def _relative_path(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` (both resolved), or None outside it; cached, as a project's modules
    define thousands of objects from a few files."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return None


_project_root: Path | None = None


def set_project_root(root: Path | None) -> None:
    """Make locations captured from now on relative to ``root`` (None: keep absolute paths)."""
    global _project_root
    _project_root = root


def caller_location() -> SourceLocation:
    """The first frame on the stack in the user's own code (see :func:`is_user_file`): the definition."""
    frame = sys._getframe(1)
    while frame is not None and not is_user_file(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return SourceLocation("<unknown>")
    location = SourceLocation(frame.f_code.co_filename, frame.f_lineno)
    return location.relative_to(_project_root) if _project_root else location
