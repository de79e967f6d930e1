"""ICMP echo for the failover monitor's "icmp" method.

Needs a raw socket (root on Linux, Administrator on Windows); without one
:func:`check_available` raises PermissionError and the engine refuses the
monitor with a sentence saying so. Each probe runs in a worker thread.
"""

from __future__ import annotations

import os
import socket
import struct
import time

_seq = 0


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def _raw() -> socket.socket:
    return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)


def check_available() -> None:
    """Raise PermissionError when this process cannot open a raw ICMP socket."""
    _raw().close()


def ping(ip: str, timeout: float) -> float | None:
    """One echo request; round-trip seconds or None."""
    global _seq
    _seq = seq = (_seq + 1) & 0xFFFF
    ident = os.getpid() & 0xFFFF
    body = struct.pack("!d", time.monotonic()) + b"appmgr-monitor"
    head = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    packet = struct.pack("!BBHHH", 8, 0, _checksum(head + body), ident, seq) + body
    start = time.monotonic()
    deadline = start + timeout
    with _raw() as sock:
        try:
            sock.sendto(packet, (ip, 0))
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                sock.settimeout(left)
                data, addr = sock.recvfrom(2048)
                ihl = (data[0] & 0x0F) * 4
                typ, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl : ihl + 8])
                if typ == 0 and rid == ident and rseq == seq and addr[0] == ip:
                    return time.monotonic() - start
        except (TimeoutError, OSError):
            return None
