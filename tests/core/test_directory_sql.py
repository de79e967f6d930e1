"""SQL discovery over a mock AD: MSSQLSvc SPNs on computers, users and gMSAs.

The DIT holds what a real domain holds (the peer tests prove the same against Samba):
a SQL computer with its own SPNs, a host whose SPNs sit on a user service account,
one whose SPNs sit on a gMSA (a subclass of computer), a host with three named
instances, a disabled computer, a host without dNSHostName and a stale SPN naming a
host that has no computer object.
"""

from __future__ import annotations

import pytest
from ldap3 import MOCK_SYNC, OFFLINE_AD_2012_R2, Connection, Server

from core.apps.common import discover_by
from core.directory.ldap_directory import SQL_FILTER, LdapDirectory
from core.directory.sql_spns import NO_COMPUTER_NOTE, SqlSpn, parse_sql_spn
from core.ports import DirectoryComputer, RootDse

BASE = "DC=corp,DC=example,DC=com"
DOM = "corp.example.com"
PC = ["top", "person", "organizationalPerson", "user", "computer"]
USER = ["top", "person", "organizationalPerson", "user"]
GMSA = [*PC, "msDS-GroupManagedServiceAccount"]


def _computer(add, name: str, *spns: str, uac: int = 4096, dns: bool = True,
              os: str = "Windows Server 2019 Datacenter") -> None:
    attrs = {"objectClass": PC, "sAMAccountName": f"{name}$", "operatingSystem": os,
             "operatingSystemVersion": "10.0 (17763)", "userAccountControl": str(uac),
             "servicePrincipalName": [f"HOST/{name}", *spns]}
    if dns:
        attrs["dNSHostName"] = f"{name.lower()}.{DOM}"
    assert add(f"CN={name},CN=Computers,{BASE}", attrs)


def _fq(name: str) -> str:
    return f"{name.lower()}.{DOM}"


@pytest.fixture(scope="module")
def directory() -> LdapDirectory:
    server = Server("dc1.corp.example.com", get_info=OFFLINE_AD_2012_R2)
    conn = Connection(server, client_strategy=MOCK_SYNC)
    conn.bind()
    add = conn.strategy.add_entry
    add(BASE, {"objectClass": ["top", "domain", "domainDNS"]})
    add(f"CN=Computers,{BASE}", {"objectClass": ["top", "container"]})
    add(f"CN=Users,{BASE}", {"objectClass": ["top", "container"]})
    add(f"CN=Managed Service Accounts,{BASE}", {"objectClass": ["top", "container"]})
    _computer(add, "SQL01", f"MSSQLSvc/{_fq('SQL01')}:1433", f"MSSQLSvc/{_fq('SQL01')}")
    _computer(add, "SQLSVC1")  # its SPNs are on svc-sql
    _computer(add, "SQLGMSA1")  # its SPNs are on the gMSA
    _computer(add, "SQLMULTI")  # three named instances, registered by itself below
    _computer(add, "SQLOLD", f"MSSQLSvc/{_fq('SQLOLD')}:1433", uac=4098)  # disabled
    _computer(add, "SQLNODNS", dns=False)
    _computer(add, "FS01")  # no SQL at all
    multi = _fq("SQLMULTI")
    conn.modify(f"CN=SQLMULTI,CN=Computers,{BASE}", {"servicePrincipalName": [("MODIFY_ADD", [
        f"MSSQLSvc/{multi}:SALES", f"MSSQLSvc/{multi}:49801", f"MSSQLSvc/{multi}:HR",
        f"MSSQLSvc/{multi}:49802", f"MSSQLSvc/{multi}:FINANCE", f"MSSQLSvc/{multi}:49803"])]})
    assert add(f"CN=svc-sql,CN=Users,{BASE}", {
        "objectClass": USER, "sAMAccountName": "svc-sql", "userAccountControl": "66048",
        "servicePrincipalName": [f"MSSQLSvc/{_fq('SQLSVC1')}:1433",
                                 f"MSSQLSvc/{_fq('SQLSVC1')}",
                                 f"MSSQLSvc/{_fq('SQLNODNS')}:1433",  # joined by name
                                 f"MSSQLSvc/{_fq('GONE01')}:1433"]})  # a stale SPN
    assert add(f"CN=gmsa-sql,CN=Managed Service Accounts,{BASE}", {
        "objectClass": GMSA, "sAMAccountName": "gmsa-sql$", "userAccountControl": "4096",
        "dNSHostName": f"gmsa-sql.{DOM}",
        "servicePrincipalName": [f"MSSQLSvc/{_fq('SQLGMSA1')}:1433",
                                 f"MSSQLSvc/{_fq('SQLGMSA1')}:REPORTS"]})
    return LdapDirectory(conn, page_size=2, root_dse=RootDse(BASE, f"CN=Configuration,{BASE}",
                                                              BASE, DOM))


