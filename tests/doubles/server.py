"""The loopback HTTP server under every double, with the faults tests inject.

Controls:

- ``latency``: seconds added to every request;
- ``fail_next(n, status, path, message)``: answer the next n requests (to ``path``, if given) with
  ``status``, ``{"message": message}`` and ``Retry-After: 0``;
- ``drop_next(n)``: close the connection of the next n requests without carrying them out;
- ``lose_next(n, path)``: carry out the next n requests (to ``path``, if given), then close the
  connection without answering, so the client cannot know its write landed;
- ``writes`` (state-changing requests carried out), ``requests`` and ``last_request``.

``tls=(certfile, keyfile)`` serves HTTPS.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


class Request:
    """One request as the double sees it."""

    def __init__(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        url = urlparse(handler.path)
        self.method, self.path, self.query = handler.command, url.path, parse_qs(url.query)
        self.headers, self.body = handler.headers, body

    def json(self) -> Any:
        """The body decoded as JSON (None when empty); ValueError when it is not JSON, as Go's decoder
        refuses NaN and Infinity too. Integers of any size keep their digits, as Grafana's decoder keeps
        number literals; a float comes back as Python writes it (``1e3`` as ``1000.0``, where Grafana
        keeps ``1e3``), which is what the toolkit sends."""
        return json.loads(self.body, parse_constant=_not_json) if self.body else None


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


class FaultyServer:
    """Subclasses answer in :meth:`handle` (called under a lock) with (status, body, headers)."""

    exempt_paths: frozenset[str] = frozenset()  # never faulted (health checks)

    def __init__(self, tls: tuple[str, str] | None = None) -> None:
        self.latency = 0.0
        self.writes = 0
        self.requests = 0
        self.last_request: Request | None = None
        self._fail: list[tuple[int, str | None, str]] = []
        self._drop = 0
        self._lose: list[str | None] = []
        self._lock = threading.Lock()
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY, as Go's servers set it: else each answer stalls ~40 ms on delayed ACKs
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                double._serve(self)

            do_GET = do_POST = do_DELETE = do_PUT = _handle  # noqa: N815  (http.server's naming)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_port}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()

    def fail_next(
        self, count: int, status: int = 503, path: str | None = None, message: str = "injected failure"
    ) -> None:
        """Answer the next ``count`` requests (to ``path``, if given) with ``status`` and ``message``."""
        self._fail += [(status, path, message)] * count

    def drop_next(self, count: int) -> None:
        """Close the connection of the next ``count`` requests without carrying them out."""
        self._drop += count

    def lose_next(self, count: int, path: str | None = None) -> None:
        """Carry out the next ``count`` requests (to ``path``, if given), then close the connection
        without an answer."""
        self._lose += [path] * count

    def handle(self, request: Request) -> tuple[int, Any, dict[str, str]]:
        """The answer to ``request``: status, body (JSON-encoded unless ``str``), headers."""
        raise NotImplementedError

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(handler, handler.rfile.read(length) if length else b"")
        if self.latency:
            time.sleep(self.latency)
        faultable = request.path not in self.exempt_paths
        with self._lock:
            self.requests += 1
            if faultable and self._drop:
                self._drop -= 1
                return self._hang_up(handler)
            self.last_request = request
            if faultable and self._fail and self._fail[0][1] in (None, request.path):
                status, _, message = self._fail.pop(0)
                answer = (status, {"message": message}, {"Retry-After": "0"})
            else:
                answer = self.handle(request)
            if faultable and self._lose and self._lose[0] in (None, request.path):
                self._lose.pop(0)
                return self._hang_up(handler)
        self._reply(handler, *answer)

    @staticmethod
    def _hang_up(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        handler.connection.close()

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str]) -> None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers = {"Content-Type": "text/plain" if isinstance(body, str) else "application/json", **headers}
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)
