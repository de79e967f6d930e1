"""Cluster checks and the configuration checks of failover type, monitoring and snapshots."""

from __future__ import annotations

from core.model.config import ServiceItem
from core.validation import Status, fix
from tests.core.doubles import FakeWorld
from tests.core.validation.appworld import app_config, applies, check


def test_cluster_checks_apply_only_to_cluster_pairs(lab: FakeWorld) -> None:
    plain = app_config(lab, "exchange", "EXCH01", "EXCH02")
    evs = app_config(lab, "exchange", "EVS1", "EXCH02")
    for cid in ("cluster.support", "cluster.failover_type", "cluster.app_monitoring",
                "cluster.node_failover"):
        assert applies(lab, evs, cid) and not applies(lab, plain, cid)
    assert applies(lab, plain, "config.failover_type") and not applies(lab, evs,
                                                                         "config.failover_type")


# --- cluster.support ------------------------------------------------------------------------
def test_support_passes_for_exchange_2003_cluster_to_standalone(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "exchange", "EVS1", "EXCH02"), "cluster.support")
    assert (res.status, res.reason) == (
        Status.PASSED, "Exchange 2003: cluster-to-standalone is supported")


def test_support_fails_for_sql_cluster_to_standalone(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sql", "SQLVS1", "SQL02"), "cluster.support")
    assert res.status is Status.ERROR
    assert res.reason == ("SQLVS1 → SQL02: sql 2008 does not support cluster-to-standalone "
                          "protection")


# --- cluster.failover_type ------------------------------------------------------------------
def test_failover_type_of_a_cluster_and_its_config_fix(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EVS1", "EXCH02")
    assert check(lab, cfg, "cluster.failover_type").status is Status.PASSED
    cfg.failover.type = "identity"
    res = check(lab, cfg, "cluster.failover_type")
    assert res.status is Status.ERROR and res.fixable
    out = fix(lab.ctx, cfg, "cluster.failover_type")
    assert out.config_changed and out.config.failover.type == "dns"
    assert out.result.status is Status.PASSED and cfg.failover.type == "identity"


# --- cluster.app_monitoring -----------------------------------------------------------------
def test_app_monitoring_of_a_cluster_and_its_fix(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sql", "SQLVS1", "SQL02")
    assert check(lab, cfg, "cluster.app_monitoring").status is Status.PASSED
    cfg.monitoring.application.enabled = True
    res = check(lab, cfg, "cluster.app_monitoring")
    assert res.status is Status.ERROR and "not available for clusters" in res.reason
    out = fix(lab.ctx, cfg, "cluster.app_monitoring")
    assert not out.config.monitoring.application.enabled and out.result.status is Status.PASSED


# --- cluster.node_failover ------------------------------------------------------------------
def test_node_failover_warns_and_fix_raises_missed_packets(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sql", "SQLVS1", "SQL02")  # 5 s x 5 = 25 s < 60 s node failover
    res = check(lab, cfg, "cluster.node_failover")
    assert res.status is Status.WARNING and res.fixable
    assert res.reason.startswith("failure declared after 25 s, but a node failover of SQLCLUS "
                                 "takes up to 60 s")
    out = fix(lab.ctx, cfg, "cluster.node_failover")
    assert out.config.monitoring.missed == 13 and out.result.status is Status.PASSED
    assert out.result.reason == ("failure declared after 65 s, longer than a node failover of "
                                 "SQLCLUS (60 s)")


# --- cluster.like_named ---------------------------------------------------------------------
def test_like_named_applies_only_when_chosen_and_checks_the_setup(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EVS1", "EXNODE3")
    assert not applies(lab, cfg, "cluster.like_named")
    cfg.cluster.like_named = True
    res = check(lab, cfg, "cluster.like_named")
    assert res.status is Status.ERROR and "enter a node of the target cluster" in res.reason
    cfg.cluster.target_node, cfg.cluster.network = "EXNODE3", "Local Area Connection"
    cfg.cluster.ip, cfg.cluster.subnet_mask = "127.0.10.160", "255.255.255.0"
    cfg.cluster.storage = ["E", "F"]
    res = check(lab, cfg, "cluster.like_named")
    assert res.status is Status.PASSED, res.reason


def test_like_named_failover_is_said_to_be_by_hand_before_protection(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EVS1", "EXNODE3")
    assert not applies(lab, cfg, "cluster.like_named_failover")
    cfg.cluster.like_named = True
    res = check(lab, cfg, "cluster.like_named_failover")
    assert res.status is Status.WARNING and not res.fixable
    assert "re-creating its resources there on failover must be done by hand" in res.reason


def test_like_named_target_is_a_node_of_another_cluster(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EVS1", "EXNODE2", "cluster.target_node=EXNODE2",
                     "cluster.network=Local Area Connection", "cluster.ip=127.0.10.160",
                     "cluster.subnet_mask=/24")
    cfg.cluster.like_named = True
    res = check(lab, cfg, "cluster.like_named")
    assert res.status is Status.ERROR
    assert "EXNODE2 is a node of EXCLUS, EVS1's own cluster" in res.reason


def test_like_named_is_for_exchange_2003_only(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EXCH01", "EXCH02")
    cfg.cluster.like_named = True
    res = check(lab, cfg, "cluster.like_named")
    assert res.status is Status.ERROR and "Exchange 2003 only" in res.reason


# --- config.failover_type / config.app_monitoring / config.snapshots -------------------------
def test_config_failover_type_says_who_runs_identity_failover(lab: FakeWorld) -> None:
    cfg = app_config(lab, "fileprint", "FS01", "FS02")
    assert check(lab, cfg, "config.failover_type").status is Status.PASSED
    cfg.failover.type = "identity"
    res = check(lab, cfg, "config.failover_type")
    assert res.status is Status.PASSED and "FS02's engine takes over" in res.reason
    assert "when you fail over" in res.reason  # manual intervention is on by default
    ident = cfg.failover.identity
    ident.ip_address = ident.server_name = ident.shares = False
    res = check(lab, cfg, "config.failover_type")
    assert res.status is Status.WARNING and "takes over nothing" in res.reason


def test_config_app_monitoring(lab: FakeWorld) -> None:
    cfg = app_config(lab, "fileprint", "FS01", "FS02")
    assert check(lab, cfg, "config.app_monitoring").reason == "application monitoring is off"
    cfg.monitoring.application.enabled = True
    res = check(lab, cfg, "config.app_monitoring")
    assert res.status is Status.ERROR and "WMI scripts" in res.reason
    cfg.monitoring.application.wmi_user = "LAB\\wmi"
    res = check(lab, cfg, "config.app_monitoring")  # a file server lists no services
    assert res.status is Status.ERROR and "there are none" in res.reason
    cfg.failover.services = [ServiceItem("LanmanServer", True, False)]
    res = check(lab, cfg, "config.app_monitoring")
    assert res.status is Status.WARNING and "beta" in res.reason


def test_snapshot_interval_fix(lab: FakeWorld) -> None:
    cfg = app_config(lab, "fileprint", "FS01", "FS02")
    cfg.snapshots.enabled, cfg.snapshots.interval_min = True, 5
    res = check(lab, cfg, "config.snapshots")
    assert res.status is Status.ERROR and res.fixable
    out = fix(lab.ctx, cfg, "config.snapshots")
    assert out.config.snapshots.interval_min == 15 and out.result.status is Status.PASSED
