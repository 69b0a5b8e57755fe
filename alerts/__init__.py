"""The project's alert and recording rules, their tests, the routing policy and its tests, listed explicitly."""

from alerts import agent, application, cost, database, metrics, routing, security, slo, system, worker

RULE_GROUPS = (
    system.groups,
    database.groups,
    application.groups,
    cost.groups,
    agent.groups,
    security.groups,
    worker.groups,
    slo.groups,
)
ALERT_TESTS = (
    system.tests,
    database.tests,
    application.tests,
    cost.tests,
    agent.tests,
    security.tests,
    worker.tests,
    slo.tests,
)
ALERTMANAGER = routing.config
ROUTE_TESTS = (routing.tests,)
METRICS = metrics.METRICS
