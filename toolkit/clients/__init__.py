"""Clients of the servers the toolkit reads and writes: Grafana (over grafana-client), Prometheus,
Alertmanager and a Mimir/Cortex/Loki ruler.

Retries, timeouts, TLS options (:mod:`.transport`) and the typed, secret-free errors (:mod:`.errors`)
live here, once, for every command that talks to a server.
"""
