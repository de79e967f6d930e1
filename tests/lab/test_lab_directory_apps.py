"""The lab directory seen with plain ldap3 searches, as a query written for a real AD sees it."""

from __future__ import annotations

import pytest
from ldap3 import BASE, LEVEL, SUBTREE, Connection

from core.lab.directory import lab_connection, lab_directory
from core.lab.estate import Estate, load_estate

BASE_DN = "DC=lab,DC=example,DC=com"
CONFIG = f"CN=Configuration,{BASE_DN}"
ORG = f"CN=LAB,CN=Microsoft Exchange,CN=Services,{CONFIG}"
AG_2007 = f"CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,{ORG}"


@pytest.fixture(scope="module")
def estate() -> Estate:
    return load_estate(net="127.0.44")


@pytest.fixture(scope="module")
def conn(estate: Estate) -> Connection:
    return lab_connection(estate)


def search(conn: Connection, base: str, flt: str, attrs: list[str],
           scope: str = SUBTREE) -> dict[str, dict[str, list[str]]]:
    conn.search(base, flt, scope, attributes=attrs)  # False when nothing matches
    assert conn.result["result"] == 0, conn.result
    return {e["dn"]: {k: [str(x) for x in (v if isinstance(v, list) else [v])]
                      for k, v in e["attributes"].items()}
            for e in conn.response if e["type"] == "searchResEntry"}


def _names(found: dict[str, dict[str, list[str]]]) -> set[str]:
    return {dn.split(",", 1)[0][3:] for dn in found}


def test_every_server_is_a_computer_with_its_os(conn: Connection, estate: Estate) -> None:
    found = search(conn, BASE_DN, "(objectClass=computer)",
                   ["operatingSystem", "operatingSystemVersion", "dNSHostName"])
    assert _names(found) == {s.name for s in estate.servers}
    exnode = found[f"CN=EXNODE1,CN=Computers,{BASE_DN}"]
    assert exnode["operatingSystem"] == ["Windows Server 2003 Enterprise Edition"]
    assert exnode["operatingSystemVersion"] == ["5.2 (3790)"]
    assert f"CN=DC02,OU=Domain Controllers,{BASE_DN}" in found
    # cluster network names carry no operating system, as on AD
    assert found[f"CN=EVS1,CN=Computers,{BASE_DN}"]["operatingSystem"] == []
    assert found[f"CN=SQLCLUS,CN=Computers,{BASE_DN}"]["dNSHostName"] == \
        ["sqlclus.lab.example.com"]


def test_sql_servers_register_port_and_instance_spns(conn: Connection) -> None:
    found = search(conn, BASE_DN, "(&(objectClass=computer)(servicePrincipalName=MSSQLSvc/*))",
                   ["servicePrincipalName"])
    # SQL04's SQL Server runs as the domain user svc-sql04: its SPNs are on that user
    assert _names(found) == {"SQL01", "SQL02", "SQL03", "SQL05A", "SQL05B", "BES01",
                             "BES02", "SQLVS1", "SQLVS2"}
    sql01 = set(found[f"CN=SQL01,CN=Computers,{BASE_DN}"]["servicePrincipalName"])
    assert {"MSSQLSvc/sql01.lab.example.com:1433", "MSSQLSvc/sql01.lab.example.com",
            "MSSQLSvc/sql01.lab.example.com:49152", "MSSQLSvc/sql01.lab.example.com:INST1"} <= sql01
    users = search(conn, BASE_DN, "(&(objectClass=user)(!(objectClass=computer))"
                   "(servicePrincipalName=MSSQLSvc/*))", ["servicePrincipalName"])
    assert _names(users) == {"svc-sql04"}
    sql04 = set(users[f"CN=svc-sql04,CN=Users,{BASE_DN}"]["servicePrincipalName"])
    assert "MSSQLSvc/sql04.lab.example.com:1433" in sql04
    assert not any(spn.endswith(":INST1") for spn in sql04)
    bes = set(found[f"CN=BES01,CN=Computers,{BASE_DN}"]["servicePrincipalName"])
    assert "MSSQLSvc/bes01.lab.example.com:BLACKBERRY" in bes


