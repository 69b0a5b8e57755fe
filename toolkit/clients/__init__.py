"""Every way out of the process: the servers the toolkit reads and writes (Grafana over grafana-client,
Prometheus, Alertmanager, a Mimir/Cortex/Loki ruler), promtool and amtool (:mod:`.promtools`), a local
Alertmanager for route tests (:mod:`.alertmanager_process`), and the contexts and URL redaction they use.

Retries, timeouts, TLS options (:mod:`.transport`) and the typed, secret-free errors (:mod:`.errors`)
live here, once, for every command that talks to a server.
"""
