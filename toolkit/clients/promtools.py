"""Prometheus' and Alertmanager's own checkers (promtool, amtool), run as subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence
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


class ChildProcesses:
    """The tool processes started through it, so all can be stopped at once (on Ctrl-C or SIGTERM).

    After :meth:`stop`, every running process is killed and no new one starts.
    """

    def __init__(self) -> None:
        self._running: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._stopped = False

    def run(
        self, command: list[str], cwd: Path | None, timeout: float, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        """Run ``command`` to its end (or ``timeout`` seconds) and return it with its text output;
        ``env`` adds to the environment."""
        with self._lock:
            if self._stopped:
                raise ToolkitError(f"{Path(command[0]).name} not started: the run is being stopped")
            process = subprocess.Popen(
                command,
                cwd=cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, **env} if env else None,
            )
            self._running.add(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except BaseException:
            process.kill()
            process.communicate()
            raise
        finally:
            with self._lock:
                self._running.discard(process)
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)

    def stop(self) -> None:
        """Kill every running process and refuse new ones."""
        with self._lock:
            self._stopped = True
            for process in self._running:
                process.kill()


def run_tool(
    name: str,
    args: Sequence[str],
    cwd: Path | None = None,
    timeout: float = 300,
    children: ChildProcesses | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run ``name args...``; return the finished process with its text output (never raises on exit status).

    ``children`` tracks the process so another thread can stop it; an interruption kills it either way.
    ``env`` adds to the environment.
    """
    try:
        return (children or ChildProcesses()).run([find_tool(name), *args], cwd, timeout, env)
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
