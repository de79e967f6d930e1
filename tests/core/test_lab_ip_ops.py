"""The lab's ip_add / ip_remove: the supervisor's hook binds, the addresses are kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.errors import Refused
from core.lab.estate import LabServer, load_estate
from core.lab.ip_ops import IpHook, IpOps, taken_ips
from core.lab.ps_failure import PsFailure


@dataclass
class _Host(IpOps):
    server: LabServer
    lab_root: Path
    on_ip: IpHook | None = None
    calls: list[tuple[str, bool]] = field(default_factory=list)


def test_an_address_is_taken_once_kept_and_given_back(tmp_path: Path) -> None:
    host = _Host(load_estate(net="127.0.79").server("FS02"), tmp_path)
    host.on_ip = lambda ip, add: host.calls.append((ip, add))
    assert host.op_ip_add({"ip": "127.0.79.11", "prefix": 24, "nic": ""})["added"] is True
    assert host.op_ip_add({"ip": "127.0.79.11"})["added"] is False  # held already
    assert host.op_ip_add({"ip": "127.0.79.12"})["added"] is False  # its own
    assert taken_ips(tmp_path, "FS02") == ["127.0.79.11"]  # what a restarted lab reads
    assert host.op_ip_remove({"ip": "127.0.79.11"})["removed"] is True
    assert host.calls == [("127.0.79.11", True), ("127.0.79.11", False)]
    with pytest.raises(PsFailure, match="not assigned"):
        host.op_ip_remove({"ip": "127.0.79.11"})


def test_an_address_in_use_is_refused_like_a_duplicate_and_not_kept(tmp_path: Path) -> None:
    def in_use(ip: str, add: bool) -> None:
        raise Refused("FS01 answers on it")

    host = _Host(load_estate(net="127.0.79").server("FS02"), tmp_path, in_use)
    with pytest.raises(PsFailure, match="already in use"):
        host.op_ip_add({"ip": "127.0.79.11"})
    assert taken_ips(tmp_path, "FS02") == []
    with pytest.raises(PsFailure):
        host.op_ip_add({"ip": "not an address"})
