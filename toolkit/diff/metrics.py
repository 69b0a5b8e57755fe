"""Metric catalogue changes (``build/metrics.md``): metrics added or removed, and each field of a metric
(type, labels, unit, exporter, help) that changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from toolkit.bundle import Bundle
from toolkit.diff.generic import MISSING, generic_changes, keyed, matched
from toolkit.diff.model import ADDED, REMOVED, Change
from toolkit.metrics import Metric

SECTION = "metrics"


def _fields(metric: Metric) -> dict[str, Any]:
    """What metrics.md shows of a metric: every field but where it was defined."""
    data = asdict(metric)
    del data["source"]
    return {**data, "type": str(data["type"]), "labels": list(data["labels"])}


def metric_changes(old: Bundle, new: Bundle) -> Iterator[Change]:
    """Every change of the metric catalogue from ``old`` to ``new``, by metric name."""
    before = keyed((m.name, m) for m in old.metrics)
    after = keyed((m.name, m) for m in new.metrics)
    for name, a, b in matched(before, after, by_name=True):
        if a is MISSING:
            yield Change(SECTION, ADDED, f"metric {name} ({b.type})")
        elif b is MISSING:
            yield Change(SECTION, REMOVED, f"metric {name}")
        else:
            yield from generic_changes(SECTION, f"metric {name}", _fields(a), _fields(b))
