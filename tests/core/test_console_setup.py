"""Console Setup for every application (SPEC F-5): domain, discovery, the selection
rules of F-5.5, like-named clusters (F-5.6), Test SQL and SharePoint Get Config."""

from __future__ import annotations

import dataclasses

import pytest

from core.apps.farm_memory import remembered_front_end
from core.console import Console
from core.errors import AuthFailed, InvalidInput, NotFound, Unreachable
from core.model.pair import Pair
from core.model.state import PairState
from core.store import PairRecord
from tests.core.apps.app_estate import AppDirectory
from tests.core.doubles import FakeWorld


def _record(console: Console, app: str, src: str, tgt: str, state: PairState) -> None:
    console.store.save_record(PairRecord(app, src, tgt, state=state.value))


# --- domain and discovery ------------------------------------------------------------------
def test_exchange_prefills_the_forest_root_and_others_the_domain(console: Console) -> None:
    assert console.setup.default_domain("exchange") == "example.com"
    assert console.setup.default_domain("sql") == "lab.example.com"


def test_forest_root_lookup_failures(world: FakeWorld, console: Console) -> None:
    directory = AppDirectory(world.servers)
    world.ctx.directory = lambda: directory
    directory.error = Unreachable("no domain controller answers")
    assert console.setup.default_domain("exchange") == "lab.example.com"
    directory.error = AuthFailed("the cached credentials cannot read lab.example.com")
    with pytest.raises(AuthFailed):  # the domain login dialog asks for others
        console.setup.default_domain("exchange")


@pytest.mark.parametrize("name", ["LAB", "lab.", "lab..example.com", "bad_name.com"])
def test_domains_need_a_suffix_and_valid_labels(console: Console, name: str) -> None:
    with pytest.raises(InvalidInput) as info:
        console.setup.set_domain(name)
    assert info.value.field == "domain"


def test_domain_login_caches_the_credentials(world: FakeWorld, console: Console) -> None:
    assert console.domains.domain_login("lab.example.com", "LAB\\admin", "pw") == "lab.example.com"
    assert world.secrets.get("domain", "lab.example.com").user == "LAB\\admin"
    with pytest.raises(InvalidInput, match="password"):
        console.domains.domain_login("lab.example.com", "LAB\\admin", "")


@pytest.mark.parametrize(("app", "names"), [
    ("exchange", ["EVS1", "EXCBES", "EXCH01", "EXCH02"]),
    ("sql", ["BES01", "BES02", "SP01", "SP02", "SPDB1", "SQL01", "SQL02", "SQL03"]),
])
def test_automatic_discovery_per_application(console: Console, app: str,
                                             names: list[str]) -> None:
    assert [c.name for c in console.setup.discover(app)] == names


def test_nosqlsearch_skips_the_sql_scan_only(world: FakeWorld) -> None:
    calls: list[tuple] = []

    def directory() -> AppDirectory:
        d = AppDirectory(world.servers)
        d.calls = calls
        return d

    world.ctx.directory = directory
    console = Console(world.ctx, nosqlsearch=True)
    assert console.setup.discover("sql") == [] and console.setup.discover("sharepoint") == []
    assert calls == []
    assert [c.name for c in console.setup.discover("exchange")][:1] == ["EVS1"]
    assert "SQL01" in [c.name for c in console.setup.search("sql")]  # Advanced Find still searches
    assert ("servers",) in calls and ("sql_servers",) not in calls


def test_advanced_find_search_hides_cluster_nodes(console: Console) -> None:
    names = [c.name for c in console.setup.search("exchange")]
    assert "EXNODE1" not in names and "EVS1" in names and "FS01" in names


# --- the selection rules of F-5.5 ------------------------------------------------------------
def test_a_chosen_pair_is_unprotected(console: Console) -> None:
    sel = console.setup.select_pair(Pair("sql", "SQL01", "SQL02"))
    assert (sel.app, sel.state, sel.messages, sel.reuse_offered) == (
        "sql", PairState.UNPROTECTED, [], False)


