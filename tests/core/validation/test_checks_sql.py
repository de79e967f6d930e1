"""SQL Server checks on the lab estate's SQL servers (pass and fail each, and their fixes)."""

from __future__ import annotations

import dataclasses
from typing import Any

from core.model.apps import SqlDatabase
from core.ports import Credential
from core.validation import Status, fix, validate
from tests.core.doubles import FakeWorld
from tests.core.validation.appworld import (
    app_config,
    applies,
    change,
    change_apps,
    check,
)


def _inst(lab: FakeWorld, server: str, name: str, **fields: Any) -> None:
    insts = tuple(dataclasses.replace(i, **fields) if i.name == name else i
                  for i in lab.hosts[server].server.apps.sql)
    change_apps(lab, server, sql=insts)


# --- sql.named_instances --------------------------------------------------------------------
def test_named_instances_pass_for_sql01_sql02(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL02"), "sql.named_instances")
    assert (res.status, res.reason) == (Status.PASSED, "MSSQLSERVER, INST1 on SQL01 and SQL02")


def test_named_instances_fail_on_sql04(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL04"), "sql.named_instances")
    assert res.status is Status.ERROR and not res.fixable
    assert res.reason.startswith("SQL04 has no instance INST1 (named instance): install")


def test_named_instances_only_for_the_protected_instances(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sql", "SQL01", "SQL04", "connection.databases=MSSQLSERVER/Sales")
    assert check(lab, cfg, "sql.named_instances").status is Status.PASSED


# --- sql.version ----------------------------------------------------------------------------
def test_version_passes_when_identical(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL02"), "sql.version")
    assert res.reason == "both run MSSQLSERVER 2008 SP1 (64 bit), INST1 2008 SP1 (64 bit)"


def test_version_fails_on_sql03(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL03"), "sql.version")
    assert res.status is Status.ERROR
    assert res.reason.startswith("MSSQLSERVER: SQL01 runs 2008 SP1 (64 bit), SQL03 2005 SP2 "
                                 "(64 bit) — source and target must run the same sql version")


def test_version_warns_on_another_service_pack(lab: FakeWorld) -> None:
    _inst(lab, "SQL02", "INST1", service_pack="SP2")
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL02"), "sql.version")
    assert res.status is Status.WARNING
    assert res.reason == ("INST1: SQL01 runs 2008 SP1 (64 bit), SQL02 2008 SP2 (64 bit): use the "
                          "same service pack on both")


def test_version_database_only_allows_a_newer_target_but_warns(lab: FakeWorld) -> None:
    # SQL03 (2005) -> SQL01 (2008): a migration to a newer version in database-only mode
    cfg = app_config(lab, "sql", "SQL03", "SQL01", "connection.sql_mode=database")
    res = check(lab, cfg, "sql.version")
    assert res.status is Status.WARNING and "failback to SQL03 will be refused" in res.reason
    cfg = app_config(lab, "sql", "SQL01", "SQL03", "connection.sql_mode=database")
    assert check(lab, cfg, "sql.version").status is Status.ERROR  # older target: never


# --- sql.sysadmin ---------------------------------------------------------------------------
def test_sysadmin_passes_for_the_lab_admin(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL02"), "sql.sysadmin")
    assert res.status is Status.PASSED


def test_sysadmin_fails_for_another_account(lab: FakeWorld) -> None:
    lab.secrets.put("server", "SQL02", Credential("LAB\\bob", "pw"))
    _inst(lab, "SQL02", "MSSQLSERVER", sysadmins=("sa", "LAB\\Administrator"))
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL02"), "sql.sysadmin")
    assert (res.status, res.reason) == (
        Status.ERROR, "LAB\\bob is not in the sysadmin role of SQL02\\MSSQLSERVER")


def test_sysadmin_accepts_builtin_administrators_and_warns_when_unknown(lab: FakeWorld) -> None:
    lab.secrets.put("server", "SQL02", Credential("LAB\\bob", "pw"))
    _inst(lab, "SQL02", "INST1", sysadmins=())
    cfg = app_config(lab, "sql", "SQL01", "SQL02")
    res = check(lab, cfg, "sql.sysadmin")
    assert res.status is Status.WARNING
    assert res.reason == "could not check: SQL02\\INST1 did not list its sysadmins"


# --- sql.express_protocols ------------------------------------------------------------------
def test_express_protocols_pass_on_bes(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "blackberry", "BES01", "BES02"), "sql.express_protocols")
    assert res.reason == "TCP/IP and Named Pipes are enabled for BLACKBERRY on both"
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL02"), "sql.express_protocols")
    assert res.reason == "no SQL Express instance is protected"


def test_express_protocols_fail_and_fix_enables_them(lab: FakeWorld) -> None:
    _inst(lab, "BES02", "BLACKBERRY", protocols=("sm",))
    cfg = app_config(lab, "blackberry", "BES01", "BES02")
    res = check(lab, cfg, "sql.express_protocols")
    assert res.status is Status.ERROR and res.fixable
    assert res.reason.startswith("TCP/IP and Named Pipes disabled on BES02\\BLACKBERRY")
    out = fix(lab.ctx, cfg, "sql.express_protocols")
    assert out.result.status is Status.PASSED
    assert ("run_op", "sql_protocols", {"instance": "BLACKBERRY", "enable": ["tcp", "np"],
                                        "restart": True}) in lab.hosts["BES02"].calls


# --- sql.same_domain ------------------------------------------------------------------------
def test_same_domain(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sql", "SQL01", "SQL02")
    assert check(lab, cfg, "sql.same_domain").reason == "both are in lab.example.com"
    change(lab, "SQL02", domain="emea.lab.example.com")
    res = check(lab, cfg, "sql.same_domain")
    assert res.status is Status.WARNING and "same domain account" in res.reason


# --- sql.target_db_offline ------------------------------------------------------------------
def test_target_db_offline_applies_to_database_only_modes(lab: FakeWorld) -> None:
    assert not applies(lab, app_config(lab, "sql", "SQL05A", "SQL05B"), "sql.target_db_offline")
    cfg = app_config(lab, "sql", "SQL01", "SQL02", "connection.sql_mode=database")
    assert applies(lab, cfg, "sql.target_db_offline")
    res = check(lab, cfg, "sql.target_db_offline")
    assert res.status is Status.PASSED and "online on SQL02" in res.reason


def test_target_db_offline_fails_and_fix_detaches(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sql", "SQL05A", "SQL05B", "connection.sql_mode=database",
                     "connection.databases=MSSQLSERVER/WSS_Content,MSSQLSERVER/SharePoint_Config")
    res = check(lab, cfg, "sql.target_db_offline")
    assert res.status is Status.ERROR and res.fixable
    assert res.reason.startswith("WSS_Content (MSSQLSERVER), SharePoint_Config (MSSQLSERVER) "
                                 "are online on SQL05B")
    out = fix(lab.ctx, cfg, "sql.target_db_offline")
    assert out.result.status is Status.PASSED
    detached = [c[2]["database"] for c in lab.hosts["SQL05B"].calls if c[:2] == ("run_op", "sql_detach")]
    assert detached == ["WSS_Content", "SharePoint_Config"]
    assert not any(c[:2] == ("run_op", "sql_detach") for c in lab.hosts["SQL05A"].calls)


def test_an_offline_target_database_passes(lab: FakeWorld) -> None:
    insts = lab.hosts["SQL05B"].server.apps.sql
    dbs = tuple(dataclasses.replace(d, state="offline") if d.name == "WSS_Content" else d
                for d in insts[0].databases)
    change_apps(lab, "SQL05B", sql=(dataclasses.replace(insts[0], databases=dbs),))
    cfg = app_config(lab, "sql", "SQL05A", "SQL05B", "connection.sql_mode=database",
                     "connection.databases=MSSQLSERVER/WSS_Content")
    assert check(lab, cfg, "sql.target_db_offline").status is Status.PASSED
    assert isinstance(dbs[0], SqlDatabase)


def test_sql_pairs_of_the_estate(lab: FakeWorld) -> None:
    """The lab's SQL faults each fail exactly their check (plus the lab's 1200 s TTL)."""
    def findings(src: str, tgt: str) -> set[str]:
        rep = validate(lab.ctx, app_config(lab, "sql", src, tgt))
        return {r.id for r in rep.results if r.status is Status.ERROR}
    assert findings("SQL01", "SQL02") == set()
    assert findings("SQL01", "SQL03") == {"sql.version"}
    # SQL04 lacks the instance: named_instances says so (its services are not repeated)
    assert findings("SQL01", "SQL04") == {"sql.named_instances"}
