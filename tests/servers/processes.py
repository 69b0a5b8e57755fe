"""Start real Prometheus and Alertmanager binaries on free loopback ports in temporary folders; always stop them."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from toolkit.clients.alertmanager_process import free_port


def wait_until(condition, timeout: float = 30, interval: float = 0.1, what: str = "condition"):
    """Poll ``condition`` until it returns a truthy value; return it, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except (OSError, urllib.error.URLError, ValueError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def get_json(url: str) -> dict:
    """GET ``url`` and decode its JSON body."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@dataclass
class Server:
    """A running server process: its URL, working folder and process."""

    url: str
    folder: Path
    process: subprocess.Popen

    def stop(self) -> None:
        """Terminate the process and wait for it (kill after 10 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _launch(name: str, binaries: tuple[str, ...], folder: Path, args: list[str], port: int) -> Server:
    """Start the first of ``binaries`` found with ``args``, log to ``folder/<name>.log``, wait for /-/ready."""
    binary = next((found for b in binaries if (found := shutil.which(b))), None)
    if binary is None:
        raise RuntimeError(f"{name} is not installed: run make setup")
    log = (folder / f"{name}.log").open("w")
    process = subprocess.Popen([binary, *args], stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", folder, process)
    try:
        wait_until(
            lambda: urllib.request.urlopen(f"{server.url}/-/ready", timeout=2).status == 200,
            what=f"{name} to be ready",
        )
    except Exception:
        server.stop()
        raise
    return server


def start_prometheus(
    folder: Path,
    scrape_targets: list[str] = (),
    rule_files_dir: Path | None = None,
    scrape_interval: str = "1s",
    alertmanager: str | None = None,
    lifecycle: bool = True,
) -> Server:
    """Prometheus with ``--web.enable-lifecycle`` (unless ``lifecycle`` is False), scraping
    ``scrape_targets`` (job ``test``) and loading ``rule_files_dir/*.yml``."""
    port = free_port()
    rules = rule_files_dir or folder / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    config = {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval},
        "rule_files": [str(rules / "*.yml")],
        "scrape_configs": [{"job_name": "test", "static_configs": [{"targets": list(scrape_targets)}]}],
    }
    if alertmanager:
        config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]}
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    args = [
        f"--config.file={folder / 'prometheus.yml'}",
        f"--storage.tsdb.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        *(["--web.enable-lifecycle"] if lifecycle else []),
    ]
    return _launch("prometheus", ("prometheus",), folder, args, port)


def start_alertmanager(folder: Path, config: str) -> Server:
    """Alertmanager with ``config`` (YAML text), clustering off, on a free loopback port."""
    port = free_port()
    (folder / "alertmanager.yml").write_text(config)
    args = [
        f"--config.file={folder / 'alertmanager.yml'}",
        f"--storage.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    return _launch("alertmanager", ("prometheus-alertmanager", "alertmanager"), folder, args, port)
