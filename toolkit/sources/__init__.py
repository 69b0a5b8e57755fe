"""Sources: each makes a bundle. ``code`` loads the project's Python (with ``grafanalib`` turning grafanalib's
output into current Grafana JSON), ``files`` foreign rule files and dashboard JSON, ``git`` ``build/`` at a
revision, ``live`` what Grafana, Prometheus, a ruler and Alertmanager serve."""
