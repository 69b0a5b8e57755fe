"""Running the project's tests: alert and expression tests with promtool, route and template
tests on a real Alertmanager."""
