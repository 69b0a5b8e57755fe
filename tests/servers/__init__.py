"""Real Prometheus and Alertmanager processes on free loopback ports, and a tiny metrics exporter."""
