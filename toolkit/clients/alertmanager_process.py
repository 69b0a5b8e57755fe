"""A real Alertmanager process for tests of the routing policy: started on a free loopback port in a folder
of its own, asked through its HTTP API, always stopped; and a loopback webhook that records what it sends.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from toolkit.clients.errors import ClientError
from toolkit.clients.http import HttpClient
from toolkit.clients.promtools import ToolMissingError
from toolkit.clients.transport import Transport
from toolkit.errors import ToolkitError

BINARIES = ("prometheus-alertmanager", "alertmanager")
INSTALL_HINT = "run `make setup`, or on Debian/Ubuntu: apt-get install prometheus-alertmanager"
START_SECONDS = 15.0
STOP_SECONDS = 10.0
PORT_ATTEMPTS = 3


class AlertmanagerMissingError(ToolMissingError):
    """No Alertmanager binary on PATH."""


class AlertmanagerFailedError(ToolkitError):
    """The Alertmanager process did not start, rejected its configuration, or stopped answering."""


def find_alertmanager() -> str:
    """The path of Debian's ``prometheus-alertmanager`` (or upstream's ``alertmanager``) on PATH."""
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return found
    raise AlertmanagerMissingError(
        f"{BINARIES[0]} is not installed (route tests run a real one): {INSTALL_HINT}"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalAlertmanager:
    """``binary`` running ``config_text`` from ``folder`` on 127.0.0.1, clustering off, logging JSON at debug
    level to ``folder/alertmanager.log``. Use it as a context manager: the process is stopped on the way out,
    whatever happens; :meth:`stop` may also be called from another thread."""

    def __init__(
        self, binary: str, folder: Path, config_text: str, env: Mapping[str, str] | None = None
    ) -> None:
        self.binary = binary
        self.folder = folder
        self.config = folder / "alertmanager.yml"
        self.log = folder / "alertmanager.log"
        self.env = {**os.environ, **(env or {})}
        self.config.write_text(config_text)
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.api: HttpClient | None = None
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def pid(self) -> int | None:
        """The process id, once started."""
        return self.process.pid if self.process else None

    def __enter__(self) -> LocalAlertmanager:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True while the process runs."""
        return self.process is not None and self.process.poll() is None

    def exits_within(self, seconds: float) -> bool:
        """True when the process has exited or exits within ``seconds``. A killed process closes its
        sockets before its exit status is known, so a refused request can come just before ``running``
        turns False."""
        if self.process is None:
            return True
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return False
        return True

    def start(self) -> None:
        """Start the process and wait until it answers ``/-/ready``; AlertmanagerFailedError with its log
        when it exits or does not become ready within START_SECONDS. A port taken between choosing it and
        binding it is retried with another."""
        for attempt in range(PORT_ATTEMPTS):
            try:
                return self._start_once()
            except AlertmanagerFailedError as error:
                if attempt + 1 == PORT_ATTEMPTS or "address already in use" not in str(error):
                    raise

    def _start_once(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        args = [
            self.binary,
            f"--config.file={self.config}",
            f"--storage.path={self.folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=debug",
            "--log.format=json",
        ]
        with self._lock:
            if self._stopped:
                raise AlertmanagerFailedError("the run was stopped before Alertmanager started")
            try:
                with self.log.open("w") as log:
                    self.process = subprocess.Popen(
                        args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env
                    )
            except OSError as error:
                raise AlertmanagerFailedError(
                    f"cannot run {self.binary}: {error.strerror}: {INSTALL_HINT}"
                ) from None
        self.api = HttpClient(self.url, Transport(retries=0, timeout=5.0))
        self.api.kind = f"Alertmanager ({self.binary})"
        deadline = time.monotonic() + START_SECONDS
        while True:
            if self.process.poll() is not None:
                raise AlertmanagerFailedError(
                    f"{self.binary} exited with status {self.process.returncode} before it was ready; its log:\n"
                    f"{self.log_tail()}\nIf it rejects the configuration, `toolkit build` and then "
                    "`amtool check-config build/alertmanager/alertmanager.yml` show what to fix in the routing "
                    f"policy; if it cannot run, reinstall it: {INSTALL_HINT}"
                )
            try:
                self.api.request("GET", "/-/ready")
                return
            except ClientError:
                if time.monotonic() > deadline:
                    raise AlertmanagerFailedError(
                        f"{self.binary} did not become ready at {self.url} within {START_SECONDS:.0f} s; "
                        f"its log:\n{self.log_tail()}\nIs the machine overloaded, or does something block "
                        f"127.0.0.1? If it never starts: {INSTALL_HINT}"
                    ) from None
                time.sleep(0.02)

    def stop(self) -> None:
        """Terminate the process and wait for it (kill after STOP_SECONDS); safe to call more than once."""
        with self._lock:
            self._stopped = True
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def post(self, path: str, body: Any) -> None:
        """POST ``body`` as JSON to the API."""
        self._answering().post_json(path, body)

    def get(self, path: str) -> Any:
        """The decoded JSON of ``GET path``."""
        return self._answering().get_json(path)

    def _answering(self) -> HttpClient:
        if self.api is None:
            raise AlertmanagerFailedError(f"{self.binary} is not running")
        return self.api

    def log_entries(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far (lines that are not JSON are skipped)."""
        entries = []
        for line in self.log.read_text(errors="replace").splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
        return entries

    def log_tail(self, lines: int = 8) -> str:
        """The last ``lines`` of the log, indented, for error messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(f"    {line}" for line in text.strip().splitlines()[-lines:]) or "    (no output)"


class WebhookSink:
    """A loopback HTTP server that records the JSON bodies POSTed to it (Alertmanager's webhook
    notifications) by path; a context manager that stops serving on the way out."""

    def __init__(self) -> None:
        self._received: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                with sink._lock:
                    sink._received.append((self.path, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def received(self, prefix: str) -> list[tuple[str, dict[str, Any]]]:
        """Every (path, body) received so far whose path starts with ``prefix``."""
        with self._lock:
            return [(path, body) for path, body in self._received if path.startswith(prefix)]
