"""The host operations of ``core/hosts/scripts`` executed against a lab server.

Each operation answers exactly the JSON its PowerShell script prints on
Windows, so the console's WinrmHost reads a lab server and a real one the same
way. Failures raise :class:`PsFailure`, which the endpoint writes to stderr as
CLIXML with exit code 1, like ``powershell.exe``.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.lab.app_ops import AppOps
from core.lab.cluster_export_ops import ClusterExportOps
from core.lab.cluster_ops import ClusterOps
from core.lab.estate import Estate, LabServer, volume_dir
from core.lab.fix_ops import FixOps, ZoneHook
from core.lab.host_state import HostState
from core.lab.ip_ops import IpHook, IpOps, taken_ips
from core.lab.name_ops import NameOps
from core.lab.ps_failure import PsFailure, bad_param
from core.lab.sql_ops import SqlOps
from core.lab.verify_ops import VerifyOps
from core.model.server import Share

ENGINE_SERVICE = "appmgrengine"
_WIN_PATH = re.compile(r"^([A-Za-z]):(\\.*)?$")

#: (service name, start) -> None; the lab supervisor starts/stops the engine process.
ServiceHook = Callable[[str, bool], None]

#: one share permission as share_add.ps1 reads it (an account has no ":" in it)
_GRANT = re.compile(r"[^:;]+:(FULL|CHANGE|READ)", re.IGNORECASE)


def _windows_word(value: str) -> str:
    """"running" -> "Running", "start_pending" -> "Start Pending" (Win32_Service spelling)."""
    return " ".join(w.capitalize() for w in value.replace("_", " ").split())


@dataclass
class LabHost(FixOps, SqlOps, VerifyOps, AppOps, ClusterOps, ClusterExportOps, NameOps,
              IpOps):
    """One lab server as the target of host operations."""

    estate: Estate
    server: LabServer
    lab_root: Path
    ip: str
    state: HostState
    on_service: ServiceHook | None = None
    #: the lab DNS server's zone creation (only on the DNS server's own host)
    on_zone: ZoneHook | None = None
    #: the supervisor answers on an address this server takes over (identity failover)
    on_ip: IpHook | None = None
    probe_timeout: float = 0.3
    clock: Callable[[], float] = time.monotonic
    #: set when the endpoint stops: waits end at once (a stopped lab must not linger)
    stopped: threading.Event = field(default_factory=threading.Event)

    def run(self, op: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"op_{op}", None) if op.isidentifier() else None
        if handler is None:
            raise PsFailure(f"The operation '{op}' is not implemented by {self.server.name} "
                            "(appmgr lab)", "NotImplemented", "NotSupportedException", target=op)
        return handler(params)

    # --- facts ----------------------------------------------------------------------
    def engine_running(self) -> bool:
        """The lab's "service running": the engine accepts a TCP connection on its port."""
        if not self.server.engine_installed:
            return False
        try:
            with socket.create_connection((self.ip, self.server.engine_port), self.probe_timeout):
                return True
        except OSError:
            return False

    def engine(self, running: bool | None = None) -> dict[str, Any]:
        s = self.server
        if not s.engine_installed:
            return {"installed": False, "running": False, "version": "", "port": 6320}
        up = self.engine_running() if running is None else running
        return {"installed": True, "running": up, "version": s.engine_version,
                "port": s.engine_port}

    def drive_dir(self, letter: str) -> Path | None:
        """The real directory behind drive ``letter``: the server's own volume or the disk
        of a cluster group it owns (that disk belongs to the virtual server)."""
        letter = letter.upper()
        if letter in self.server.volumes:
            return volume_dir(self.lab_root, self.server.name, letter)
        for vs in self.estate.owned(self.server.name):
            if letter in vs.volumes:
                return volume_dir(self.lab_root, vs.name, letter)
        return None

    def local(self, win_path: str) -> Path | None:
        """The real directory behind ``win_path``; None off this server's volumes."""
        m = _WIN_PATH.match(win_path)
        root = self.drive_dir(m.group(1)) if m else None
        if m is None or root is None:
            return None
        parts = [p for p in re.split(r"[\\/]", m.group(2) or "") if p]
        path = root.joinpath(*parts).resolve()
        return path if path.is_relative_to(root.resolve()) else None

    def _volume(self, letter: str) -> dict[str, Any]:
        where = self.drive_dir(letter) or volume_dir(self.lab_root, self.server.name, letter)
        while not where.exists() and where != where.parent:
            where = where.parent
        usage = shutil.disk_usage(where)
        return {"letter": letter, "label": f"{letter} drive", "size": usage.total,
                "free": usage.free}

    def _is_engine(self, name: str) -> bool:
        return self.server.engine_installed and name.lower() == ENGINE_SERVICE

    # --- operations -------------------------------------------------------------------
    def op_inventory(self, params: dict[str, Any]) -> dict[str, Any]:
        s, est = self.server, self.estate
        engine = self.engine()
        services = []
        for svc in list(self.state.services):
            state = ("running" if engine["running"] else "stopped") if self._is_engine(svc.name) \
                else svc.state
            services.append({"name": svc.name, "display": svc.display,
                             "state": _windows_word(state),
                             "start_mode": _windows_word(svc.start_mode)})
        return {
            "hostname": s.name, "domain": est.domain,
            "domain_role": 5 if "dc" in s.roles else 3, "gc": "gc" in s.roles,
            "os": {"caption": f"Microsoft {s.os} ", "version": s.os_version},
            # a cluster node also carries the addresses of the groups it owns
            "nics": [{"name": "Local Area Connection", "prefix": 24,
                      "ips": [*s.ips, *(vs.ip for vs in est.owned(s.name)),
                              *self.created_ips(),
                              *taken_ips(self.lab_root, s.name)]}],
            "volumes": [self._volume(v) for v in est.drives_of(s)],
            "services": services,
            # ... and shares the disks of those groups
            "shares": [{"name": x.name, "path": x.path, "description": x.description,
                        "admin": x.admin, "grants": list(x.grants)}
                       for x in [*self.state.shares, *(x for vs in est.owned(s.name)
                                                       for x in vs.shares)]],
            "dns_servers": [est.dns_ip],
            "engine": engine,
            "admins": list(self.state.admins),
        }

    def op_engine_status(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.engine()

    def op_service_set(self, params: dict[str, Any]) -> dict[str, Any]:
        name, running = params.get("name"), params.get("running")
        if not isinstance(name, str) or not name:
            raise bad_param("Name", "The argument is null or empty.")
        if not isinstance(running, bool):
            raise bad_param("running", "The argument is not a boolean.")
        timeout = params.get("timeout", 30)
        if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 0:
            raise bad_param("timeout", "The argument is not a number of seconds.")
        svc = self.state.service(name)
        if svc is None:
            raise PsFailure(f"Get-Service : Cannot find any service with service name '{name}'.",
                            "ObjectNotFound", "ServiceCommandException",
                            "$s = Get-Service -Name $p.name", name, "Get-Service",
                            "NoServiceFoundForGivenName,"
                            "Microsoft.PowerShell.Commands.GetServiceCommand")
        want = "Running" if running else "Stopped"
        if running and svc.start_mode == "disabled":
            raise PsFailure(f'Exception calling "Start" with "0" argument(s): "Cannot start '
                            f"service {svc.name} on computer '.'.\"", "NotSpecified",
                            "MethodInvocationException", "$s.Start()")
        if self._is_engine(svc.name):
            self._engine_service(svc.name, running, timeout)
        else:
            self.state.set_service_state(svc.name, want.lower())
        return {"name": svc.name, "state": want}

    def _engine_service(self, name: str, running: bool, timeout: int) -> None:
        if self.engine_running() == running:
            return
        if self.on_service is None:
            raise PsFailure(f'Exception calling "{"Start" if running else "Stop"}" with "0" '
                            f"argument(s): \"Cannot {'start' if running else 'stop'} service "
                            f"{name} on computer '.'.\"", "NotSpecified",
                            "MethodInvocationException", "$s.Start()" if running else "$s.Stop()")
        self.on_service(name, running)
        deadline = self.clock() + timeout
        while self.engine_running() != running:
            if self.clock() >= deadline or self.stopped.wait(0.05):
                raise PsFailure(f"Service {name} did not reach the "
                                f"{'Running' if running else 'Stopped'} state within "
                                f"{timeout} seconds")

    def _share_params(self, params: dict[str, Any], *keys: str) -> list[str]:
        values = []
        for key in keys:
            v = params.get(key, "" if key == "description" else None)
            if not isinstance(v, str) or (key != "description" and not v):
                raise bad_param(key, "The argument is null or empty.")
            values.append(v)
        return values

    def op_share_add(self, params: dict[str, Any]) -> dict[str, Any]:
        name, path, description = self._share_params(params, "name", "path", "description")
        local = self.local(path)
        if local is None or not local.is_dir():
            raise PsFailure(f"The system cannot find the path specified: {path}",
                            exception="DirectoryNotFoundException")
        old = self.state.share(name)
        if old is not None and old.path.lower() != path.lower():
            raise PsFailure(f"The share name {name} is already in use for {old.path}")
        grants = params.get("grants", [])
        if not isinstance(grants, list) or not all(
                isinstance(g, str) and _GRANT.fullmatch(g) for g in grants):
            raise bad_param("grants", "The argument is not a list of ACCOUNT:FULL|CHANGE|READ.")
        if old is None:  # Win32_Share.Create with the security descriptor built from them
            self.state.add_share(Share(name, path, False, description, tuple(grants)))
        return {"name": name, "path": path, "description": description,
                "created": old is None}

    def op_share_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        (name,) = self._share_params(params, "name")
        if not self.state.remove_share(name):
            raise PsFailure(f"This shared resource does not exist: {name}",
                            exception="ItemNotFoundException")
        return {"name": name, "removed": True}

    def op_path_exists(self, params: dict[str, Any]) -> dict[str, Any]:
        paths = params.get("paths")
        if not isinstance(paths, list):
            raise bad_param("paths", "The argument is not a list of paths.")
        results = []
        for p in paths:
            local = self.local(p) if isinstance(p, str) else None
            results.append({"path": p, "exists": bool(local is not None and local.exists())})
        return {"results": results}

    def op_wmi_check(self, params: dict[str, Any]) -> dict[str, Any]:
        """Application monitoring's Test: the services as Win32_Service lists them.
        (The endpoint already refused any account but the lab admin: on a lab server
        only its administrators have WMI access.)"""
        services = self.op_inventory({})["services"]
        return {"namespace": "root\\cimv2",
                "services": [{"name": s["name"], "state": s["state"]} for s in services]}

    def op_app_services(self, params: dict[str, Any]) -> dict[str, Any]:
        """Application monitoring's built-in check: the named services' states (the
        supervisor runs it on the computer asked for, like a remote WMI query)."""
        names = params.get("names")
        if not isinstance(names, list):
            raise bad_param("names", "The argument is not a list of service names.")
        want = {str(n).lower() for n in names}
        return {"computer": self.server.name,
                "services": [{"name": s["name"], "state": s["state"]}
                             for s in self.op_inventory({})["services"]
                             if s["name"].lower() in want]}
