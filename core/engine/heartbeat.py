"""UDP heartbeats on the service port.

Request ``b"AMHB?" + 16-byte nonce``; the engine answers at once with
``b"AMHB!" + the same nonce``. The nonce pairs replies with requests, so a
late answer to an earlier probe is never mistaken for a fresh one.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from typing import Any

REQ, REP = b"AMHB?", b"AMHB!"
NONCE = 16


class Responder(asyncio.DatagramProtocol):
    """Answers heartbeat requests (runs in every engine)."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if self.transport and len(data) == len(REQ) + NONCE and data.startswith(REQ):
            self.transport.sendto(REP + data[len(REQ):], addr)


class Prober(asyncio.DatagramProtocol):
    """Sends heartbeat requests from one local address and matches replies."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self._waiting: dict[bytes, asyncio.Future[float]] = {}

    @classmethod
    async def create(cls, local_ip: str) -> Prober:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_datagram_endpoint(cls, local_addr=(local_ip, 0))
        return proto

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if data.startswith(REP):
            fut = self._waiting.pop(data[len(REP):], None)
            if fut is not None and not fut.done():
                fut.set_result(time.monotonic())

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP port unreachable: the probe simply times out

    async def probe(self, ip: str, port: int, timeout: float) -> float | None:
        """Round-trip seconds, or None when no reply came within ``timeout``."""
        if self.transport is None:
            return None
        nonce = os.urandom(NONCE)
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[nonce] = fut
        start = time.monotonic()
        try:
            self.transport.sendto(REQ + nonce, (ip, port))
            async with asyncio.timeout(timeout):
                return await fut - start
        except (TimeoutError, OSError):
            return None
        finally:
            self._waiting.pop(nonce, None)

    def close(self) -> None:
        if self.transport:
            self.transport.close()


def heartbeat(host: str, port: int = 6320, timeout: float = 1.0) -> float | None:
    """Blocking heartbeat: round-trip seconds to the engine on ``host``, or None."""
    nonce = os.urandom(NONCE)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        start = time.monotonic()
        deadline = start + timeout
        try:
            sock.sendto(REQ + nonce, (host, port))
            while True:
                sock.settimeout(max(0.001, deadline - time.monotonic()))
                data, _ = sock.recvfrom(64)
                if data == REP + nonce:
                    return time.monotonic() - start
        except (TimeoutError, OSError):
            return None
