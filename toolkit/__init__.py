"""Dashboards, alert rules and routing as reviewed Python, built to Grafana JSON and Prometheus YAML."""

__version__ = "0.1.0"
