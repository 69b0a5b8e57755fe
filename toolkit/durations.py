"""Prometheus durations: validation and one canonical spelling, via promql-parser.

Durations in rule files, tests and Alertmanager's config are Prometheus' ``model.Duration``: a number
without a unit is refused there (promql-parser alone would read ``5`` as five seconds), only ``0`` may go
without one.
"""

from __future__ import annotations

from functools import lru_cache

import promql_parser

_ZERO = ("0", "0s", "0ms", "0m", "0h")


def canonical_duration(value: str) -> str:
    """Return ``value`` in Prometheus' canonical spelling (``300s`` becomes ``5m``).

    Raises ValueError naming the value when it is not a Prometheus duration.
    """
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a Prometheus duration: write a string such as '5m'")
    return _canonical(value)


def duration_seconds(value: str) -> float:
    """The length of a Prometheus duration in seconds."""
    return _seconds(canonical_duration(value))


# Rule files repeat a few durations (5m, 15m, 1h) thousands of times: each is parsed once.
@lru_cache(maxsize=1024)
def _canonical(value: str) -> str:
    if value in _ZERO:
        return "0s"
    if value.isdigit():
        raise ValueError(
            f"{value!r} is not a Prometheus duration: it needs a unit, e.g. '{value}s' or '{value}m'"
        )
    try:
        return promql_parser.display_duration(promql_parser.parse_duration(value))
    except ValueError:
        raise ValueError(
            f"{value!r} is not a Prometheus duration: use a number and a unit (ms, s, m, h, d, w, y), e.g. '5m' or '1h30m'"
        ) from None


@lru_cache(maxsize=1024)
def _seconds(canonical: str) -> float:
    return 0.0 if canonical == "0s" else promql_parser.parse_duration(canonical).total_seconds()
