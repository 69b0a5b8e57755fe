"""The project's alert and recording rules and its routing policy, listed explicitly."""

from alerts import database, routing, system

RULE_GROUPS = (
    system.groups,
    database.groups,
)
ALERTMANAGER = routing.config
ALERT_TESTS = (
    system.tests,
    database.tests,
)
