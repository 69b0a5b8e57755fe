"""Users: active users per hour and day, sessions and their length, query volume, feature usage."""

from __future__ import annotations

from toolkit.panels import (
    DashboardDef,
    Link,
    Query,
    Variable,
    bar_gauge,
    dashboard,
    percentiles,
    row,
    stat,
    timeseries,
)
from toolkit.settings import Settings

UID = "users"


def build(settings: Settings) -> DashboardDef:
    """The ``users`` dashboard."""
    queries = 'user_queries_total{feature=~"$feature"}'
    sessions = "sum by (le) (rate(user_session_duration_seconds_bucket[$__rate_interval]))"
    return dashboard(
        settings,
        uid=UID,
        title="Users",
        description="Who uses the platform, for how long, and which features.",
        tags=["users"],
        links=[Link("executive", "Executive overview")],
        variables=[Variable("feature", "label_values(user_queries_total, feature)")],
        rows=[
            row(
                "Activity",
                stat(
                    "Active users (1h)",
                    'max(users_active{window="1h"})',
                    unit="short",
                    description="Distinct users active in the last hour.",
                ),
                stat(
                    "Active users (1d)",
                    'max(users_active{window="1d"})',
                    unit="short",
                    description="Distinct users active in the last day.",
                ),
                stat(
                    "Open sessions",
                    "sum(user_sessions_active)",
                    unit="short",
                    description="User sessions open now.",
                ),
                stat(
                    "Queries per minute",
                    f"sum(rate({queries}[$__rate_interval])) * 60",
                    unit="short",
                    description="User queries per minute across the selected features.",
                ),
                timeseries(
                    "Active users",
                    [
                        Query('max(users_active{window="1h"})', "hourly"),
                        Query('max(users_active{window="1d"})', "daily"),
                    ],
                    unit="short",
                    description="Distinct active users over the last hour and the last day.",
                ),
                timeseries(
                    "Session duration",
                    percentiles(sessions, (0.5, 0.9)),
                    unit="s",
                    description="Length of finished sessions, median and 90th percentile.",
                ),
            ),
            row(
                "Features",
                timeseries(
                    "Query volume by feature",
                    Query(f"sum by (feature) (rate({queries}[$__rate_interval]))", "{{feature}}"),
                    unit="reqps",
                    description="User queries per second, by feature.",
                    stack=True,
                ),
                bar_gauge(
                    "Feature usage (24h)",
                    Query(
                        f"sort_desc(sum by (feature) (increase({queries}[1d])))", "{{feature}}", instant=True
                    ),
                    unit="short",
                    description="Queries per feature over the last day, most used first.",
                ),
            ),
        ],
    )
