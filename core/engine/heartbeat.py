"""Authenticated UDP heartbeats on the service port.

Request ``b"AMH2?" | len(name) | name | seq | nonce | mac`` and reply
``b"AMH2!" | seq | nonce | mac``: ``seq`` is 8 bytes (big endian), ``nonce`` 16
random bytes, ``mac`` an HMAC-SHA256 over the direction, the monitor's name,
``seq`` and ``nonce``, keyed per monitor (:func:`monitor_key`, from the set's
connection key both engines of the pair hold; never from a password).

Against forgery: without the key neither a request nor a reply verifies.
Against replay: the responder answers only a ``seq`` above the last one it
answered for that monitor (``seq`` starts at the wall clock in nanoseconds, so
it keeps growing across a restart of the prober), and the prober accepts only
the reply to a probe still waiting. Everything else is ignored and counted in
the log — a forged "source is alive" can no longer hold a failover back.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import socket
import struct
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

REQ, REP = b"AMH2?", b"AMH2!"
NONCE = 16
MAC = 32
_SEQ = struct.Struct("!Q")


def monitor_key(set_key_hex: str, name: str) -> bytes:
    """The heartbeat key of monitor ``name`` (monitors are named after their set)."""
    return hmac.new(bytes.fromhex(set_key_hex), b"appmgr-heartbeat\0" + name.encode("utf-8"),
                    hashlib.sha256).digest()


def _mac(key: bytes, direction: bytes, name: bytes, seq: int, nonce: bytes) -> bytes:
    msg = direction + bytes([len(name)]) + name + _SEQ.pack(seq) + nonce
    return hmac.new(key, msg, hashlib.sha256).digest()


def request(key: bytes, name: str, seq: int, nonce: bytes) -> bytes:
    n = name.encode("utf-8")[:255]
    return REQ + bytes([len(n)]) + n + _SEQ.pack(seq) + nonce + _mac(key, REQ, n, seq, nonce)


def parse_request(data: bytes) -> tuple[str, int, bytes, bytes] | None:
    """``(name, seq, nonce, mac)`` of a well-formed request, else None."""
    if not data.startswith(REQ) or len(data) < len(REQ) + 1:
        return None
    n = data[len(REQ)]
    rest = data[len(REQ) + 1:]
    if len(rest) != n + _SEQ.size + NONCE + MAC:
        return None
    name, rest = rest[:n], rest[n:]
    (seq,) = _SEQ.unpack(rest[:_SEQ.size])
    try:
        return name.decode("utf-8"), seq, rest[_SEQ.size:-MAC], rest[-MAC:]
    except UnicodeDecodeError:
        return None


def reply(key: bytes, name: str, seq: int, nonce: bytes) -> bytes:
    n = name.encode("utf-8")[:255]
    return REP + _SEQ.pack(seq) + nonce + _mac(key, REP, n, seq, nonce)


class Ignored:
    """Counts heartbeats that were ignored, by reason, and logs them sparingly."""

    def __init__(self, who: str) -> None:
        self.who = who
        self.counts: dict[str, int] = {}

    def __call__(self, reason: str, addr: Any) -> None:
        n = self.counts[reason] = self.counts.get(reason, 0) + 1
        if n <= 10 or n % 100 == 0:
            log.warning("%s ignored a %s heartbeat from %s (%d so far)", self.who, reason,
                        addr[0] if addr else "?", n)


class Responder(asyncio.DatagramProtocol):
    """Answers authentic, fresh heartbeat requests (runs in every engine).
    ``key_for(name)`` is the set key of monitor ``name`` (None: not a pair of ours)."""

    def __init__(self, key_for: Callable[[str], str | None]) -> None:
        self.key_for = key_for
        self.transport: asyncio.DatagramTransport | None = None
        self.last_seq: dict[str, int] = {}
        self.ignored = Ignored("the heartbeat responder")

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        req = parse_request(data)
        if req is None or self.transport is None:
            self.ignored("malformed", addr)
            return
        name, seq, nonce, mac = req
        set_key = self.key_for(name)
        if set_key is None:
            self.ignored(f"unknown-set ({name})", addr)
            return
        key = monitor_key(set_key, name)
        if not hmac.compare_digest(mac, _mac(key, REQ, name.encode("utf-8"), seq, nonce)):
            self.ignored("forged", addr)
            return
        if seq <= self.last_seq.get(name, 0):
            self.ignored("replayed", addr)
            return
        self.last_seq[name] = seq
        self.transport.sendto(reply(key, name, seq, nonce), addr)


class Prober(asyncio.DatagramProtocol):
    """Sends heartbeat requests from one local address and matches replies."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self._waiting: dict[bytes, tuple[asyncio.Future[float], bytes, str]] = {}
        self._seq = 0
        self.ignored = Ignored("the failover monitor")

    @classmethod
    async def create(cls, local_ip: str) -> Prober:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_datagram_endpoint(cls, local_addr=(local_ip, 0))
        return proto

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def next_seq(self) -> int:
        self._seq = max(self._seq + 1, time.time_ns())
        return self._seq

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if not data.startswith(REP) or len(data) != len(REP) + _SEQ.size + NONCE + MAC:
            self.ignored("malformed", addr)
            return
        tag = data[len(REP):-MAC]
        entry = self._waiting.get(tag)
        if entry is None:
            self.ignored("replayed or late", addr)
            return
        fut, key, name = entry
        (seq,) = _SEQ.unpack(tag[:_SEQ.size])
        if not hmac.compare_digest(data[-MAC:], _mac(key, REP, name.encode("utf-8")[:255],
                                                     seq, tag[_SEQ.size:])):
            self.ignored("forged", addr)
            return
        del self._waiting[tag]
        if not fut.done():
            fut.set_result(time.monotonic())

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP port unreachable: the probe simply times out

    async def probe(self, ip: str, port: int, timeout: float, name: str,
                    set_key: str) -> float | None:
        """Round-trip seconds, or None when no authentic reply came within ``timeout``."""
        if self.transport is None:
            return None
        seq, nonce, key = self.next_seq(), os.urandom(NONCE), monitor_key(set_key, name)
        tag = _SEQ.pack(seq) + nonce
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[tag] = (fut, key, name)
        start = time.monotonic()
        try:
            self.transport.sendto(request(key, name, seq, nonce), (ip, port))
            async with asyncio.timeout(timeout):
                return await fut - start
        except (TimeoutError, OSError):
            return None
        finally:
            self._waiting.pop(tag, None)

    def close(self) -> None:
        if self.transport:
            self.transport.close()


def heartbeat(host: str, port: int, name: str, set_key: str,
              timeout: float = 1.0) -> float | None:
    """Blocking heartbeat of monitor ``name``: round-trip seconds to ``host``, or None."""
    seq, nonce, key = time.time_ns(), os.urandom(NONCE), monitor_key(set_key, name)
    want = reply(key, name, seq, nonce)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        start = time.monotonic()
        deadline = start + timeout
        try:
            sock.sendto(request(key, name, seq, nonce), (host, port))
            while True:
                sock.settimeout(max(0.001, deadline - time.monotonic()))
                data, _ = sock.recvfrom(256)
                if hmac.compare_digest(data, want):
                    return time.monotonic() - start
        except (TimeoutError, OSError):
            return None
