"""The project's dashboards, listed explicitly: each entry takes the settings and returns a dashboard."""

from dashboards import agent, api, cost, database, executive, slo, system, users, worker

DASHBOARDS = (
    executive.build,
    cost.build,
    agent.build,
    worker.build,
    database.build,
    api.build,
    system.build,
    users.build,
    slo.build,
)
