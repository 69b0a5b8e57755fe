"""``toolkit import``: existing rule files (and, later, dashboards) into the project's Python."""
