"""Metric catalogue changes (``build/metrics.md``): metrics added or removed, and each field of a metric
(type, labels, unit, exporter, help) that changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

from toolkit.bundle import Bundle
from toolkit.diff.generic import generic_changes, keyed
from toolkit.diff.model import ADDED, REMOVED, Change

SECTION = "metrics"


def metric_changes(old: Bundle, new: Bundle) -> Iterator[Change]:
    """Every change of the metric catalogue from ``old`` to ``new``, by metric name."""
    before = keyed((m.name, m) for m in old.metrics)
    after = keyed((m.name, m) for m in new.metrics)
    for name in sorted(set(before) | set(after)):
        if name not in before:
            yield Change(SECTION, ADDED, f"metric {name} ({after[name].type})")
        elif name not in after:
            yield Change(SECTION, REMOVED, f"metric {name}")
        else:
            fields = [asdict(m) for m in (before[name], after[name])]
            for data in fields:
                data.pop("source")
                data["type"] = str(data["type"])
                data["labels"] = list(data["labels"])
            yield from generic_changes(SECTION, f"metric {name}", fields[0], fields[1])
