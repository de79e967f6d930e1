"""The lab supervisor's services: the service fault, and WMI read from another server.

``appmgr lab stop-service NAME SERVICE`` (and ``start-service``) stops or
starts a service of a lab server as if it had stopped by itself: a lab
fault for application monitoring (SPEC F-6.2), which the target's engine
notices through the ``app_services`` host operation. On Windows that
operation reads the source's services over WMI (``-ComputerName``); in the
lab the supervisor runs it on the named server, which must be answering,
like a remote WMI query.
"""

from __future__ import annotations

from typing import Any

from core.hosts.ops import parse_script
from core.lab.estate import Estate
from core.lab.ps_failure import PsFailure

#: what Get-WmiObject -ComputerName says when the computer does not answer
RPC_UNAVAILABLE = "The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)"


class LabServices:
    estate: Estate
    _winrm: dict[str, Any]

    def set_service(self, name: str, service: str, running: bool) -> dict[str, Any]:
        """Start or stop ``service`` on lab server ``name`` (the lab fault)."""
        s = self.estate.server(name)
        w = self._winrm.get(s.owner if s.virtual else s.name)
        if w is None or w.host is None:
            raise ValueError(f"{s.name} is not answering (heal it first)")
        try:
            done: dict[str, Any] = w.host.run("service_set", {"name": service, "running": running})
        except PsFailure as exc:
            raise ValueError(str(exc)) from None
        return done

    def wmi_host(self, name: str, script: str) -> str:
        """The server a host operation runs on: ``app_services`` asks another computer."""
        op, params = parse_script(script)
        if op != "app_services" or not isinstance(params, dict) or not params.get("computer"):
            return name
        computer = str(params["computer"]).split(".", 1)[0]
        try:
            s = self.estate.server(computer)
        except KeyError:
            raise PsFailure(RPC_UNAVAILABLE, "NotSpecified", "COMException") from None
        holder = s.owner if s.virtual else s.name
        if holder not in self._winrm:
            raise PsFailure(RPC_UNAVAILABLE, "NotSpecified", "COMException")
        return holder
