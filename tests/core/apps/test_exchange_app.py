"""The Exchange application: storage groups, rules, services, AD options, SPN warning."""

from __future__ import annotations

from core.apps import apply_selection, get_app
from core.config import config_problems, default_config
from core.model.apps import AppInventory
from core.model.config import ServiceItem
from core.model.rules import Rule
from core.model.server import Server
from tests.core.apps.app_estate import app_servers

APP = get_app("exchange")
S = app_servers()


def _cfg():  # noqa: ANN202
    return default_config("exchange", S["EXCH01"], S["EXCH02"], dns_ttl=300)


def test_tree_lists_storage_groups_with_their_stores_all_selected() -> None:
    tree = APP.protected_items(S["EXCH01"])
    groups = [n for n in tree.children if n.kind == "storage-group"]
    assert [(n.key, n.selected) for n in groups] == [
        ("sg:First Storage Group", True), ("sg:Second Storage Group", True)]
    assert [(c.key, c.kind, c.selected) for c in groups[0].children] == [
        ("store:First Storage Group/Mailbox Database", "store", True)]
    assert "log prefix E00" in groups[0].label
    assert tree.children[-1].key == "volumes"


def test_rules_cover_groups_stores_mta_and_queues_of_the_selected_groups() -> None:
    cfg = apply_selection(_cfg(), ["sg:First Storage Group"], S["EXCH01"])
    assert cfg.connection.storage_groups == ["First Storage Group"]
    rules = APP.generate_rules(cfg, S["EXCH01"])
    assert rules == [Rule("L:\\Exchange\\SG1"), Rule("E:\\Exchange\\Mtadata"),
                     Rule("E:\\Exchange\\Queue"),
                     Rule("E:\\Exchange\\SG1\\Mailbox Database.edb", True, False)]
    assert not any("SG2" in r.path for r in rules)
    none = apply_selection(_cfg(), [], S["EXCH01"])
    assert APP.generate_rules(none, S["EXCH01"]) == []


def test_selecting_a_store_selects_its_storage_group() -> None:
    cfg = apply_selection(_cfg(), ["store:Second Storage Group/Public Folder Database"])
    assert cfg.connection.storage_groups == ["Second Storage Group"]


def test_services_follow_the_exchange_version_and_only_added_ones_are_removable() -> None:
    names = [s.name for s in APP.default_services(S["EXCH01"], S["EXCH02"])]
    assert names[:3] == ["MSExchangeADTopology", "MSExchangeSA", "MSExchangeIS"]
    e2003 = Server("X", apps=AppInventory(exchange=S["EVS1"].apps.exchange))
    bare = Server("Y")  # no service list: every service of the version is offered
    assert [s.name for s in APP.default_services(e2003, bare)][:4] == [
        "IISADMIN", "MSExchangeSA", "MSExchangeMTA", "MSExchangeIS"]
    # a service that may keep running is left out when the target does not have it
    assert "IISADMIN" not in [s.name for s in APP.default_services(e2003, S["EXCH02"])]
    assert not APP.removable_service(ServiceItem("MSExchangeIS"))
    # a service either server lacks is never offered (it would stop the plan part-way)
    from dataclasses import replace

    lacking = replace(S["EXCH02"], services=tuple(
        s for s in S["EXCH02"].services if s.name != "MSExchangeSA"))
    assert "MSExchangeSA" not in [s.name for s in APP.default_services(S["EXCH01"], lacking)]
    assert "MSExchangeSA" not in [s.name for s in APP.default_services(lacking, S["EXCH01"])]
    assert APP.removable_service(ServiceItem("Custom", user_added=True))


def test_virtual_server_sources_move_cluster_resources_in_order() -> None:
    items = APP.default_services(S["EVS1"], S["EXNODE3"])
    assert [i.name for i in items][:2] == ["EVS1 IP Address", "EVS1 Network Name"]


def test_target_ip_defaults_to_the_first_smtp_virtual_server_ip() -> None:
    cfg = _cfg()
    assert cfg.failover.dns.ip_map == {"127.0.10.21": "127.0.10.122"}
    assert cfg.connection.route == "127.0.10.22"


def test_ad_replication_defaults_and_targeted_dc_is_exchange_2003_only() -> None:
    cfg = _cfg()
    assert (cfg.advanced.force_ad_replication, cfg.advanced.ad_max_wait_min,
            cfg.advanced.targeted_dc) == (True, 30, "")
    cfg.advanced.targeted_dc = "DC01"
    errors = config_problems(cfg, S["EXCH01"], S["EXCH02"]).errors
    assert [(e.field, "Exchange 2003" in e.message) for e in errors] == [
        ("advanced.targeted_dc", True)]


def test_moving_spns_warns_for_exchange() -> None:
    cfg = _cfg()
    assert not config_problems(cfg, S["EXCH01"], S["EXCH02"]).of("advanced.items_spns").warnings
    cfg.advanced.items_spns = True
    warn = config_problems(cfg, S["EXCH01"], S["EXCH02"]).of("advanced.items_spns").warnings
    assert warn and "must not move the AD host SPNs" in warn[0].message
    cfg.failover.type = "identity"
    cfg.failover.identity.spns = True
    assert config_problems(cfg, S["EXCH01"], S["EXCH02"]).of("failover.identity.spns").warnings


def test_unknown_storage_groups_and_an_empty_selection_are_errors() -> None:
    cfg = _cfg()
    cfg.connection.storage_groups = ["Third Storage Group"]
    assert [e.message for e in config_problems(cfg, S["EXCH01"], S["EXCH02"])
            .of("connection.storage_groups").errors] == [
        "EXCH01 has no storage group named 'Third Storage Group'"]
    cfg.connection.storage_groups = []
    assert "nothing is selected" in str(config_problems(cfg, S["EXCH01"], S["EXCH02"]).errors[0])
