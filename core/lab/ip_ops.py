"""Addresses a lab server took over (a mixin of :class:`LabHost`; identity failover).

``ip_add`` / ``ip_remove`` answer what their scripts print on Windows. The
supervisor's hook (``on_ip``) makes the address real: the server's WinRM
endpoint and its engine then answer on it, so a connection to the failed
source's address reaches the target, and DNS needs no change. Adding an
address another running server answers on fails as Windows does on a
duplicate address. The addresses are kept in ``<lab>/servers/NAME/ips.json``
so they survive the server's ``fail``/``heal`` and the next ``lab up``.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.atomic import read_json, write_json
from core.errors import AppmgrError
from core.lab.estate import LabServer
from core.lab.ps_failure import PsFailure, bad_param

IPS_FILE = "ips.json"
#: (address, add) -> None: the supervisor starts/stops answering on it (raises when it cannot)
IpHook = Callable[[str, bool], None]
_lock = threading.Lock()


def ips_path(lab_root: Path, server: str) -> Path:
    return lab_root / "servers" / server.upper() / IPS_FILE


def taken_ips(lab_root: Path, server: str) -> list[str]:
    """The addresses ``server`` took over from another server."""
    doc = read_json(ips_path(lab_root, server))
    ips = doc.get("ips", []) if isinstance(doc, dict) else []
    return [str(i) for i in ips if isinstance(i, str)]


class IpOps:
    server: LabServer
    lab_root: Path
    on_ip: IpHook | None

    def _ip_param(self, params: dict[str, Any]) -> str:
        ip = params.get("ip")
        try:
            return str(ipaddress.IPv4Address(str(ip)))
        except ValueError:
            raise bad_param("ip", f"'{ip}' is not an IPv4 address.") from None

    def op_ip_add(self, params: dict[str, Any]) -> dict[str, Any]:
        ip = self._ip_param(params)
        nic = params.get("nic") or "Local Area Connection"
        with _lock:
            held = taken_ips(self.lab_root, self.server.name)
            if ip in self.server.ips or ip in held:
                return {"ip": ip, "nic": nic, "added": False}
            if self.on_ip is None:
                raise PsFailure(f"netsh could not add {ip} to {nic}: the lab cannot bind it here")
            try:
                self.on_ip(ip, True)
            except (AppmgrError, OSError) as exc:
                raise PsFailure(f"netsh could not add {ip} to {nic}: The address is already in "
                                f"use on the network ({exc})") from exc
            write_json(ips_path(self.lab_root, self.server.name), {"ips": [*held, ip]})
        return {"ip": ip, "nic": nic, "added": True}

    def op_ip_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        ip = self._ip_param(params)
        with _lock:
            held = taken_ips(self.lab_root, self.server.name)
            if ip not in held:
                raise PsFailure(f"The address {ip} is not assigned to this server")
            write_json(ips_path(self.lab_root, self.server.name),
                       {"ips": [x for x in held if x != ip]})
            if self.on_ip is not None:
                self.on_ip(ip, False)
        return {"ip": ip, "nic": "Local Area Connection", "removed": True}
