"""The project's dashboards, listed explicitly: each entry takes the settings and returns a dashboard."""

from dashboards import database, executive, slo

DASHBOARDS = (
    executive.build,
    database.build,
    slo.build,
)