def test_sql_discovery_joins_the_service_accounts_spns_to_the_host(estate: Estate) -> None:
    found = {c.name: c for c in lab_directory(estate).sql_servers()}
    assert "SVC-SQL04" not in found
    assert found["SQL04"].sql_accounts == ("svc-sql04",)
    assert found["SQL04"].operating_system == "Windows Server 2008 Enterprise"  # joined
    assert found["SQL01"].sql_instances == ("MSSQLSERVER", "INST1")
    assert found["SQL01"].sql_accounts == ("SQL01$",)


def test_cluster_names_and_nodes_by_their_spns(conn: Connection) -> None:
    virtual = search(conn, BASE_DN, "(servicePrincipalName=MSClusterVirtualServer/*)", ["cn"])
    assert _names(virtual) == {"EVS1", "EXCLUS", "EXCLUS2", "SQLVS1", "SQLCLUS", "SQLVS2",
                               "SQLCLUS2"}
    nodes = search(conn, BASE_DN, "(servicePrincipalName=MSServerClusterMgmtAPI/*)", ["cn"])
    assert _names(nodes) == {"EXNODE1", "EXNODE2", "EXNODE3", "EXNODE4", "SQLNODE1",
                             "SQLNODE2", "SQLNODE3", "SQLNODE4"}
    d = lab_directory(load_estate(net="127.0.44"))
    listed = {c.name: c for c in d.servers()}
    assert listed["EVS1"].is_cluster_virtual and listed["SQLNODE2"].is_cluster_node


def test_exchange_servers_in_the_configuration_nc(conn: Connection) -> None:
    found = search(conn, CONFIG, "(objectClass=msExchExchangeServer)",
                   ["networkAddress", "serialNumber", "msExchCurrentServerRoles"])
    assert _names(found) == {"EXCH01", "EXCH02", "EXCH03", "DC02", "EVS1"}
    exch01 = found[f"CN=EXCH01,CN=Servers,{AG_2007}"]
    assert "ncacn_ip_tcp:exch01.lab.example.com" in exch01["networkAddress"]
    assert exch01["serialNumber"] == ["Version 8.1 (Build 30240.6)"]
    assert exch01["msExchCurrentServerRoles"] == ["38"]  # mailbox + client access + hub
    evs = found[f"CN=EVS1,CN=Servers,CN=First Administrative Group,CN=Administrative Groups,{ORG}"]
    assert evs["serialNumber"][0].startswith("Version 6.5 ")
    assert set(search(conn, f"CN=Servers,{AG_2007}", "(objectClass=msExchExchangeServer)",
                      ["cn"], LEVEL)) == \
        {f"CN={n},CN=Servers,{AG_2007}" for n in ("EXCH01", "EXCH02", "EXCH03", "DC02")}
    org = search(conn, ORG, "(objectClass=msExchOrganizationContainer)", ["cn"], BASE)
    assert list(org) == [ORG]
    # nothing Exchange-shaped outside the configuration NC
    assert not search(conn, f"CN=Computers,{BASE_DN}", "(objectClass=msExchExchangeServer)",
                      ["cn"])


def test_group_memberships_both_ways(conn: Connection) -> None:
    groups = search(conn, BASE_DN, "(objectClass=group)", ["member", "sAMAccountName"])
    exch = groups[f"CN=Exchange Servers,CN=Users,{BASE_DN}"]
    assert {m.split(",", 1)[0] for m in exch["member"]} == \
        {"CN=EXCH01", "CN=EXCH02", "CN=EXCH03", "CN=DC02"}
    assert f"CN=Domain Admins,CN=Users,{BASE_DN}" in groups
    evs = search(conn, BASE_DN, "(sAMAccountName=EVS1$)", ["memberOf"])
    assert list(evs.values())[0]["memberOf"] == \
        [f"CN=Exchange Domain Servers,CN=Users,{BASE_DN}"]
