"""Benchmarks: each module measures one command beside its floor or peer, in one run, and prints ratios."""
