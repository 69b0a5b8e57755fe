"""Sources that make bundles from something other than the project's Python (files, git, live servers)."""
