"""The fixes' host operations on a lab server, in process (no supervisor, no sockets):
what each answers, what it changes in the next inventory, that it persists, and the
errors it gives like Windows would."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from core.hosts.inventory_apps import exchange_from_json, sql_from_json
from core.lab.estate import Estate, default_estate_path, load_estate, parse_estate
from core.lab.host_ops import LabHost
from core.lab.host_state import HostState
from core.lab.ps_failure import PsFailure


def lab_host(estate: Estate, name: str, root: Path, **kw: object) -> LabHost:
    s = estate.server(name)
    state = HostState.load(estate, s, root)
    return LabHost(estate, s, root, s.ip, state, **kw)  # type: ignore[arg-type]


@pytest.fixture
def estate() -> Estate:
    return load_estate(net="127.0.57")


def _databases(host: LabHost, server: str) -> dict[str, set[str]]:
    insts = sql_from_json(host.run("sql_inventory", {"server": server}))
    return {i.name: {d.name for d in i.databases} for i in insts}


def test_sql_detach_removes_the_database_and_persists(estate: Estate, tmp_path: Path) -> None:
    h = lab_host(estate, "SQL05B", tmp_path)
    out = h.run("sql_detach", {"instance": "MSSQLSERVER", "database": "wss_content"})
    assert out == {"instance": "MSSQLSERVER", "database": "WSS_Content", "detached": True}
    assert "WSS_Content" not in _databases(h, "SQL05B")["MSSQLSERVER"]
    again = lab_host(estate, "SQL05B", tmp_path)  # a restarted lab reads the state back
    assert "WSS_Content" not in _databases(again, "SQL05B")["MSSQLSERVER"]
    with pytest.raises(PsFailure, match="does not exist"):
        again.run("sql_detach", {"instance": "MSSQLSERVER", "database": "WSS_Content"})
    with pytest.raises(PsFailure, match="is a system database"):
        again.run("sql_detach", {"instance": "MSSQLSERVER", "database": "master"})
    with pytest.raises(PsFailure, match="not accessible"):
        again.run("sql_detach", {"instance": "NOPE", "database": "x"})


def test_sql_detach_of_a_clustered_instance_on_its_owner(estate: Estate, tmp_path: Path) -> None:
    h = lab_host(estate, "SQLNODE1", tmp_path)
    h.run("sql_detach", {"server": "SQLVS1", "instance": "MSSQLSERVER", "database": "Orders"})
    assert "Orders" not in _databases(h, "SQLVS1")["MSSQLSERVER"]


def test_sql_protocols(estate: Estate, tmp_path: Path) -> None:
    h = lab_host(estate, "BES02", tmp_path)
    out = h.run("sql_protocols", {"instance": "BLACKBERRY", "disable": ["np", "sm"]})
    assert out["enabled"] == ["tcp"]
    (inst,) = sql_from_json(h.run("sql_inventory", {"server": "BES02"}))
    assert inst.protocols == ("tcp",)
    h.run("sql_protocols", {"instance": "BLACKBERRY", "enable": ["np"], "restart": True})
    (inst,) = sql_from_json(h.run("sql_inventory", {"server": "BES02"}))
    assert inst.protocols == ("tcp", "np")
    with pytest.raises(PsFailure):
        h.run("sql_protocols", {"instance": "BLACKBERRY", "enable": ["ipx"]})


def test_service_account_back_to_local_system(tmp_path: Path) -> None:
    data = tomllib.loads(default_estate_path().read_text("utf-8"))
    exch02 = next(s for s in data["servers"] if s["name"] == "EXCH02")
    exch02["exchange"]["service_account"] = "LAB\\svc-engine"
    estate = parse_estate(data, net="127.0.57")
    h = lab_host(estate, "EXCH02", tmp_path)
    ex = exchange_from_json(h.run("exchange_inventory", {"server": "EXCH02"}))
    assert ex is not None and ex.service_account == "LAB\\svc-engine"
    assert h.run("service_account", {"name": "AppMgrEngine", "account": "LocalSystem"}) == {
        "name": "AppMgrEngine", "account": "LocalSystem", "restarted": False}
    ex = exchange_from_json(h.run("exchange_inventory", {"server": "EXCH02"}))
    assert ex is not None and ex.service_account == "LocalSystem"
    with pytest.raises(PsFailure, match="only LocalSystem"):
        h.run("service_account", {"name": "AppMgrEngine", "account": "LAB\\other"})
    with pytest.raises(PsFailure, match="Cannot find any service"):
        h.run("service_account", {"name": "NoSuchService", "account": "LocalSystem"})


def test_admin_group_add(estate: Estate, tmp_path: Path) -> None:
    h = lab_host(estate, "FS02", tmp_path)
    assert h.run("admin_group_add", {"user": "bob@lab.example.com"}) == {
        "user": "LAB\\bob", "added": True}
    assert h.run("admin_group_add", {"user": "lab\\BOB"})["added"] is False
    assert "LAB\\bob" in h.run("inventory", {})["admins"]


def test_firewall_port(estate: Estate, tmp_path: Path) -> None:
    h = lab_host(estate, "SQL05A", tmp_path)
    assert h.run("firewall_port", {"port": 6350})["open"] is True
    assert h.run("firewall_port", {"port": 6350, "open": False})["open"] is False
    assert lab_host(estate, "SQL05A", tmp_path).run("firewall_port", {"port": 6350})["open"] \
        is False
    assert h.run("firewall_port", {"port": 6350, "open": True})["open"] is True
    with pytest.raises(PsFailure):
        h.run("firewall_port", {"port": 0})


def test_dns_zone_add_needs_the_dns_server(estate: Estate, tmp_path: Path) -> None:
    with pytest.raises(PsFailure, match="runs no DNS server"):
        lab_host(estate, "FS01", tmp_path).run("dns_zone_add", {"zone": "1.0.10.in-addr.arpa"})
    made: list[str] = []

    def on_zone(z: str) -> bool:
        made.append(z)
        return True

    h = lab_host(estate, "DC01", tmp_path, on_zone=on_zone)
    assert h.run("dns_zone_add", {"zone": "1.0.10.in-addr.arpa.", "secure": True}) == {
        "zone": "1.0.10.in-addr.arpa", "created": True, "secure": True}
    assert made == ["1.0.10.in-addr.arpa"]
