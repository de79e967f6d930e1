"""Across pairs and over time: compression per target, SQL many-to-one, drafts for
every application (F-6.6) and Enable Protection for every application."""

from __future__ import annotations

import dataclasses

import pytest

from core.apps import effective_rules, get_app
from core.console import Console
from core.errors import InvalidInput
from core.model.apps import SqlDatabase, SqlFile
from core.model.pair import Pair
from core.model.state import PairState
from tests.core.doubles import FakeWorld
from tests.present import present

PAIRS = {"exchange": ("EXCH01", "EXCH02"), "sql": ("SQL01", "SQL02"),
         "fileprint": ("FS01", "FS02"), "sharepoint": ("SP01", "SP02"),
         "blackberry": ("BES01", "BES02")}


# --- compression: one setting per target -------------------------------------------------------
def test_changing_compression_changes_every_pair_to_that_target(console: Console) -> None:
    assert console.configure.save_config(console.configure.load_config(Pair("sql", "SQL01", "SQL02"))) == []
    draft = console.configure.apply(console.configure.load_config(Pair("sql", "SQL01", "SQL02")), ["monitoring.missed=9"])
    console.configure.save_draft(draft)
    console.configure.save_config(console.configure.load_config(Pair("fileprint", "FS01", "FS02")))  # another target
    change = console.configure.config_set(Pair("sql", "SQL03", "SQL02"), ["connection.compression=5"])
    assert change.notices == [
        "Compression is one setting per target: every pair to SQL02 now uses zlib level 5 "
        "(SQL01 → SQL02 (sql)); protected pairs take it when enabled again."]
    assert present(console.store.load_config(Pair("sql", "SQL01", "SQL02"))).connection.compression == 5
    kept = present(console.configure.load_draft(Pair("sql", "SQL01", "SQL02")))
    assert (kept.connection.compression, kept.monitoring.missed) == (5, 9)  # draft kept too
    assert present(console.store.load_config(Pair("fileprint", "FS01", "FS02"))).connection.compression == 0
    # a new pair to SQL02 starts with the target's level
    assert console.configure.load_config(Pair("exchange", "EXCH01", "SQL02")).connection.compression == 5


# --- SQL database-only many-to-one ----------------------------------------------------------------
def test_many_to_one_refuses_a_database_name_another_source_brings(console: Console) -> None:
    console.configure.config_set(Pair("sql", "SQL01", "SQL02"), ["connection.sql_mode=many-to-one",
                                                 "connection.databases=MSSQLSERVER/sales"])
    with pytest.raises(InvalidInput) as info:
        console.configure.config_set(Pair("sql", "SQL03", "SQL02"), ["connection.sql_mode=many-to-one",
                                                     "connection.databases=MSSQLSERVER/sales"])
    assert info.value.field == "connection.databases"
    assert "sales of MSSQLSERVER is also protected from SQL01 to SQL02" in info.value.message
    assert console.store.load_config(Pair("sql", "SQL03", "SQL02")) is None


def test_many_to_one_refuses_two_files_at_one_place_on_the_target(world: FakeWorld,
                                                                  console: Console) -> None:
    sql03 = world.hosts["SQL03"].server
    inst = sql03.apps.sql[0]
    other = SqlDatabase("sales2", (SqlFile("s", "E:\\Other\\sales.mdf"),))
    world.hosts["SQL03"].server = dataclasses.replace(sql03, apps=dataclasses.replace(
        sql03.apps, sql=(dataclasses.replace(inst, databases=(*inst.databases, other)),)))
    console.configure.config_set(Pair("sql", "SQL01", "SQL02"), [
        "connection.sql_mode=many-to-one", "connection.databases=MSSQLSERVER/sales",
        "connection.target_paths=MSSQLSERVER/sales=E:\\Pool"])
    bad = ["connection.sql_mode=many-to-one", "connection.databases=MSSQLSERVER/sales2",
           "connection.target_paths=MSSQLSERVER/sales2=E:\\Pool"]
    with pytest.raises(InvalidInput, match="E:.Pool.sales.mdf on SQL02 is also used by"):
        console.configure.config_set(Pair("sql", "SQL03", "SQL02"), bad)
    bad[-1] = "connection.target_paths=MSSQLSERVER/sales2=E:\\FromSQL03"
    assert console.configure.config_set(Pair("sql", "SQL03", "SQL02"), bad).config.connection.target_paths


# --- drafts (F-6.6) for every application -------------------------------------------------------
@pytest.mark.parametrize("app", list(PAIRS))
def test_an_unsaved_configuration_survives_closing_the_console(world: FakeWorld,
                                                               app: str) -> None:
    src, tgt = PAIRS[app]
    first = Console(world.ctx)
    cfg = first.configure.apply(first.configure.load_config(Pair(app, src, tgt)), ["monitoring.missed=11"])
    first.configure.save_draft(cfg)
    again = Console(world.ctx)  # a new session over the same state directory
    sel = again.setup.select_pair(Pair(app, src, tgt))
    assert sel.draft is True
    assert again.configure.load_draft(Pair(app, src, tgt)) == cfg
    again.configure.save_config(present(again.configure.load_draft(Pair(app, src, tgt))))
    assert again.configure.load_draft(Pair(app, src, tgt)) is None  # saving consumes the draft
    assert again.configure.load_config(Pair(app, src, tgt)).monitoring.missed == 11


# --- Enable Protection for every application ---------------------------------------------------------
@pytest.mark.parametrize("app", list(PAIRS))
def test_enable_creates_the_applications_set_rules_connection_and_monitor(
        world: FakeWorld, console: Console, app: str) -> None:
    src, tgt = PAIRS[app]
    cfg = console.configure.load_config(Pair(app, src, tgt))
    console.protection.enable(cfg)
    name = get_app(app).set_name(src, tgt)
    source_engine, target_engine = world.engines[src], world.engines[tgt]
    assert list(source_engine.sets) == [name]
    rules = source_engine.sets[name]
    assert rules and rules == effective_rules(get_app(app), cfg, world.servers[src])
    assert source_engine.connections[name]["target"] == cfg.connection.route
    assert name in target_engine.accepted and name in target_engine.monitors
    assert console.monitoring.status(Pair(app, src, tgt)).state in (PairState.MIRRORING, PairState.PROTECTED)
    scripts = world.ctx.paths.state / "scripts" / f"{app}_{src}_{tgt}"
    assert sorted(p.stem for p in scripts.glob("*.script")) == [
        "post-failback", "post-failover", "post-restore", "pre-failback"]


@pytest.mark.parametrize("app", ["fileprint", "sharepoint"])
def test_no_graceful_failover_for_file_server_and_sharepoint(console: Console, app: str) -> None:
    src, tgt = PAIRS[app]
    with pytest.raises(InvalidInput, match="has no graceful failover"):
        console.protection.failover(Pair(app, src, tgt), force=True)
