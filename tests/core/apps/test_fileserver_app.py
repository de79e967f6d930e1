"""The File server application: discovery, protected items, rules, services."""

from __future__ import annotations

import dataclasses

from core.apps import effective_rules, get_app
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.server import Share
from core.ports import DirectoryComputer
from tests.core.doubles import FakeDirectory, lab_servers, make_server
from tests.present import present

APP = get_app("fileprint")
SERVERS = lab_servers()


def _cfg(shares: list[str], volume_paths: list[str] | None = None) -> ProtectionConfig:
    cfg = ProtectionConfig("fileprint", "FS01", "FS02")
    cfg.connection.shares = shares
    cfg.connection.volume_paths = volume_paths or []
    return cfg


def test_defaults_differ_from_f6_as_the_file_server_needs() -> None:
    d = APP.defaults
    assert (d.identity_name, d.identity_shares, d.identity_spns) == (True, True, True)
    assert d.graceful_failover is False
    assert APP.plan_phases == ("post-failover", "pre-failback", "post-restore", "post-failback")
    assert APP.set_prefix == "fileprint"


def test_discover_lists_every_server_but_cluster_nodes() -> None:
    d = FakeDirectory([DirectoryComputer("FS02", "CN=FS02"), DirectoryComputer("FS01", "CN=FS01"),
                       DirectoryComputer("NODE1", "CN=NODE1", is_cluster_node=True),
                       DirectoryComputer("VS1", "CN=VS1", is_cluster_virtual=True)])
    assert [c.name for c in APP.discover(d)] == ["FS01", "FS02", "VS1"]


def test_tree_offers_user_shares_all_selected_and_a_volumes_branch() -> None:
    tree = APP.protected_items(SERVERS["FS01"])
    shares = [n for n in tree.children if n.kind == "share"]
    assert [(n.key, n.path, n.selected) for n in shares] == [
        ("share:Data", "E:\\Shares\\Data", True), ("share:Users", "E:\\Shares\\Users", True)]
    volumes = tree.find("volumes")
    assert volumes is not None and volumes is tree.children[-1]
    assert [(v.key, v.path, v.selected) for v in volumes.children] == [
        ("volume:C", "C:\\", False), ("volume:E", "E:\\", False)]


def test_netlogon_and_sysvol_are_never_offered_on_a_dc() -> None:
    dc = dataclasses.replace(SERVERS["DC01"], shares=(
        *SERVERS["DC01"].shares, Share("Tools", "C:\\Tools"),
        Share("netlogon", "C:\\Other", admin=False)))
    keys = [n.key for n in APP.protected_items(dc).walk()]
    assert "share:Tools" in keys
    assert not any("NETLOGON" in k.upper() or "SYSVOL" in k.upper() for k in keys)


def test_tree_selection_follows_the_config() -> None:
    tree = APP.protected_items(SERVERS["FS01"], _cfg(["users"], ["E:\\", "C:\\Apps\\Data"]))
    assert not present(tree.find("share:Data")).selected and present(tree.find("share:Users")).selected
    assert present(tree.find("volume:E")).selected and not present(tree.find("volume:C")).selected
    apps = present(tree.find("volume:C")).children
    assert [(n.key, n.selected) for n in apps] == [("path:C:\\Apps\\Data", True)]


def test_one_include_recursive_rule_per_selected_share_and_volume_path() -> None:
    rules = APP.generate_rules(_cfg(["Data", "Users"], ["C:\\Apps"]), SERVERS["FS01"])
    assert rules == [Rule("E:\\Shares\\Data"), Rule("E:\\Shares\\Users"), Rule("C:\\Apps")]
    assert all(r.include and r.recursive for r in rules)


def test_rules_skip_unknown_shares_duplicates_and_nested_paths() -> None:
    src = make_server("FS09", 9, shares=(Share("Data", "E:\\Shares\\Data"),
                                         Share("Data2", "E:\\Shares\\Data"),
                                         Share("Sub", "E:\\Shares\\Data\\Sub")))
    cfg = _cfg(["Data", "Data2", "Sub", "Gone"], ["e:\\shares\\data\\", "C:\\X"])
    assert APP.generate_rules(cfg, src) == [Rule("E:\\Shares\\Data"), Rule("C:\\X")]
    assert APP.generate_rules(_cfg([], ["E:\\", "E:\\Shares"]), src) == [Rule("E:\\")]


def test_overridden_rules_replace_generated_ones() -> None:
    cfg = _cfg(["Data"])
    cfg.advanced.override_rules = True
    cfg.advanced.rules = [Rule("E:\\Shares", True, False), Rule("E:\\Shares\\Tmp", False)]
    assert effective_rules(APP, cfg, SERVERS["FS01"]) == cfg.advanced.rules
    cfg.advanced.override_rules = False
    assert effective_rules(APP, cfg, SERVERS["FS01"]) == [Rule("E:\\Shares\\Data")]


def test_services_default_empty_and_only_user_added_ones_are_removable() -> None:
    assert APP.default_services(SERVERS["FS01"], SERVERS["FS02"]) == []
    assert APP.removable_service(ServiceItem("Custom", user_added=True))
    assert not APP.removable_service(ServiceItem("LanmanServer", user_added=False))


def test_tree_selection_maps_back_to_the_config() -> None:
    from core.apps import apply_selection

    cfg = _cfg(["Data", "Users"])
    new = apply_selection(cfg, ["share:Users", "volume:c", "path:E:\\Apps", "volumes", "root"])
    assert new.connection.shares == ["Users"]
    assert new.connection.volume_paths == ["C:\\", "E:\\Apps"]
    assert cfg.connection.shares == ["Data", "Users"]  # a new config, the old one untouched
    tree = APP.protected_items(SERVERS["FS01"], new)
    picked = {n.key for n in tree.walk() if n.selected}
    assert picked == {"share:Users", "volume:C", "path:E:\\Apps"}
