"""The simulated Windows state of one lab server: services, shares, admin group, and what
the health check's fixes change (firewall ports, detached databases, SQL protocols,
service accounts).

It starts as the estate describes the server; every change is written
atomically to ``<lab>/servers/NAME/host_state.json`` so it survives a restart
of the lab (and ``lab fail``/``heal``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from core.atomic import read_json, write_json
from core.lab.estate import Estate, LabServer
from core.model.server import Service, Share

STATE_FILE = "host_state.json"
#: how many service changes the lab keeps per server
SERVICE_LOG_MAX = 500


def state_path(lab_root: Path, server: str) -> Path:
    return lab_root / "servers" / server.upper() / STATE_FILE


@dataclass
class HostState:
    """Services, shares and "appmgr Admins" members of one lab server (thread-safe)."""

    path: Path
    services: list[Service]
    shares: list[Share]
    admins: list[str]
    #: inbound TCP ports the (simulated) Windows Firewall blocks; every other port is open
    closed_ports: list[int] = field(default_factory=list)
    #: detached databases, "SERVER/INSTANCE/database" in lower case
    detached: list[str] = field(default_factory=list)
    #: client protocols of an instance ("SERVER/INSTANCE" upper case) when changed
    protocols: dict[str, list[str]] = field(default_factory=dict)
    #: service (lower case) -> the account it runs as, when changed
    accounts: dict[str, str] = field(default_factory=dict)
    #: databases attached from files (database-only failover): {"instance": "SERVER/INSTANCE"
    #: upper case, "name": database, "files": [Windows paths]}
    attached: list[dict[str, Any]] = field(default_factory=list)
    #: every service start/stop asked for, in order: {"service", "state", "was", "at" (epoch
    #: seconds)}: the lab's record of what ran when (graceful failover: source before target)
    service_log: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @classmethod
    def load(cls, estate: Estate, server: LabServer, lab_root: Path) -> HostState:
        """The persisted state when there is one, else the estate's."""
        path = state_path(lab_root, server.name)
        doc = read_json(path)
        if isinstance(doc, dict):
            try:
                return cls(path,
                           [Service(**s) for s in doc.get("services", [])],
                           [Share(**{**s, "grants": tuple(s.get("grants", ()))})
                            for s in doc.get("shares", [])],
                           [str(a) for a in doc.get("admins", [])],
                           [int(x) for x in doc.get("closed_ports", [])],
                           [str(x) for x in doc.get("detached", [])],
                           {str(k): [str(x) for x in v]
                            for k, v in doc.get("protocols", {}).items()},
                           {str(k): str(v) for k, v in doc.get("accounts", {}).items()},
                           [{"instance": str(a["instance"]), "name": str(a["name"]),
                             "files": [str(f) for f in a["files"]]}
                            for a in doc.get("attached", [])],
                           [dict(e) for e in doc.get("service_log", []) if isinstance(e, dict)])
            except (TypeError, ValueError, AttributeError, KeyError):
                pass  # a file from another version: start again from the estate
        return cls(path, list(server.services), list(server.shares),
                   list(server.admins) or [estate.admin_user])

    def save(self) -> None:
        with self.lock:
            doc: dict[str, Any] = {"services": [asdict(s) for s in self.services],
                                   "shares": [asdict(s) for s in self.shares],
                                   "admins": list(self.admins),
                                   "closed_ports": list(self.closed_ports),
                                   "detached": list(self.detached),
                                   "protocols": dict(self.protocols),
                                   "accounts": dict(self.accounts),
                                   "attached": [dict(a) for a in self.attached],
                                   "service_log": list(self.service_log)}
            write_json(self.path, doc)

    # --- services -------------------------------------------------------------------
    def service(self, name: str) -> Service | None:
        with self.lock:
            return next((s for s in self.services if s.name.lower() == name.lower()), None)

    def set_service_state(self, name: str, state: str) -> Service:
        with self.lock:
            for i, s in enumerate(self.services):
                if s.name.lower() == name.lower():
                    self.service_log.append({"service": s.name, "state": state, "was": s.state,
                                             "at": time.time()})
                    del self.service_log[:-SERVICE_LOG_MAX]
                    self.services[i] = replace(s, state=state)
                    self.save()
                    return self.services[i]
        raise KeyError(name)

    def change(self, edit: Callable[[HostState], None]) -> None:
        """Apply ``edit`` under the lock and save (the fixes' changes)."""
        with self.lock:
            edit(self)
            self.save()

    # --- shares ---------------------------------------------------------------------
    def share(self, name: str) -> Share | None:
        with self.lock:
            return next((s for s in self.shares if s.name.lower() == name.lower()), None)

    def add_share(self, share: Share) -> None:
        with self.lock:
            self.shares.append(share)
            self.save()

    def remove_share(self, name: str) -> bool:
        with self.lock:
            kept = [s for s in self.shares if s.name.lower() != name.lower()]
            if len(kept) == len(self.shares):
                return False
            self.shares = kept
            self.save()
            return True
