"""The SQL Server application: instances and databases, modes, rules, services."""

from __future__ import annotations

import pytest

from core.apps import apply_selection, get_app
from core.config import apply_assignments, config_problems, default_config
from core.errors import InvalidInput
from core.model.config import ServiceItem
from core.model.rules import Rule
from tests.core.apps.app_estate import app_servers

APP = get_app("sql")
S = app_servers()
PROG = "C:\\Program Files\\Microsoft SQL Server\\MSSQL10.MSSQLSERVER\\MSSQL"


def _cfg(*sets: str):  # noqa: ANN202
    cfg = default_config("sql", S["SQL01"], S["SQL02"], dns_ttl=300)
    return apply_assignments(cfg, list(sets))


def test_tree_lists_instances_and_databases_with_system_ones_locked_but_tempdb() -> None:
    tree = APP.protected_items(S["SQL01"])
    insts = [n for n in tree.children if n.kind == "instance"]
    assert [n.key for n in insts] == ["instance:MSSQLSERVER", "instance:INST1"]
    dbs = {n.key: n for n in insts[0].children}
    assert all(n.selected for n in dbs.values())  # everything selected by default
    assert [k for k, n in dbs.items() if n.locked] == [
        "db:MSSQLSERVER/master", "db:MSSQLSERVER/model", "db:MSSQLSERVER/msdb"]
    assert dbs["db:MSSQLSERVER/sales"].path == "E:\\SQLData\\MSSQLSERVER"


def test_instance_mode_rules_keep_binn_out_and_exclude_deselected_databases() -> None:
    cfg = apply_selection(_cfg(), ["db:MSSQLSERVER/sales"], S["SQL01"])
    assert cfg.connection.databases == ["MSSQLSERVER/sales", "MSSQLSERVER/master",
                                        "MSSQLSERVER/model", "MSSQLSERVER/msdb"]
    rules = APP.generate_rules(cfg, S["SQL01"])
    assert rules[:2] == [Rule(PROG), Rule(PROG + "\\Binn", include=False)]
    assert Rule("E:\\SQLData\\MSSQLSERVER\\sales.mdf", True, False) in rules
    assert Rule(f"{PROG}\\DATA\\tempdb.mdf", False, False) in rules  # deselected
    assert not any("INST1" in r.path or "hr" in r.path for r in rules if r.include)


def test_database_only_mode_replicates_only_the_database_files() -> None:
    cfg = _cfg("connection.sql_mode=database", "connection.databases=MSSQLSERVER/sales")
    assert cfg.connection.databases == ["MSSQLSERVER/sales"]
    assert APP.generate_rules(cfg, S["SQL01"]) == [
        Rule("E:\\SQLData\\MSSQLSERVER\\sales.mdf", True, False),
        Rule("F:\\SQLLogs\\MSSQLSERVER\\sales_log.ldf", True, False)]
    tree = APP.protected_items(S["SQL01"], cfg)
    assert tree.find("db:MSSQLSERVER/master") is None  # no system databases in this mode


def test_switching_modes_drops_system_databases_and_keeps_sql_running_on_the_target() -> None:
    cfg = _cfg("connection.sql_mode=database")
    assert not any(k.split("/")[1] in ("master", "model", "msdb", "tempdb")
                   for k in cfg.connection.databases)
    engine = next(s for s in cfg.failover.services if s.name == "MSSQLSERVER")
    assert engine.must_stop_on_target is False
    back = apply_assignments(cfg, ["connection.sql_mode=instance"])
    assert next(s for s in back.failover.services if s.name == "MSSQLSERVER").must_stop_on_target


def test_services_engine_agent_and_browser_and_only_the_engine_is_required() -> None:
    names = [s.name for s in APP.default_services(S["SQL01"], S["SQL02"])]
    assert names == ["MSSQLSERVER", "SQLSERVERAGENT", "SQLBrowser", "MSSQL$INST1",
                     "SQLAgent$INST1"]
    assert not APP.removable_service(ServiceItem("MSSQLSERVER"))
    assert not APP.removable_service(ServiceItem("MSSQL$INST1"))
    assert APP.removable_service(ServiceItem("SQLSERVERAGENT"))
    assert APP.removable_service(ServiceItem("SQLBrowser"))
    cfg = _cfg("failover.services=MSSQLSERVER,MSSQL$INST1")  # agents and browser removed
    assert [s.name for s in cfg.failover.services] == ["MSSQLSERVER", "MSSQL$INST1"]
    with pytest.raises(InvalidInput, match="engine service"):
        apply_assignments(cfg, ["failover.services=MSSQL$INST1"])


