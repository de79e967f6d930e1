"""The lab supervisor's part of identity failover: addresses servers take over.

When a lab server takes over another's address (``ip_add``, run by its
engine's identity failover), its WinRM endpoint starts answering on that
address and a relay joins that address's engine port to its engine
(:mod:`core.lab.tcp_relay`). The server whose address is held does not get
it back when it is healed, as on a real network (a duplicate address is
refused): it waits, and comes back once the holder gives the address back
(failback). Which server holds which address is read from the servers'
``ips.json`` files, so it holds across ``lab down``/``up`` too.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from core.errors import Refused
from core.lab.estate import Estate
from core.lab.ip_ops import taken_ips
from core.lab.ps_failure import PsFailure
from core.lab.tcp_relay import TcpRelay


class AddressTakeovers:
    estate: Estate
    lab_root: Path
    _lock: threading.RLock
    _winrm: dict[str, Any]
    _relays: dict[str, TcpRelay]
    _waiting: set[str]

    def heal(self, name: str) -> None: ...
    def _write_runtime(self) -> None: ...

    def wmi_host(self, name: str, script: str) -> str:
        raise NotImplementedError  # core.lab.supervisor_services (before this class)

    def held_by(self, ip: str, besides: str = "") -> str | None:
        """The server that took ``ip`` over (None when nobody holds it)."""
        for s in self.estate.servers:
            if s.name != besides and not s.virtual and ip in taken_ips(self.lab_root, s.name):
                return s.name
        return None

    def address_held(self, name: str) -> bool:
        """Whether another server holds one of ``name``'s addresses (it must wait)."""
        s = self.estate.server(name)
        return any(self.held_by(ip, besides=s.name) for ip in s.ips)

    def owner_of(self, ip: str) -> str | None:
        return next((s.name for s in self.estate.servers if ip in s.ips), None)

    def on_ip(self, holder: str, ip: str, add: bool) -> None:
        """``holder`` starts (``add``) or stops answering on ``ip``."""
        with self._lock:
            owner = self.owner_of(ip)
            if add:
                if owner is not None and owner in self._winrm:
                    raise Refused(f"{owner} answers on {ip}")
                w = self._winrm.get(holder)
                if w is not None:
                    w.serve(ip)
                self._relay(holder, ip)
            else:
                w = self._winrm.get(holder)
                if w is not None:
                    w.unserve(ip)
                relay = self._relays.pop(ip, None)
                if relay is not None:
                    relay.close()
                if owner in self._waiting:  # its address is free again: it comes back
                    self._waiting.discard(owner)
                    self.heal(owner)
            self._write_runtime()

    def _relay(self, holder: str, ip: str) -> None:
        s = self.estate.server(holder)
        if s.engine_installed and ip not in self._relays:
            self._relays[ip] = TcpRelay((ip, s.engine_port), (s.ip, s.engine_port))

    def start_relays(self, holder: str) -> None:
        for ip in taken_ips(self.lab_root, holder):
            self._relay(holder, ip)

    def stop_relays(self, holder: str) -> None:
        for ip in taken_ips(self.lab_root, holder):
            relay = self._relays.pop(ip, None)
            if relay is not None:
                relay.close()

    def host_op(self, name: str, script: str) -> tuple[bytes, bytes, int]:
        """Run one host operation script on lab server ``name`` (its engine's identity
        failover and application monitoring, core.lab.host_op): what powershell.exe
        would answer."""
        try:
            name = self.wmi_host(name, script)
        except PsFailure as failure:
            return b"", failure.clixml(), 1
        w = self._winrm.get(name)
        if w is None:
            return b"", f"{name} is not running in the lab".encode(), 1
        try:
            out: tuple[bytes, bytes, int] = w.run_script(script)
            return out
        except PsFailure as failure:
            return b"", failure.clixml(), 1
