"""Like-named clusters (SPEC F-5.6) and the cluster rules of F-6/F-10."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from core.apps import likenamed
from core.config import apply_assignments, config_problems, default_config
from core.hosts.ops import CLUSTER_WAIT
from core.model.apps import ClusterGroup, VirtualServer
from core.model.config import ClusterSection
from core.model.server import Nic, Server
from tests.core.apps.app_estate import app_servers
from tests.present import present

S = app_servers()


@pytest.mark.parametrize(("text", "parsed"), [
    ("EVS1 (like-named)", ("EVS1_LN", True)), ("evs1 (Like-Named)", ("EVS1_LN", True)),
    ("EVS1_LN", ("EVS1_LN", True)), ("EXCH02", ("EXCH02", False))])
def test_target_names(text: str, parsed: tuple[str, bool]) -> None:
    assert likenamed.parse_target(text) == parsed
    assert likenamed.label("evs1") == "EVS1 (like-named)"
    assert likenamed.source_of("EVS1_LN") == "EVS1"


def test_only_exchange_2003_virtual_servers_offer_a_like_named_target() -> None:
    assert likenamed.offers_like_named(S["EVS1"])
    assert not likenamed.offers_like_named(S["EXCH01"])  # not clustered
    e2007 = dataclasses.replace(S["EVS1"], apps=dataclasses.replace(
        S["EVS1"].apps, exchange=dataclasses.replace(present(S["EVS1"].apps.exchange), version="2007")))
    assert not likenamed.offers_like_named(e2007)


def test_setup_defaults_lock_the_drive_letters_on_both_sides() -> None:
    ch = likenamed.choices(S["EVS1"], S["EXNODE3"])
    assert ch.setup == ClusterSection(True, "EXNODE3", "Public", "", "255.255.255.0", ["E"])
    assert (ch.networks, ch.drives, ch.locked) == (["Public", "Heartbeat"], ["C", "E", "S"],
                                                   ["E"])


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"ip": ""}, "cluster.ip", "enter the IP address"),
    ({"ip": "127.0.10.63"}, "cluster.ip", "already used by EXNODE3"),
    ({"ip": "192.0.2.7"}, "cluster.ip", "not on the network of Public"),
    ({"network": "Team"}, "cluster.network", "no network named 'Team'"),
    ({"subnet_mask": ""}, "cluster.subnet_mask", "enter the subnet mask"),
    ({"storage": []}, "cluster.storage", "cannot be left out"),
    ({"storage": ["E", "Q"]}, "cluster.storage", "no Q: disk resource"),
    ({"target_node": "EXCH02"}, "cluster.target_node", "not a node of a cluster"),
    ({"target_node": ""}, "cluster.target_node", "enter a node"),
])
def test_setup_values_are_checked(change: dict, field: str, words: str) -> None:
    good = dataclasses.replace(likenamed.choices(S["EVS1"], S["EXNODE3"]).setup,
                               ip="127.0.10.160")
    assert likenamed.problems(good, S["EVS1"], S["EXNODE3"]) == []
    bad = dataclasses.replace(good, **change)
    found = [p for p in likenamed.problems(bad, S["EVS1"], S["EXNODE3"]) if p.field == field]
    assert found and words in found[0].message


def test_cluster_pairs_use_resources_the_virtual_server_route_and_dns_failover_only() -> None:
    cfg = default_config("exchange", S["EVS1"], S["EXNODE3"])
    assert cfg.failover.resources and cfg.connection.route == "127.0.10.63"
    identity = apply_assignments(cfg, ["failover.type=identity"])
    assert "not supported for clusters" in str(
        config_problems(identity, S["EVS1"], S["EXNODE3"]).of("failover.type").errors[0])


def test_cluster_cushion_warning_and_no_application_monitoring() -> None:
    cfg = default_config("exchange", S["EVS1"], S["EXNODE3"])
    warn = config_problems(cfg, S["EVS1"], S["EXNODE3"]).of("monitoring.missed").warnings
    assert "node failover of EXCLUS takes up to 60 s" in warn[0].message
    roomy = apply_assignments(cfg, ["monitoring.interval=10", "monitoring.missed=7"])
    assert not config_problems(roomy, S["EVS1"], S["EXNODE3"]).of("monitoring.missed").warnings
    app_mon = apply_assignments(cfg, ["monitoring.application.enabled=on",
                                      "monitoring.application.wmi_user=LAB\\wmi"])
    errors = config_problems(app_mon, S["EVS1"], S["EXNODE3"]).of("monitoring.application").errors
    assert errors[0].message == "application monitoring is not available for clusters"


def test_cluster_settings_belong_to_like_named_pairs_only() -> None:
    cfg = default_config("exchange", S["EXCH01"], S["EXCH02"])
    cfg = apply_assignments(cfg, ["cluster.ip=127.0.10.99"])
    assert "like-named" in str(config_problems(cfg, S["EXCH01"], S["EXCH02"]).errors[0])


def _standby(**cluster: Any) -> Server:
    """EXNODE3 with its cluster EXCLUS2 changed (groups, virtual servers)."""
    node = S["EXNODE3"]
    info = dataclasses.replace(present(node.apps.cluster), **cluster)
    return dataclasses.replace(node, apps=dataclasses.replace(node.apps, cluster=info))


def test_the_standby_cluster_needs_a_group_named_like_the_source_s() -> None:
    good = dataclasses.replace(likenamed.choices(S["EVS1"], S["EXNODE3"]).setup,
                               ip="127.0.10.160")
    other = _standby(groups=(ClusterGroup("Cluster Group", "EXNODE3", ("Q",)),))
    (found,) = likenamed.problems(good, S["EVS1"], other)
    assert found.field == "cluster.target_node"
    assert found.message == ("EXCLUS2 has no group named 'EVS1 Group': create it with the "
                             "disks of EVS1 before protecting")
    ready = _standby(groups=(ClusterGroup("EVS1 Group", "EXNODE3", ("E",)),))
    assert likenamed.problems(good, S["EVS1"], ready) == []


def test_the_stand_in_s_own_address_is_not_taken_for_another_s() -> None:
    """Re-validating a protected pair: the node now carries the IP Enable Protection made."""
    good = dataclasses.replace(likenamed.choices(S["EVS1"], S["EXNODE3"]).setup,
                               ip="127.0.10.160")
    node = _standby(virtual_servers=(VirtualServer("EVS1_LN", "127.0.10.160", "EVS1 Group"),))
    node = dataclasses.replace(node, nics=(Nic("Public", ("127.0.10.63", "127.0.10.160"), 24),))
    assert likenamed.problems(good, S["EVS1"], node) == []
    stranger = dataclasses.replace(node, apps=S["EXNODE3"].apps)
    assert "already used by EXNODE3" in likenamed.problems(good, S["EVS1"], stranger)[0].message


def test_the_four_stand_in_resources_in_creation_order() -> None:
    setup = ClusterSection(True, "EXNODE3", "Public", "127.0.10.160", "255.255.255.0", ["E"])
    res = likenamed.stand_in_resources("evs1", setup)
    assert [(r.name, r.type, r.depends, r.online) for r in res] == [
        ("EVS1_LN IP Address", "IP Address", (), True),
        ("EVS1_LN", "Network Name", ("EVS1_LN IP Address",), True),
        ("EVS1_LN post-failover script", "Generic Script", ("EVS1_LN",), False),
        ("EVS1_LN pre-failback script", "Generic Script", ("EVS1_LN",), False)]
    assert res[0].params("EVS1 Group") == {
        "action": "create", "name": "EVS1_LN IP Address", "group": "EVS1 Group",
        "type": "IP Address", "private": {"Address": "127.0.10.160",
                                          "SubnetMask": "255.255.255.0", "Network": "Public"},
        "depends": [], "online": True, "wait": CLUSTER_WAIT}
    assert res[3].private == {"ScriptFilepath": "C:\\Program Files\\appmgr\\cluster\\EVS1_LN\\"
                                                "pre_failback_LN.vbs"}
    assert likenamed.temp_name("EVS1_LN") == "EVS1_LN"