def test_target_paths_rules() -> None:
    ok = _cfg("connection.sql_mode=database", "connection.databases=MSSQLSERVER/sales",
              "connection.target_paths=MSSQLSERVER/sales=E:\\FromSQL01\\sales")
    assert config_problems(ok, S["SQL01"], S["SQL02"]).of("connection.target_paths").ok
    facts = APP.plan_facts(ok, S["SQL01"], S["SQL02"])
    assert facts["databases"] == [{"instance": "MSSQLSERVER", "name": "sales", "files": [
        "E:\\FromSQL01\\sales\\sales.mdf", "E:\\FromSQL01\\sales\\sales_log.ldf"],
        # post-restore re-attaches the source's own files there
        "source_files": ["E:\\SQLData\\MSSQLSERVER\\sales.mdf",
                         "F:\\SQLLogs\\MSSQLSERVER\\sales_log.ldf"]}]
    in_instance = _cfg("connection.target_paths=MSSQLSERVER/sales=E:\\X")
    assert "database-only modes" in config_problems(
        in_instance, S["SQL01"], S["SQL02"]).of("connection.target_paths").errors[0].message
    # uniquely named files may share a folder on the target
    shared = _cfg("connection.sql_mode=database",
                  "connection.databases=MSSQLSERVER/sales,MSSQLSERVER/hr",
                  "connection.target_paths=MSSQLSERVER/sales=E:\\Same;MSSQLSERVER/hr=E:\\Same")
    assert config_problems(shared, S["SQL01"], S["SQL02"]).ok
    unselected = apply_assignments(shared, ["connection.databases=MSSQLSERVER/hr"])
    assert config_problems(unselected, S["SQL01"], S["SQL02"]).errors[0].message == (
        "MSSQLSERVER/sales is not a selected database")
    no_drive = apply_assignments(shared, ["connection.target_paths=MSSQLSERVER/hr=Q:\\HR"])
    assert "SQL02 has no Q: volume" in str(config_problems(no_drive, S["SQL01"],
                                                           S["SQL02"]).errors[0])


def test_remapped_databases_land_in_their_target_folder() -> None:
    """The replication set carries the remap: each file of a remapped database lands
    in its folder on the target (the engine honours Rule.target); others stay put."""
    cfg = _cfg("connection.sql_mode=many-to-one",
               "connection.databases=MSSQLSERVER/sales,MSSQLSERVER/hr",
               "connection.target_paths=MSSQLSERVER/sales=E:\\FromSQL01\\sales")
    rules = APP.generate_rules(cfg, S["SQL01"])
    assert rules == [
        Rule("E:\\SQLData\\MSSQLSERVER\\sales.mdf", True, False,
             "E:\\FromSQL01\\sales\\sales.mdf"),
        Rule("F:\\SQLLogs\\MSSQLSERVER\\sales_log.ldf", True, False,
             "E:\\FromSQL01\\sales\\sales_log.ldf"),
        Rule("E:\\SQLData\\MSSQLSERVER\\hr.mdf", True, False),
        Rule("F:\\SQLLogs\\MSSQLSERVER\\hr_log.ldf", True, False)]
    # what the plan attaches is where the engine puts the files
    files = [f for d in APP.plan_facts(cfg, S["SQL01"], S["SQL02"])["databases"] for f in d["files"]]
    assert files == [r.target or r.path for r in rules]


def test_unknown_databases_and_missing_required_system_databases_are_errors() -> None:
    cfg = _cfg()
    cfg.connection.databases = ["MSSQLSERVER/nope", "INST2/x", "MSSQLSERVER/sales"]
    msgs = [e.message for e in config_problems(cfg, S["SQL01"], S["SQL02"]).errors]
    assert "instance MSSQLSERVER on SQL01 has no database 'nope'" in msgs
    assert "SQL01 has no SQL Server instance INST2" in msgs
    assert any("master, model, msdb of MSSQLSERVER must be protected" in m for m in msgs)
