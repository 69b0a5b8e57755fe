"""Typed errors of the toolkit library; the CLI turns them into messages and exit codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the CLI's error boundary imports this module on every start
    from toolkit.locations import SourceLocation


class ToolkitError(Exception):
    """Base of every error the library raises on purpose; ``location`` points at the cause."""

    def __init__(self, message: str, location: SourceLocation | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class DefinitionError(ToolkitError, ValueError):
    """A dashboard, rule or route definition is invalid."""


class SettingsError(ToolkitError):
    """``toolkit.yaml`` is missing, unreadable or fails its schema."""


class ProjectError(ToolkitError):
    """The project cannot be loaded: a module raises, a registry is wrong, or names collide."""


class BuildError(ToolkitError):
    """The build output cannot be written or checked."""
