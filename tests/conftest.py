"""Shared pytest fixtures: each line imports the fixtures of one test-support module."""
