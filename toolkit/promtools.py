"""Prometheus' and Alertmanager's own checkers (promtool, amtool), run as subprocesses."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from toolkit.errors import ToolkitError

INSTALL_HINT = "run `make setup`, or on Debian/Ubuntu: apt-get install prometheus prometheus-alertmanager"


class ToolMissingError(ToolkitError):
    """promtool or amtool is not installed."""


class ToolFailedError(ToolkitError):
    """promtool or amtool rejected its input; ``output`` holds what it said."""

    def __init__(self, message: str, output: str):
        super().__init__(f"{message}\n{output.rstrip()}" if output.strip() else message)
        self.output = output


def find_tool(name: str) -> str:
    """The path of ``name`` on PATH, or ToolMissingError saying how to install it."""
    path = shutil.which(name)
    if path is None:
        raise ToolMissingError(f"{name} is not installed: {INSTALL_HINT}")
    return path


def run_tool(
    name: str, args: Sequence[str], cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run ``name args...``; return the finished process with its text output (never raises on exit status)."""
    try:
        return subprocess.run(
            [find_tool(name), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise ToolkitError(f"{name} {' '.join(args[:2])} did not finish within {timeout:.0f} s") from None


def check_rules(paths: Sequence[Path]) -> None:
    """``promtool check rules``; ToolFailedError with promtool's report when a file is invalid."""
    result = run_tool("promtool", ["check", "rules", *map(str, paths)])
    if result.returncode != 0:
        raise ToolFailedError("promtool check rules failed", result.stdout + result.stderr)


def check_alertmanager_config(path: Path) -> None:
    """``amtool check-config``; ToolFailedError with amtool's report when the config is invalid."""
    result = run_tool("amtool", ["check-config", str(path)])
    if result.returncode != 0:
        raise ToolFailedError("amtool check-config failed", result.stdout + result.stderr)


def route_receivers(config: Path, labels: dict[str, str]) -> list[str]:
    """The receivers ``amtool config routes test`` resolves for an alert with ``labels``."""
    pairs = [f"{name}={value}" for name, value in sorted(labels.items())]
    result = run_tool("amtool", ["config", "routes", "test", f"--config.file={config}", *pairs])
    if result.returncode != 0:
        raise ToolFailedError("amtool config routes test failed", result.stdout + result.stderr)
    return result.stdout.strip().split(",")
