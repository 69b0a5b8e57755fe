"""Semantic differences between two bundles: what a change means for dashboards, rules and routing."""