@pytest.mark.parametrize(("spn", "parsed"), [
    ("MSSQLSvc/sql01.corp.example.com:1433", SqlSpn("sql01.corp.example.com", port=1433)),
    ("MSSQLSvc/SQL01.corp.example.com", SqlSpn("sql01.corp.example.com", "MSSQLSERVER")),
    ("mssqlsvc/sql01:Sales", SqlSpn("sql01", "SALES")),
    ("HOST/sql01", None),
    ("MSSQLSvc/", None),
])
def test_an_mssqlsvc_spn_names_host_and_instance_or_port(spn: str, parsed: SqlSpn | None) -> None:
    assert parse_sql_spn(spn) == parsed


def _by_name(found: list[DirectoryComputer]) -> dict[str, DirectoryComputer]:
    return {c.name: c for c in found}


def test_the_search_takes_every_object_class(directory: LdapDirectory) -> None:
    assert SQL_FILTER == "(servicePrincipalName=MSSQLSvc/*)"
    found = _by_name(directory.sql_servers())
    assert set(found) == {"SQL01", "SQLSVC1", "SQLGMSA1", "SQLMULTI", "SQLOLD", "SQLNODNS",
                          "GONE01"}
    # the accounts carry SPNs but are never a server
    assert not {"SVC-SQL", "GMSA-SQL"} & set(found)
    assert directory.last_pages > 1  # paged (page size 2)


def test_each_host_shows_its_instances_and_the_account(directory: LdapDirectory) -> None:
    found = _by_name(directory.sql_servers())
    assert found["SQL01"].sql_instances == ("MSSQLSERVER",)
    assert found["SQL01"].sql_ports == (1433,)
    assert found["SQL01"].sql_accounts == ("SQL01$",)
    assert found["SQLSVC1"].sql_accounts == ("svc-sql",)
    assert found["SQLSVC1"].operating_system.startswith("Windows Server")  # joined
    assert found["SQLGMSA1"].sql_accounts == ("gmsa-sql$",)
    assert found["SQLGMSA1"].sql_instances == ("REPORTS",)
    assert found["SQLGMSA1"].dn == f"CN=SQLGMSA1,CN=Computers,{BASE}"
    assert found["SQLMULTI"].sql_instances == ("FINANCE", "HR", "SALES")
    assert found["SQLMULTI"].sql_ports == (49801, 49802, 49803)


def test_spn_fqdn_stands_in_for_a_missing_dns_host_name(directory: LdapDirectory) -> None:
    c = _by_name(directory.sql_servers())["SQLNODNS"]
    assert c.dn == f"CN=SQLNODNS,CN=Computers,{BASE}"  # joined by name
    assert c.dns_host_name == _fq("SQLNODNS")


def test_a_host_without_computer_object_says_so(directory: LdapDirectory) -> None:
    c = _by_name(directory.sql_servers())["GONE01"]
    assert (c.dn, c.dns_host_name, c.note) == ("", _fq("GONE01"), NO_COMPUTER_NOTE)


def test_disabled_computers_are_marked_and_hidden_unless_asked(directory: LdapDirectory) -> None:
    assert _by_name(directory.sql_servers())["SQLOLD"].disabled
    assert not _by_name(directory.sql_servers())["SQL01"].disabled
    shown = [c.name for c in discover_by(directory, "sql_servers")]
    assert "SQLOLD" not in shown and "SQL01" in shown
    every = discover_by(directory, "sql_servers", include_disabled=True)
    assert [c.name for c in every if c.disabled] == ["SQLOLD"]
    assert [c.name for c in every] == sorted(c.name for c in every)
