"""The lab's part of application monitoring: where app_services runs, and the fault."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.hosts.ops import render_script
from core.lab.estate import Estate, load_estate
from core.lab.host_ops import LabHost
from core.lab.host_state import HostState
from core.lab.ps_failure import PsFailure
from core.lab.supervisor_services import RPC_UNAVAILABLE, LabServices


@dataclass
class _Endpoint:
    host: LabHost


@dataclass
class _Supervisor(LabServices):
    estate: Estate
    _winrm: dict[str, Any] = field(default_factory=dict)


def _lab(tmp_path: Path) -> _Supervisor:
    estate = load_estate(net="127.0.94")
    sup = _Supervisor(estate)
    for name in ("SQL01", "SQL02"):
        s = estate.server(name)
        sup._winrm[name] = _Endpoint(LabHost(estate, s, tmp_path, s.ip,
                                             HostState.load(estate, s, tmp_path)))
    return sup


def test_app_services_runs_on_the_computer_asked_and_sees_the_fault(tmp_path: Path) -> None:
    sup = _lab(tmp_path)
    script = render_script("app_services", {"computer": "sql01.lab.example.com",
                                            "names": ["MSSQLSERVER", "SQLSERVERAGENT"]})
    assert sup.wmi_host("SQL02", script) == "SQL01"  # like Get-WmiObject -ComputerName
    host = sup._winrm["SQL01"].host
    ask = {"names": ["mssqlserver"]}
    assert host.op_app_services(ask)["services"] == [{"name": "MSSQLSERVER", "state": "Running"}]
    assert sup.set_service("SQL01", "MSSQLSERVER", False) == {"name": "MSSQLSERVER",
                                                              "state": "Stopped"}
    assert host.op_app_services(ask)["services"] == [{"name": "MSSQLSERVER", "state": "Stopped"}]
    assert sup.wmi_host("SQL02", render_script("inventory", {})) == "SQL02"  # others stay


def test_a_source_that_does_not_answer_is_an_rpc_failure(tmp_path: Path) -> None:
    sup = _lab(tmp_path)
    del sup._winrm["SQL01"]  # `lab fail SQL01`
    script = render_script("app_services", {"computer": "SQL01", "names": ["MSSQLSERVER"]})
    with pytest.raises(PsFailure, match="RPC server is unavailable"):
        sup.wmi_host("SQL02", script)
    with pytest.raises(ValueError, match="not answering"):
        sup.set_service("SQL01", "MSSQLSERVER", False)
    assert "0x800706BA" in RPC_UNAVAILABLE
