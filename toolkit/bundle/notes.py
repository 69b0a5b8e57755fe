"""What normalizing a dashboard could not carry: each note names the JSON path and the reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Note:
    """One thing the normalizer changed without an equivalent, at ``path`` (``panels/3/legend``)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class Notes(list):
    """The notes of one normalization, in the order they were made."""

    def add(self, path: str, reason: str) -> None:
        """Record that what is at ``path`` was not carried, and why."""
        self.append(Note(path, reason))

    def dropped(self, path: str, panel: dict[str, Any], keys: set[str] | frozenset[str], why: str) -> None:
        """A note for each key of ``panel`` outside ``keys`` that is set (not empty, not ``false``), with
        the reason ``why``."""
        for key in sorted(panel):
            value = panel[key]
            if (
                key not in keys
                and key != "$$hashKey"
                and value is not False
                and value not in (None, "", [], {})
            ):
                self.add(f"{path}/{key}", why)

    def drop(self, path: str, data: dict[str, Any], keys: set[str] | frozenset[str], why: str) -> None:
        """Remove every key of ``data`` outside ``keys``, each set one noted (:meth:`dropped`) with ``why``."""
        extra = [key for key in data if key not in keys]
        self.dropped(path, {key: data[key] for key in extra}, frozenset(), why)
        for key in extra:
            del data[key]
