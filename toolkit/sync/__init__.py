"""``toolkit sync``: publish a bundle to Grafana, Prometheus and Alertmanager, safely and idempotently."""