def test_a_server_that_is_already_a_target_cannot_be_a_source(console: Console) -> None:
    _record(console, "sql", "SQL03", "SQL02", PairState.PROTECTED)
    with pytest.raises(InvalidInput) as info:
        console.setup.select_pair(Pair("exchange", "SQL02", "EXCH02"))
    assert info.value.field == "source" and "already the target of SQL03" in info.value.message


def test_a_protected_source_cannot_become_a_target(console: Console) -> None:
    _record(console, "blackberry", "BES01", "BES02", PairState.MIRRORING)
    with pytest.raises(InvalidInput, match="already the source"):
        console.setup.select_pair(Pair("sql", "SQL03", "BES01"))


def test_a_pair_needs_two_servers(console: Console) -> None:
    with pytest.raises(InvalidInput, match="different server"):
        console.setup.select_pair(Pair("sharepoint", "SP01", "sp01"))


def test_an_unreachable_source_suggests_selecting_the_target(world: FakeWorld,
                                                             console: Console) -> None:
    world.hosts["EXCH01"].error = Unreachable("EXCH01 does not answer on WinRM")
    sel = console.setup.select_pair(Pair("exchange", "EXCH01", "EXCH02"))
    assert any("It may have failed over: select the target EXCH02" in m for m in sel.messages)


def test_a_target_whose_monitor_met_a_failover_condition_offers_failover(
        console: Console) -> None:
    _record(console, "sql", "SQL01", "SQL02", PairState.FAILURE_DETECTED)
    sel = console.setup.select_pair(Pair("sql", "SQL01", "SQL02"))
    assert sel.failover_offered and "fail over now?" in sel.messages[-1]


def test_a_previous_configuration_is_offered_unless_the_ips_changed(
        world: FakeWorld, console: Console) -> None:
    cfg = console.configure.load_config(Pair("sql", "SQL01", "SQL02"))
    console.configure.save_config(cfg)
    assert console.setup.select_pair(Pair("sql", "SQL01", "SQL02")).reuse_offered
    moved = dataclasses.replace(world.hosts["SQL02"].server, ips=("10.9.9.9",))
    world.hosts["SQL02"].server = moved
    console.session.inventory("SQL02", refresh=True)
    sel = console.setup.select_pair(Pair("sql", "SQL01", "SQL02"))
    assert not sel.reuse_offered and "addresses changed" in sel.messages[-1]


def test_cluster_nodes_are_never_pair_members(console: Console) -> None:
    with pytest.raises(InvalidInput, match="node of EXCLUS: select its virtual server"):
        console.setup.select_pair(Pair("exchange", "EXNODE1", "EXCH02"))


def test_exchange_and_blackberry_on_one_machine_are_refused(console: Console) -> None:
    for app in ("exchange", "blackberry"):
        with pytest.raises(InvalidInput, match="cannot be protected on the same machine"):
            console.setup.select_pair(Pair(app, "EXCBES", "EXCH02"))


# --- like-named clusters (F-5.6) ---------------------------------------------------------------
def test_like_named_target_is_offered_for_an_exchange_2003_virtual_server(
        console: Console) -> None:
    assert "EVS1 (like-named)" in console.apps.target_choices("exchange", "EVS1",
                                                         ["EVS1", "EXCH02"])
    assert console.apps.target_choices("exchange", "EXCH01", ["EXCH01", "EXCH02"]) == ["EXCH02"]


