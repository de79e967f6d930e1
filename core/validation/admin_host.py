"""The admin host the console runs on: its name, its addresses and its hosts file.

Two checks are about this machine, not the pair (guide, requirements and DNS
failover notes): it must not be a domain controller, and its hosts file must
not pin the source's name to an address (failover moves the name in DNS; a
hosts entry would keep this console talking to the old address).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path

WINDOWS_HOSTS = Path("C:/Windows/System32/drivers/etc/hosts")
POSIX_HOSTS = Path("/etc/hosts")


@dataclass(frozen=True)
class AdminHost:
    name: str  # short host name, upper case
    ips: tuple[str, ...]  # its own addresses (never the whole of 127/8)
    hosts_file: Path

    @classmethod
    def detect(cls, hosts_file: Path | None = None) -> AdminHost:
        """This machine, as far as it can tell without asking anyone else."""
        name, ips = _own_names()
        default = WINDOWS_HOSTS if os.name == "nt" else POSIX_HOSTS
        return cls(name, ips, hosts_file or default)


@cache
def _own_names() -> tuple[str, tuple[str, ...]]:
    # once per process: resolving our own name may wait on a slow resolver
    name = socket.gethostname()
    try:
        ips = tuple(socket.gethostbyname_ex(name)[2])
    except OSError:  # a host name that does not resolve is still a name
        ips = ()
    return name.split(".", 1)[0].upper(), ips


def hosts_entries(path: Path, names: set[str]) -> list[tuple[int, str, str]]:
    """Lines of a hosts file naming one of ``names`` (lower case): (line, address, name).

    An unreadable or missing file has no entries (nothing can pin a name then).
    """
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2:
            continue
        for alias in fields[1:]:
            if alias.lower().rstrip(".") in names:
                found.append((number, fields[0], alias))
    return found
