"""Like-named clusters (SPEC F-5.6) and the cluster rules of F-6/F-10."""

from __future__ import annotations

import dataclasses

import pytest

from core.apps import likenamed
from core.config import apply_assignments, config_problems, default_config
from core.model.config import ClusterSection
from tests.core.apps.app_estate import app_servers

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
        S["EVS1"].apps, exchange=dataclasses.replace(S["EVS1"].apps.exchange, version="2007")))
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