def test_like_named_selection_setup_and_configuration(world: FakeWorld,
                                                      console: Console) -> None:
    sel = console.setup.select_pair(Pair("exchange", "EVS1", "EVS1 (like-named)"))
    assert sel.like_named and sel.target == "EVS1_LN"
    assert "Set up the like-named cluster" in sel.messages[0]
    with pytest.raises(InvalidInput, match="not a node of a cluster"):
        console.apps.like_named_setup("EVS1", "EXCH02")
    choices = console.apps.like_named_setup("EVS1", "EXNODE3")
    assert choices.locked == ["E"] and choices.setup.network == "Public"
    cfg = console.configure.load_config(Pair("exchange", "EVS1", "EVS1 (like-named)"))
    assert (cfg.target, cfg.cluster.like_named, cfg.advanced.set_name) == (
        "EVS1_LN", True, "xdag01_EVS1_EVS1_LN")
    with pytest.raises(InvalidInput, match="cluster.ip: enter the IP address"):
        console.configure.save_config(cfg)
    cfg = console.configure.apply(cfg, ["cluster.ip=127.0.10.160", "cluster.subnet_mask=/24"])
    assert console.configure.save_config(cfg) == []
    assert console.store.load_config(Pair("exchange", "EVS1", "EVS1_LN")).cluster.ip == "127.0.10.160"


def test_like_named_is_for_exchange_2003_virtual_servers_only(console: Console) -> None:
    with pytest.raises(InvalidInput, match="Exchange 2003"):
        console.setup.select_pair(Pair("exchange", "EXCH01", "EXCH01 (like-named)"))


# --- Manage SQL Servers and SharePoint Get Config ------------------------------------------------
def test_test_sql_lists_instances_and_missing_protocols(world: FakeWorld,
                                                        console: Console) -> None:
    lines = console.apps.test_sql("SQL01")
    assert lines[0].startswith("SQL01\\MSSQLSERVER (default instance): SQL Server 2008")
    inst = world.hosts["BES01"].server.apps.sql[0]
    apps = dataclasses.replace(world.hosts["BES01"].server.apps,
                               sql=(dataclasses.replace(inst, protocols=("np",)),))
    world.hosts["BES01"].server = dataclasses.replace(world.hosts["BES01"].server, apps=apps)
    assert "enable TCP/IP for remote connections" in console.apps.test_sql("BES01")[0]
    with pytest.raises(NotFound, match="SQL Server is not installed"):
        console.apps.test_sql("FS01")


def test_sharepoint_get_config_fills_the_source_with_the_back_end(console: Console) -> None:
    found = console.apps.sharepoint_get_config("SPFE")
    assert (found.front_end, found.source, found.instance) == ("SPFE", "SPDB1", "MSSQLSERVER")
    assert "SPDB1" in console.setup.server_list("sharepoint")
    # a later health check (even from another process) asks this front end, not the domain
    assert remembered_front_end(console.ctx.paths, "SPDB1") == "SPFE"
    cfg = console.configure.load_config(Pair("sharepoint", "SPDB1", "SQL03"))
    assert "MSSQLSERVER/WSS_Content" in cfg.connection.databases
    assert "MSSQLSERVER/Payroll" not in cfg.connection.databases  # not the farm's
    with pytest.raises(InvalidInput, match="not a SharePoint front end"):
        console.apps.sharepoint_get_config("SQL01")


# --- servers added by address ----------------------------------------------------------------
def test_a_server_added_by_address_is_listed_under_its_dns_name(world: FakeWorld,
                                                                console: Console) -> None:
    world.ctx.reverse = lambda ip: "fs01.lab.example.com" if ip == "10.0.127.11" else None
    assert console.setup.add_server("fileprint", "10.0.127.11") == ["FS01"]
    assert console.lists.entries("fileprint")[0].fqdn == "fs01.lab.example.com"
    # no name in DNS: listed, and reached, by the address itself
    assert console.setup.add_server("fileprint", "10.0.127.99") == ["10.0.127.99", "FS01"]
    world.ctx.reverse = None  # a wiring without reverse lookups
    assert console.setup.add_server("fileprint", "2001:DB8::7") == ["10.0.127.99", "2001:db8::7",
                                                              "FS01"]
    assert console.setup.remove_server("fileprint", "10.0.127.99") == ["2001:db8::7", "FS01"]
