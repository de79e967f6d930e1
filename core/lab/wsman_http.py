"""HTTP for the lab's WinRM endpoints: ``POST /wsman`` with Basic auth.

The server remembers its open connections so that stopping it is a real
outage: a client holding a keep-alive connection sees it drop instead of
being served by a handler thread of an endpoint that was "failed".
"""

from __future__ import annotations

import socket
import socketserver
import threading
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

MAX_BODY = 512 * 1024
SOAP_TYPE = "application/soap+xml;charset=UTF-8"


class Endpoint(Protocol):
    def authorized(self, header: str | None) -> bool: ...
    def handle(self, body: bytes) -> tuple[int, bytes]: ...


class WsmanHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, WsmanHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a reverse DNS lookup that may hang
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            for sock in list(self._open):
                with suppress(OSError):  # the client may have gone already
                    sock.shutdown(socket.SHUT_RDWR)


class WsmanHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed ACK
    server: WsmanHttpServer

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._send(413, b"", close=True)
            return
        body = self.rfile.read(length)
        if self.path.split("?", 1)[0].rstrip("/").lower() != "/wsman":
            self._send(404, b"")
        elif not self.server.endpoint.authorized(self.headers.get("Authorization")):
            self._send(401, b"", {"WWW-Authenticate": 'Basic realm="WSMAN"'})
        else:
            status, payload = self.server.endpoint.handle(body)
            self._send(status, payload, {"Content-Type": SOAP_TYPE})

    def do_GET(self) -> None:  # noqa: N802
        self._send(405, b"", {"Allow": "POST"})

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None,
              close: bool = False) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # requests are not logged: nothing here may ever echo an Authorization header
