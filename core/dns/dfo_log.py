"""The DFO (DNS failover) log: an append-only text log per server (SPEC F-9.4, F-11).

``<logs>/dfo/<SERVER>.log``, one timestamped line per event, e.g.::

    2025-03-01T10:15:02Z  zone lab.example.com: done

A failover writes the same lines to the source's and the target's log so
"View source/target DFO log" both show it. Callers never pass secrets; the
records, zones and server names logged here are not secret.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from core.errors import InvalidInput

_SERVER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def dfo_log_path(logs_dir: Path, server: str, kind: str = "dfo") -> Path:
    """Where the DFO log of ``server`` lives (server names cannot escape the directory);
    ``kind`` "exchange": its Exchange failover log, kept the same way."""
    if not _SERVER.match(server) or server.strip(".") != server:
        raise InvalidInput("server", f"{server!r} is not a server name")
    return Path(logs_dir) / kind / f"{server.upper()}.log"


class DfoLog:
    """Appends timestamped lines to the DFO log of each of ``servers``."""

    def __init__(self, logs_dir: Path, servers: str | Sequence[str], clock: Clock = _utcnow,
                 kind: str = "dfo") -> None:
        names = [servers] if isinstance(servers, str) else list(servers)
        self.paths = list(dict.fromkeys(dfo_log_path(logs_dir, s, kind) for s in names))
        self.clock = clock

    def write(self, message: str) -> str:
        """Append ``message`` (one line; line breaks are folded) and return the line written."""
        stamp = self.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        text = " / ".join(part.strip() for part in message.splitlines() if part.strip())
        line = f"{stamp}  {text}\n"
        for path in self.paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            # O_APPEND: concurrent writers (console and `appmgr watch`) never overwrite each other
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        return line.rstrip("\n")


def read_dfo_log(logs_dir: Path, server: str, last: int | None = None) -> list[str]:
    """The lines of ``server``'s DFO log, oldest first (the ``last`` ones when given)."""
    try:
        text = dfo_log_path(logs_dir, server).read_text("utf-8", errors="replace")
    except FileNotFoundError:
        return []
    lines = text.splitlines()
    return lines[-last:] if last else lines


def dfo_log_servers(logs_dir: Path) -> list[str]:
    """Names of the servers that have a DFO log, sorted."""
    folder = Path(logs_dir) / "dfo"
    return sorted(p.stem for p in folder.glob("*.log")) if folder.is_dir() else []
