"""The rules a team sets for its rules, in toolkit.yaml under ``lint.policies`` (pint's configurable checks).

```yaml
lint:
  policies:
    labels: {severity: "critical|warning|info", team: ".+"}   # every alert has these, values matching
    annotations: {runbook_url: "https://.+"}                  # every alert has these, values matching
    min_for: 5m                                               # rule/for: alerts wait at least this long
    selectors: [job]                                          # promql/selector: every selector names these
    keep: [job]                                               # promql/aggregate: recording rules keep these
    reject:                                                   # rule/reject: names and values refused
      label_keys: ["^instance$"]
      label_values: ["^$"]
      annotation_values: ["localhost"]
    report:                                                   # rule/report: always said for these rules
      - {match: "^Legacy", message: "Legacy alerts are being replaced: see RFC 12"}
```
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from toolkit.durations import duration_seconds

HOUSE_LABELS = {"severity": "critical|warning|info|none", "team": ".+"}
HOUSE_ANNOTATIONS = {"summary": ".+", "description": ".+", "runbook_url": ".+"}


class Policy(NamedTuple):
    """What toolkit.yaml's ``lint.policies`` asks of every rule; empty fields ask nothing."""

    labels: Mapping[str, str] = MappingProxyType({})
    annotations: Mapping[str, str] = MappingProxyType({})
    min_for: float = 0.0
    selectors: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    reject: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    report: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, data: Mapping[str, Any] | None) -> Policy:
        """The policy of a ``lint.policies`` mapping (validated by the settings schema)."""
        data = data or {}
        return cls(
            labels=dict(data.get("labels") or {}),
            annotations=dict(data.get("annotations") or {}),
            min_for=duration_seconds(data["min_for"]) if data.get("min_for") else 0.0,
            selectors=tuple(data.get("selectors") or ()),
            keep=tuple(data.get("keep") or ()),
            reject={kind: tuple(patterns) for kind, patterns in (data.get("reject") or {}).items()},
            report=tuple((entry["match"], entry["message"]) for entry in data.get("report") or ()),
        )


def full_match(pattern: str, text: str) -> bool:
    """True when ``pattern`` matches all of ``text`` (anchored, as Prometheus anchors its regexps)."""
    try:
        return re.fullmatch(pattern, text) is not None
    except re.error:
        return False


def search(pattern: str, text: str) -> bool:
    """True when ``pattern`` matches somewhere in ``text``."""
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False
