"""``toolkit lint``: PromQL, rule and dashboard checks without a server, reported at the source line.

Each check is a small function with a stable name and a one-line doc, registered in
:mod:`toolkit.lint.registry`; :func:`toolkit.lint.engine.lint_bundle` runs them over a bundle from any
source (the project's Python or foreign files).
"""
