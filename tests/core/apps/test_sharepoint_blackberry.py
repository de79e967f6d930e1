"""SharePoint (Get Config, farm databases, SharePoint services) and BlackBerry."""

from __future__ import annotations

import dataclasses

import pytest

from core.apps import get_app
from core.apps.sharepoint import backend_of
from core.config import apply_assignments, config_problems, default_config
from core.errors import InvalidInput
from core.model.config import ServiceItem
from core.model.rules import Rule
from core.model.server import Server
from tests.core.apps.app_estate import app_servers
from tests.present import present

SP, BES = get_app("sharepoint"), get_app("blackberry")
S = app_servers()


def test_get_config_finds_the_back_end_of_a_front_end() -> None:
    host, inst, farm = backend_of(S["SP01"])
    assert (host, inst, farm.version) == ("SP01", "OFFICESERVERS", "MOSS 2007")
    assert backend_of(S["SPFE"])[:2] == ("SPDB1", "MSSQLSERVER")
    with pytest.raises(InvalidInput, match="not a SharePoint front end"):
        backend_of(S["SQL01"])


def test_sharepoint_selects_the_farm_databases_with_the_system_ones() -> None:
    cfg = default_config("sharepoint", S["SP01"], S["SP02"])
    assert sorted(cfg.connection.databases) == sorted(
        f"OFFICESERVERS/{n}" for n in ("master", "model", "msdb", "tempdb", "SharePoint_Config",
                                       "WSS_Content", "SharedServices_DB"))
    tree = SP.protected_items(S["SP01"], cfg)
    assert present(tree.find("db:OFFICESERVERS/Other")).selected is False
    assert present(tree.find("db:OFFICESERVERS/WSS_Content")).selected is True


def test_a_back_end_without_the_farm_is_found_by_its_configuration_database() -> None:
    inst = [i.name for i in S["SPDB1"].apps.sql]
    assert inst == ["MSSQLSERVER"]
    cfg = default_config("sharepoint", S["SPDB1"], S["SQL02"])
    assert "MSSQLSERVER/Payroll" in cfg.connection.databases  # no farm: the whole instance


def test_sharepoint_defaults_show_advanced_with_name_and_spns_and_no_graceful_failover() -> None:
    cfg = default_config("sharepoint", S["SP01"], S["SP02"])
    adv = cfg.advanced
    assert (adv.items_server_name, adv.items_shares, adv.items_spns) == (True, False, True)
    assert SP.defaults.advanced_shown and not SP.defaults.graceful_failover


def test_add_sharepoint_services_and_their_removal() -> None:
    extra = SP.optional_services(S["SP01"], S["SP02"])
    assert [s.name for s in extra] == ["SPAdmin", "SPTimerV3", "SPTrace", "SPSearch", "OSearch"]
    assert all(s.must_stop_on_target for s in extra)
    assert SP.removable_service(ServiceItem("SPTimerV3"))
    assert not SP.removable_service(ServiceItem("MSSQL$OFFICESERVERS"))


def test_sharepoint_is_instance_mode_only() -> None:
    cfg = default_config("sharepoint", S["SP01"], S["SP02"])
    with pytest.raises(InvalidInput, match="only for SQL Server pairs"):
        apply_assignments(cfg, ["connection.sql_mode=database"])
    cfg.connection.sql_mode = "database"
    assert config_problems(cfg, S["SP01"], S["SP02"]).of("connection.sql_mode").errors


def test_sharepoint_databases_must_be_in_the_farm_instance() -> None:
    src = dataclasses.replace(S["SP01"], apps=dataclasses.replace(
        S["SP01"].apps, sql=(*S["SP01"].apps.sql, *S["SQL01"].apps.sql)))
    cfg = default_config("sharepoint", src, S["SP02"])
    cfg.connection.databases.append("MSSQLSERVER/sales")
    errors = config_problems(cfg, src, S["SP02"]).of("connection.databases").errors
    assert errors and "only the databases of OFFICESERVERS" in errors[0].message


def test_blackberry_protects_its_database_instance_and_program_folder() -> None:
    cfg = default_config("blackberry", S["BES01"], S["BES02"])
    assert "BLACKBERRY/BESMgmt" in cfg.connection.databases
    assert cfg.connection.volume_paths == ["C:\\Program Files\\Research In Motion"]
    rules = BES.generate_rules(cfg, S["BES01"])
    assert Rule("C:\\Program Files\\Research In Motion") in rules
    assert Rule("E:\\SQLData\\BLACKBERRY\\BESMgmt.mdf", True, False) in rules
    names = [s.name for s in cfg.failover.services]
    # SQL Browser may keep running, and BES02 does not have it: left out; SQL Express has
    # no Agent; of the BES services only those both servers have (here the Router)
    assert names == ["MSSQL$BLACKBERRY", "BlackBerry Router"]
    assert config_problems(cfg, S["BES01"], S["BES02"]).ok


def _without_services(name: str, edition: str = "Express") -> Server:
    srv = S[name]
    insts = tuple(dataclasses.replace(i, edition=edition) for i in srv.apps.sql)
    return dataclasses.replace(srv, services=(), apps=dataclasses.replace(srv.apps, sql=insts))


@pytest.mark.parametrize(("version", "mds"), [
    ("4.1.6", "BlackBerry MDS Connection Service"),
    ("4.1.4", "BlackBerry MDS Connection Service"),
    ("4.1.2", "BlackBerry Mobile Data Service"),
])
def test_blackberry_services_follow_the_bes_version(version: str, mds: str) -> None:
    src, tgt = _without_services("BES01"), _without_services("BES02")
    src = dataclasses.replace(src, apps=dataclasses.replace(
        src.apps, blackberry=dataclasses.replace(present(src.apps.blackberry), version=version)))
    names = [s.name for s in BES.default_services(src, tgt) if s.name != "SQLBrowser"]
    assert names[:3] == ["MSSQL$BLACKBERRY", "BlackBerry Router", "BlackBerry Dispatcher"]
    assert mds in names and "SQLAgent$BLACKBERRY" not in names


def test_blackberry_on_full_sql_server_keeps_the_agent() -> None:
    src = _without_services("BES01", "Standard")
    names = [s.name for s in BES.default_services(src, _without_services("BES02", "Standard"))
             if s.name != "SQLBrowser"]
    assert names[:2] == ["MSSQL$BLACKBERRY", "SQLAgent$BLACKBERRY"]


def test_blackberry_distributed_servers_are_refused() -> None:
    src = dataclasses.replace(S["BES01"], apps=dataclasses.replace(
        S["BES01"].apps, blackberry=dataclasses.replace(present(S["BES01"].apps.blackberry),
                                                        consolidated=False)))
    cfg = default_config("blackberry", src, S["BES02"])
    assert "only consolidated" in str(config_problems(cfg, src, S["BES02"]).errors[0])
