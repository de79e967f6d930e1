"""Name resolution with a time limit (issue 14: "name resolution is not bounded").

``socket.getaddrinfo`` has no timeout: with the DNS server down the C resolver
retries for 10–20 s or more. It runs here in a daemon thread that is waited for
at most the caller's budget; a late answer is dropped (the thread ends when the
resolver gives up). The host's resolver is used on purpose (not dnspython):
``/etc/hosts`` and nsswitch count, as for every other program on the host.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from core.dns.names import is_ip
from core.errors import Unreachable

AddrInfo = tuple[Any, ...]  # getaddrinfo's (family, type, proto, canonname, sockaddr)

#: getaddrinfo's "the name does not exist" answers (others mean "DNS did not answer")
_NO_SUCH_NAME = {getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY")
                 if hasattr(socket, n)}


def resolve_host(name: str, port: int, timeout: float, *, shown_timeout: float | None = None,
                 what: str = "") -> list[AddrInfo]:
    """TCP addresses of ``name`` (IPv4 first) within ``timeout`` seconds.

    Raises Unreachable naming the cause: the name does not exist, or the DNS
    server did not answer (within ``shown_timeout``, the limit the user set).
    """
    label = what or name
    if is_ip(name):
        return socket.getaddrinfo(name, port, 0, socket.SOCK_STREAM, socket.IPPROTO_TCP,
                                  socket.AI_NUMERICHOST)
    found: list[AddrInfo] = []
    failed: list[OSError] = []

    def work() -> None:
        try:
            found.extend(socket.getaddrinfo(name, port, 0, socket.SOCK_STREAM, socket.IPPROTO_TCP))
        except OSError as exc:
            failed.append(exc)

    t = threading.Thread(target=work, name=f"resolve-{name}", daemon=True)
    t.start()
    t.join(max(0.0, timeout))
    limit = shown_timeout if shown_timeout is not None else timeout
    if t.is_alive():
        raise Unreachable(f"cannot resolve {label}: the DNS server did not answer within "
                          f"{limit:g} s")
    if failed:
        exc = failed[0]
        if isinstance(exc, socket.gaierror) and exc.errno in _NO_SUCH_NAME:
            raise Unreachable(f"cannot resolve {label}: DNS knows no such name")
        raise Unreachable(f"cannot resolve {label}: the DNS server did not answer "
                          f"({getattr(exc, 'strerror', None) or exc})")
    if not found:
        raise Unreachable(f"cannot resolve {label}: DNS knows no address for it")
    return sorted(found, key=lambda a: a[0] != socket.AF_INET)
