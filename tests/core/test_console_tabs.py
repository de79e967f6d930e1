"""The Configure Protection tab helpers of the console (SPEC F-6.1 … F-6.5)."""

from __future__ import annotations

import pytest

from core.console import Console
from core.errors import InvalidInput
from core.model.pair import Pair
from tests.core.doubles import FakeWorld
from tests.present import present


def test_services_add_remove_reorder_with_the_removal_rules(console: Console) -> None:
    cfg = console.configure.load_config(Pair("sql", "SQL01", "SQL02"))
    assert "LanmanServer" in console.tabs.service_choices(cfg)
    assert "MSSQLSERVER" not in console.tabs.service_choices(cfg)
    cfg = console.tabs.add_service(cfg, "LanmanServer", must_stop=False)
    assert cfg.failover.services[-1].user_added and not cfg.failover.services[-1].must_stop_on_target
    with pytest.raises(InvalidInput, match="already in the list"):
        console.tabs.add_service(cfg, "lanmanserver")
    cfg = console.tabs.move_service(cfg, "LanmanServer", up=True)
    assert [s.name for s in cfg.failover.services][-2:] == ["LanmanServer", "SQLAgent$INST1"]
    assert console.tabs.removable_service(cfg, "SQLBrowser")
    assert not console.tabs.removable_service(cfg, "MSSQL$INST1")
    cfg = console.tabs.remove_service(cfg, "SQLBrowser")
    with pytest.raises(InvalidInput, match="MSSQL\\$INST1 cannot be removed"):
        console.tabs.remove_service(cfg, "MSSQL$INST1")
    with pytest.raises(InvalidInput, match="not in the list"):
        console.tabs.move_service(cfg, "Nope", up=False)


def test_add_sharepoint_services(console: Console) -> None:
    cfg = console.configure.load_config(Pair("sharepoint", "SP01", "SP02"))
    cfg = console.tabs.add_app_services(cfg)
    names = [s.name for s in cfg.failover.services]
    assert names[2:] == ["SPAdmin", "SPTimerV3", "SPTrace", "SPSearch", "OSearch"]
    assert console.tabs.add_app_services(cfg).failover.services == cfg.failover.services
    assert console.tabs.removable_service(cfg, "SPTimerV3")
    with pytest.raises(InvalidInput, match="no services to add"):
        console.tabs.add_app_services(console.configure.load_config(Pair("exchange", "EXCH01", "EXCH02")))


def test_protected_items_and_selection_through_the_console(console: Console) -> None:
    cfg = console.configure.load_config(Pair("sql", "SQL01", "SQL02"))
    tree = console.tabs.protected_items(cfg, refresh=True)
    assert present(tree.find("db:MSSQLSERVER/master")).locked
    chosen = console.tabs.select_items(cfg, ["db:INST1/crm", "volume:E"])
    assert chosen.connection.databases == ["INST1/crm", "INST1/master", "INST1/model",
                                           "INST1/msdb"]
    assert chosen.connection.volume_paths == ["E:\\"]
    whole = console.tabs.select_items(cfg, ["instance:MSSQLSERVER"])
    assert "MSSQLSERVER/hr" in whole.connection.databases
    assert console.tabs.sql_modes(cfg) == ["instance", "database", "many-to-one"]
    assert console.tabs.sql_modes(console.configure.load_config(Pair("blackberry", "BES01", "BES02"))) == ["instance"]
    db = console.tabs.set_target_path(console.tabs.set_sql_mode(chosen, "database"), "INST1/crm",
                                 "E:\\FromSQL01")
    assert db.connection.target_paths == {"INST1/crm": "E:\\FromSQL01"}
    assert console.tabs.set_target_path(db, "INST1/crm", "").connection.target_paths == {}


def test_monitoring_hints_show_the_time_and_the_cluster_cushion(console: Console) -> None:
    cfg = console.configure.load_config(Pair("sql", "SQL01", "SQL02"))
    assert console.tabs.monitoring_hints(cfg) == ["failure declared after 25 s"]
    cluster = console.configure.load_config(Pair("exchange", "EVS1", "EXNODE3"))
    hints = console.tabs.monitoring_hints(console.configure.apply(cluster, ["monitoring.interval=30"]))
    assert hints[0] == "failure declared after 150 s (2 min 30 s)"
    assert len(hints) == 1
    assert "node failover of EXCLUS" in console.tabs.monitoring_hints(cluster)[1]


def test_advanced_options_need_the_advanced_context(world: FakeWorld) -> None:
    plain, adv = Console(world.ctx), Console(world.ctx, advanced=True)
    cfg = plain.configure.load_config(Pair("fileprint", "FS01", "FS02"))
    with pytest.raises(InvalidInput, match="start appmgr with --advanced"):
        plain.configure.apply(cfg, ["advanced.create_monitor=off"])
    assert not adv.configure.apply(cfg, ["advanced.create_monitor=off"]).advanced.create_monitor
    assert "advanced.create_monitor" not in plain.tabs.editable_keys(cfg)
    assert "advanced.create_monitor" in adv.tabs.editable_keys(cfg)
    assert "connection.databases" not in adv.tabs.editable_keys(cfg)


def test_plan_phases_user_edits_and_regeneration(console: Console) -> None:
    cfg = console.configure.load_config(Pair("exchange", "EXCH01", "EXCH02"))
    plans = console.tabs.plan_all(cfg)
    assert list(plans) == ["post-failover", "pre-failback", "post-restore", "post-failback"]
    assert "exchange-failover EXCH01 EXCH02" in plans["post-failover"]
    edited = console.tabs.generated_plan(cfg, "post-restore") + "wait 10\n"
    cfg = console.configure.apply(cfg, [f"advanced.plan_edits.post-restore={edited}"])
    assert console.tabs.plan_all(cfg)["post-restore"] == edited
    assert console.tabs.plan_stale(cfg) == []  # the configuration did not change
    changed = console.tabs.add_service(cfg, "LanmanServer")
    assert console.tabs.plan_stale(changed) == ["post-restore"]  # ask before overwriting
    fresh = console.tabs.regenerate_plan(changed, ["post-restore"])
    assert fresh.advanced.plan_edits == {}
    assert "wait 10" not in console.tabs.plan_all(fresh)["post-restore"]


def test_plan_text_phases_and_dns_test(world: FakeWorld, console: Console) -> None:
    cfg = console.configure.load_config(Pair("sql", "SQL01", "SQL02"))
    assert console.tabs.plan_phases(cfg) == ["post-failover", "pre-failback", "post-restore",
                                         "post-failback"]
    assert console.tabs.plan_text(cfg, "post-failover") == console.tabs.plan_all(cfg)["post-failover"]
    assert console.dns_account.dns_test(cfg) == [
        "127.0.10.1: answers for lab.example.com.; the DNS credentials may update it"]
