"""A DNS server named by host name: its address, found within a time limit (issue 14).

``appmgr dfo --server dc1.lab.example.com`` used the name as an address and said
the server "sent an answer that cannot be read"; ``--server 256.1.1.1`` said the
same though nothing was sent. Here a dotted-number text must be an address, and
a name is resolved by the system resolver, bounded by the command's timeout
(``getaddrinfo`` has no timeout of its own, so it runs in a daemon thread that
is abandoned when the time is up).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading

from core.errors import InvalidInput, Unreachable

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$", re.ASCII)
_NUMERIC = re.compile(r"[0-9.]+", re.ASCII)


def server_address(host: str, timeout: float, field: str = "server") -> str:
    """The IP address of ``host`` (an address as given, or a name resolved within
    ``timeout`` seconds). InvalidInput for text that is neither; Unreachable when
    the name does not resolve."""
    text = host.strip().strip("[]")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if _NUMERIC.fullmatch(text):
        raise InvalidInput(field, f"{text!r} is not an IP address (each of the four numbers "
                                  "is 0 to 255)")
    name = text.rstrip(".")
    if not name or len(name) > 253 or not all(_LABEL.match(x) for x in name.split(".")):
        raise InvalidInput(field, f"{text[:60]!r} is neither an IP address nor a host name")
    return _resolve(name, timeout)


def _resolve(name: str, timeout: float) -> str:
    found: list[str] = []
    failed: list[str] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(name, None, type=socket.SOCK_DGRAM)
            found.extend(str(info[4][0]) for info in infos)
        except (OSError, UnicodeError) as exc:
            failed.append(str(getattr(exc, "strerror", None) or exc))

    worker = threading.Thread(target=lookup, name=f"resolve {name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if found:
        ipv4 = [a for a in found if ":" not in a]
        return (ipv4 or found)[0]
    if worker.is_alive():
        raise Unreachable(f"cannot resolve {name}: no answer from the name resolver within "
                          f"{timeout:g} s")
    why = f" ({failed[0]})" if failed else ""
    raise Unreachable(f"cannot resolve {name}{why}")
