"""HTTP doubles of servers that cannot run on these machines (Grafana)."""
