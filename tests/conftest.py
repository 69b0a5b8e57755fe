"""Shared pytest fixtures: each line imports the fixtures of one test-support module."""

pytest_plugins = ["tests.servers.fixtures"]
pytest_plugins += ["tests.doubles.fixtures"]
