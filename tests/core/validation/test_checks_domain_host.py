"""Forest, domain topology, application versions, program files, the admin host, the DNS
zone's update policy and the fixes that create a reverse zone or join the admin group."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from core.ports import Credential, RootDse
from core.validation import Status, fix
from core.validation.admin_host import AdminHost, hosts_entries
from tests.core.doubles import FakeDirectory, FakeWorld
from tests.core.validation.appworld import (
    ADMIN_HOST,
    app_config,
    change,
    change_apps,
    check,
    secure_dns,
)
from tests.present import present


class ForestDirectory(FakeDirectory):
    def root_dse(self) -> RootDse:
        return RootDse("DC=emea,DC=lab,DC=example,DC=com", "CN=Configuration,DC=lab,DC=example,DC=com",
                       "DC=lab,DC=example,DC=com", "lab.example.com")


# --- directory.forest / app.domain_topology ---------------------------------------------------
def test_forest_passes_in_one_domain(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "fileprint", "FS01", "FS02"), "directory.forest")
    assert res.status is Status.PASSED and "forest of lab.example.com" in res.reason


def test_forest_fails_for_a_server_of_another_forest(lab: FakeWorld) -> None:
    change(lab, "FS02", domain="corp.example.net")
    res = check(lab, app_config(lab, "fileprint", "FS01", "FS02"), "directory.forest")
    assert res.status is Status.ERROR
    assert res.reason.startswith("FS02 is in corp.example.net, outside the forest of "
                                 "lab.example.com")


def test_domain_topology_flat_passes(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sharepoint", "SQL05A", "SQL05B"), "app.domain_topology")
    assert (res.status, res.reason) == (Status.PASSED,
                                        "flat (single forest): lab.example.com")


def test_domain_topology_sharepoint_needs_a_flat_domain(lab: FakeWorld) -> None:
    change(lab, "SQL05B", domain="emea.lab.example.com")
    res = check(lab, app_config(lab, "sharepoint", "SQL05A", "SQL05B"), "app.domain_topology")
    assert res.status is Status.ERROR and "flat domain only" in res.reason


def test_domain_topology_file_server_parent_child_fails(lab: FakeWorld) -> None:
    change(lab, "FS02", domain="emea.lab.example.com")
    res = check(lab, app_config(lab, "fileprint", "FS01", "FS02"), "app.domain_topology")
    assert res.status is Status.ERROR
    assert res.reason == "fileprint 2008 does not support a parent/child domain topology"


def test_domain_topology_file_server_child_needs_its_own_dns(lab: FakeWorld) -> None:
    for name in ("FS01", "FS02"):
        change(lab, name, domain="emea.lab.example.com")
    cfg = app_config(lab, "fileprint", "FS01", "FS02")
    res = check(lab, cfg, "app.domain_topology")  # fs01's record sits in the parent's zone
    assert res.status is Status.ERROR
    assert "needs a DNS server in the child domain" in res.reason
    lab.dns["127.0.10.1"].zones["emea.lab.example.com."] = {}
    change(lab, "FS01", fqdn="fs01.emea.lab.example.com")
    res = check(lab, cfg, "app.domain_topology")
    assert res.status is Status.PASSED and res.reason.startswith("child/child")


def test_domain_topology_exchange_child_is_fine(lab: FakeWorld) -> None:
    lab.ctx.directory = lambda: ForestDirectory([])
    change(lab, "EXCH02", domain="emea.lab.example.com")
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "app.domain_topology")
    assert res.status is Status.PASSED and res.reason.startswith("parent/child")


# --- app.version / app.shared_machine ------------------------------------------------------
def test_app_version_passes_for_the_lab_pairs(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "app.version")
    assert (res.status, res.reason) == (Status.PASSED, "Exchange EXCH01 2007, EXCH02 2007")
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL02"), "app.version")
    assert res.reason.startswith("SQL Server SQL01\\MSSQLSERVER 2008, SQL01\\INST1 2008")


def test_app_version_fails_for_different_exchange_versions(lab: FakeWorld) -> None:
    ex = dataclasses.replace(present(lab.hosts["EXCH02"].server.apps.exchange), version="2003")
    change_apps(lab, "EXCH02", exchange=ex)
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "app.version")
    assert res.status is Status.ERROR
    assert "EXCH02: exchange 2003 is not supported on Windows Server 2008" in res.reason


def test_app_version_fails_for_an_unknown_version(lab: FakeWorld) -> None:
    bes = dataclasses.replace(present(lab.hosts["BES02"].server.apps.blackberry), version="5.0.1")
    change_apps(lab, "BES02", blackberry=bes)
    res = check(lab, app_config(lab, "blackberry", "BES01", "BES02"), "app.version")
    assert res.status is Status.ERROR and "blackberry 5.0.1 is not supported" in res.reason


def test_shared_machine(lab: FakeWorld) -> None:
    cfg = app_config(lab, "blackberry", "BES01", "BES02")
    assert check(lab, cfg, "app.shared_machine").status is Status.PASSED
    change_apps(lab, "BES02", exchange=lab.servers["EXCH02"].apps.exchange)
    res = check(lab, cfg, "app.shared_machine")
    assert res.status is Status.ERROR and "BES02 runs blackberry and exchange" in res.reason


# --- servers.program_files ------------------------------------------------------------------
def test_program_files_pass_and_fail(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EXCH01", "EXCH02")
    res = check(lab, cfg, "servers.program_files")
    assert res.reason == "Exchange in C:\\Program Files\\Microsoft\\Exchange Server on both"
    ex = dataclasses.replace(present(lab.hosts["EXCH02"].server.apps.exchange),
                             program_path="D:\\Exchange Server")
    change_apps(lab, "EXCH02", exchange=ex)
    res = check(lab, cfg, "servers.program_files")
    assert res.status is Status.ERROR
    assert res.reason.startswith("Exchange: EXCH01 C:\\Program Files\\Microsoft\\Exchange Server, "
                                 "EXCH02 D:\\Exchange Server")


# --- servers.console_not_dc / dns.hosts_file -----------------------------------------------
def test_console_not_dc(lab: FakeWorld) -> None:
    cfg = app_config(lab, "fileprint", "FS01", "FS02")
    res = check(lab, cfg, "servers.console_not_dc")
    assert (res.status, res.reason) == (Status.PASSED,
                                        "ADMIN01 is not a domain controller (DC01, DC02)")
    res = check(lab, cfg, "servers.console_not_dc", admin=AdminHost("DC01", (), Path("/x")))
    assert res.status is Status.ERROR and "this admin host DC01 is the domain controller" in res.reason
    res = check(lab, cfg, "servers.console_not_dc",
                admin=AdminHost("ADM", ("127.0.10.2",), Path("/x")))
    assert res.status is Status.ERROR and res.reason.startswith("this admin host (127.0.10.2) is "
                                                                "the domain controller DC02")


def test_hosts_file(lab: FakeWorld, tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n# 127.0.10.11 fs01\n127.0.10.11  FS01.lab.example.com fs01 # pinned\n")
    cfg = app_config(lab, "fileprint", "FS01", "FS02")
    res = check(lab, cfg, "dns.hosts_file", admin=AdminHost("ADM", (), hosts))
    assert res.status is Status.WARNING
    assert "line 3: 127.0.10.11 FS01.lab.example.com; line 3: 127.0.10.11 fs01" in res.reason
    res = check(lab, app_config(lab, "fileprint", "FS02", "FS01"), "dns.hosts_file",
                admin=AdminHost("ADM", (), hosts))
    assert res.status is Status.PASSED
    assert hosts_entries(tmp_path / "missing", {"fs01"}) == []


# --- dns.secure_updates ---------------------------------------------------------------------
def test_secure_updates(lab: FakeWorld) -> None:
    cfg = app_config(lab, "fileprint", "FS01", "FS02")
    res = check(lab, cfg, "dns.secure_updates")
    assert res.status is Status.WARNING
    assert res.reason.startswith("lab.example.com on 127.0.10.1 accepts unsigned dynamic updates")
    secure_dns(lab)
    res = check(lab, cfg, "dns.secure_updates")
    assert res.status is Status.PASSED and "refuses unsigned updates" in res.reason


# --- dns.reverse_zone Fix -------------------------------------------------------------------
def test_fix_creates_the_missing_reverse_zone_on_the_dns_server(lab: FakeWorld) -> None:
    fake = lab.dns["127.0.10.1"]
    rev = fake.zones.pop("10.0.127.in-addr.arpa.")
    fake.zones["0.127.in-addr.arpa."] = rev  # the DNS server's own PTR still answers
    del fake.zones["0.127.in-addr.arpa."]
    fake.zones["1.10.0.127.in-addr.arpa."] = {
        ("1.10.0.127.in-addr.arpa.", "PTR"): dataclasses.replace(
            rev[("1.10.0.127.in-addr.arpa.", "PTR")])}
    cfg = app_config(lab, "fileprint", "FS01", "FS02")
    res = check(lab, cfg, "dns.reverse_zone")
    assert res.status is Status.ERROR and res.fixable
    out = fix(lab.ctx, cfg, "dns.reverse_zone")
    assert ("run_op", "dns_zone_add", {"zone": "10.0.127.in-addr.arpa", "secure": True}) \
        in lab.hosts["DC01"].calls
    assert out.result.status is Status.PASSED


# --- servers.admin_group Fix ---------------------------------------------------------------
def test_fix_adds_the_account_to_the_admin_group(lab: FakeWorld) -> None:
    lab.secrets.put("server", "FS02", Credential("LAB\\bob", "pw"))
    cfg = app_config(lab, "fileprint", "FS01", "FS02")
    res = check(lab, cfg, "servers.admin_group")
    assert res.status is Status.ERROR and res.fixable
    out = fix(lab.ctx, cfg, "servers.admin_group")
    assert out.result.status is Status.PASSED
    assert ("run_op", "admin_group_add", {"user": "LAB\\bob"}) in lab.hosts["FS02"].calls
    assert ADMIN_HOST.name == "ADMIN01"
