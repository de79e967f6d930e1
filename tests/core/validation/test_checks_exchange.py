"""Exchange checks on the lab estate's Exchange servers (pass and fail each)."""

from __future__ import annotations

import dataclasses
from typing import Any

from core.model.apps import ClusterInfo, VirtualServer
from core.model.config import ProtectionConfig
from core.ports import DirectoryComputer, RRSet
from core.validation import Status, fix
from tests.core.doubles import FakeDirectory, FakeWorld
from tests.core.validation.appworld import (
    app_config,
    applies,
    change,
    change_apps,
    check,
)
from tests.present import present


def _exch(lab: FakeWorld, server: str, **fields: Any) -> None:
    ex = dataclasses.replace(present(lab.hosts[server].server.apps.exchange), **fields)
    change_apps(lab, server, exchange=ex)


def _sg(lab: FakeWorld, server: str, index: int, **fields: Any) -> None:
    ex = present(lab.hosts[server].server.apps.exchange)
    groups = list(ex.storage_groups)
    groups[index] = dataclasses.replace(groups[index], **fields)
    _exch(lab, server, storage_groups=tuple(groups))


# --- exchange.target_not_dc -----------------------------------------------------------------
def test_target_not_dc_passes_for_a_member_server(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.target_not_dc")
    assert (res.status, res.reason) == (Status.PASSED, "EXCH02 is not a domain controller")


def test_target_not_dc_fails_on_dc02(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "exchange", "EXCH01", "DC02"), "exchange.target_not_dc")
    assert res.status is Status.ERROR and not res.fixable
    assert res.reason == "DC02 is a domain controller: the Exchange target cannot be one"


def test_exchange_checks_do_not_apply_to_other_applications(lab: FakeWorld) -> None:
    assert not applies(lab, app_config(lab, "fileprint", "FS01", "FS02"), "exchange.target_not_dc")


# --- exchange.admin_group -------------------------------------------------------------------
def test_admin_group_passes_when_the_same(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.admin_group")
    assert res.status is Status.PASSED and "Exchange Administrative Group" in res.reason


def test_admin_group_fails_when_different(lab: FakeWorld) -> None:
    _exch(lab, "EXCH02", admin_group="Second Administrative Group")
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.admin_group")
    assert res.status is Status.ERROR
    assert "EXCH02 in 'Second Administrative Group'" in res.reason


# --- exchange.role --------------------------------------------------------------------------
def test_role_passes_for_mailbox_servers(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.role")
    assert res.status is Status.PASSED


def test_role_fails_without_the_mailbox_role(lab: FakeWorld) -> None:
    _exch(lab, "EXCH02", roles=("hub", "cas"))
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.role")
    assert res.status is Status.ERROR
    assert res.reason == ("EXCH02 has no mailbox role (roles: hub, cas): only the mailbox role "
                          "is protected")


def test_role_fails_for_an_exchange_2003_front_end(lab: FakeWorld) -> None:
    _exch(lab, "EXCH02", version="2003", roles=("frontend",))
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.role")
    assert res.status is Status.ERROR and "front-end server" in res.reason


# --- exchange.engine_account ----------------------------------------------------------------
def test_engine_account_passes_for_local_system(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.engine_account")
    assert res.status is Status.PASSED


def test_engine_account_fails_and_fix_sets_local_system(lab: FakeWorld) -> None:
    _exch(lab, "EXCH02", service_account="LAB\\svc-engine")
    cfg = app_config(lab, "exchange", "EXCH01", "EXCH02")
    res = check(lab, cfg, "exchange.engine_account")
    assert res.status is Status.ERROR and res.fixable
    assert res.reason.startswith("the engine service on EXCH02 runs as LAB\\svc-engine")
    out = fix(lab.ctx, cfg, "exchange.engine_account")
    assert out.result.status is Status.PASSED
    assert ("run_op", "service_account", {"name": "AppMgrEngine", "account": "LocalSystem"}) \
        in lab.hosts["EXCH02"].calls
    assert not any(c[:2] == ("run_op", "service_account") for c in lab.hosts["EXCH01"].calls)


# --- exchange.dc_cluster_node ---------------------------------------------------------------
def test_dc_cluster_node_passes_for_evs1(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EVS1", "EXCH02")
    assert applies(lab, cfg, "exchange.dc_cluster_node")
    res = check(lab, cfg, "exchange.dc_cluster_node")
    assert (res.status, res.reason) == (Status.PASSED,
                                        "no domain controller among the nodes EXNODE1, EXNODE2")
    assert not applies(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"),
                       "exchange.dc_cluster_node")


def test_dc_cluster_node_fails_when_a_node_is_a_dc(lab: FakeWorld) -> None:
    dcs = [DirectoryComputer("EXNODE2", "CN=EXNODE2,OU=Domain Controllers,DC=lab,DC=example,DC=com")]
    lab.ctx.directory = lambda: FakeDirectory(dcs)
    res = check(lab, app_config(lab, "exchange", "EVS1", "EXCH02"), "exchange.dc_cluster_node")
    assert res.status is Status.ERROR
    assert res.reason.startswith("EXNODE2, a node of EXCLUS, is a domain controller")


# --- exchange.child_gc ----------------------------------------------------------------------
def test_child_gc_passes_in_the_forest_root(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.child_gc")
    assert (res.status, res.reason) == (Status.PASSED,
                                        "lab.example.com is the forest root: no child domain")


def _child(lab: FakeWorld, gcs: list[str]) -> None:
    for name in ("EXCH01", "EXCH02"):
        change(lab, name, domain="emea.lab.example.com")
    fake = lab.dns["127.0.10.1"]
    fake.zones["lab.example.com."][("_gc._tcp.lab.example.com.", "SRV")] = RRSet(
        "_gc._tcp.lab.example.com.", "SRV", 600, tuple(f"0 100 3268 {g}." for g in gcs))


def test_child_gc_passes_with_a_gc_in_the_child(lab: FakeWorld) -> None:
    _child(lab, ["dc01.lab.example.com", "dc05.emea.lab.example.com"])
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.child_gc")
    assert (res.status, res.reason) == (Status.PASSED, "emea.lab.example.com has a global catalog")


def test_child_gc_warns_when_dns_lists_no_global_catalog(lab: FakeWorld) -> None:
    for name in ("EXCH01", "EXCH02"):
        change(lab, name, domain="emea.lab.example.com")
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.child_gc")
    assert res.status is Status.WARNING and "_gc._tcp.lab.example.com" in res.reason


def test_child_gc_fails_without_one(lab: FakeWorld) -> None:
    _child(lab, ["dc01.lab.example.com"])
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.child_gc")
    assert res.status is Status.ERROR
    assert res.reason.startswith("no domain controller of emea.lab.example.com is a global catalog")


# --- exchange.storage_groups / sg_paths / mta_queue_paths -------------------------------------
def test_storage_groups_pass_for_exch01_exch02(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EXCH01", "EXCH02")
    res = check(lab, cfg, "exchange.storage_groups")
    assert res.reason == ("same storage groups on both: First Storage Group (E00), "
                          "Second Storage Group (E01)")
    assert check(lab, cfg, "exchange.sg_paths").status is Status.PASSED


def test_storage_groups_fail_on_a_missing_group_and_another_prefix(lab: FakeWorld) -> None:
    _sg(lab, "EXCH02", 0, log_prefix="E07")
    _sg(lab, "EXCH02", 1, name="Other Group")
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.storage_groups")
    assert res.status is Status.ERROR
    assert res.reason == ("'First Storage Group' logs with prefix E00 on EXCH01 but E07 on "
                          "EXCH02; EXCH02 has no storage group 'Second Storage Group'")


def test_sg_paths_fail_on_exch03(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH03"), "exchange.sg_paths")
    assert res.status is Status.ERROR and not res.fixable
    assert res.reason.startswith("First Storage Group logs and system files: EXCH01 "
                                 "E:\\Exchange\\Logs\\First Storage Group, EXCH03 "
                                 "F:\\ExchangeLogs\\First Storage Group; Second Storage Group")


def test_sg_paths_fail_on_a_moved_database(lab: FakeWorld) -> None:
    ex = present(lab.hosts["EXCH02"].server.apps.exchange)
    store = dataclasses.replace(ex.storage_groups[0].stores[0], edb_path="E:\\Moved\\db.edb")
    _sg(lab, "EXCH02", 0, stores=(store,))
    res = check(lab, app_config(lab, "exchange", "EXCH01", "EXCH02"), "exchange.sg_paths")
    assert res.status is Status.ERROR and "Mailbox Database database: EXCH01 E:\\Exchange" in res.reason


def test_paths_are_not_compared_for_a_like_named_cluster(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EXCH01", "EXCH03")
    cfg.cluster.like_named = True
    for cid in ("exchange.sg_paths", "exchange.storage_groups", "exchange.mta_queue_paths"):
        res = check(lab, cfg, cid)
        assert res.status is Status.PASSED and "like-named" in res.reason


def test_mta_queue_paths(lab: FakeWorld) -> None:
    cfg = app_config(lab, "exchange", "EXCH01", "EXCH02")
    res = check(lab, cfg, "exchange.mta_queue_paths")
    assert (res.status, res.reason) == (Status.PASSED,
                                        "Exchange 2007 has no MTA or queue path to compare")
    _exch(lab, "EXCH01", mta_path="E:\\Exchsrvr\\mtadata", queue_path="E:\\Q")
    _exch(lab, "EXCH02", mta_path="D:\\Exchsrvr\\mtadata", queue_path="E:\\Q\\")
    res = check(lab, cfg, "exchange.mta_queue_paths")
    assert res.status is Status.ERROR
    assert res.reason == ("MTA path: EXCH01 E:\\Exchsrvr\\mtadata, EXCH02 D:\\Exchsrvr\\mtadata "
                          "— the paths must be identical")


def test_cluster_info_is_what_the_estate_says(lab: FakeWorld) -> None:
    cluster = lab.servers["EVS1"].apps.cluster
    assert isinstance(cluster, ClusterInfo) and cluster.nodes == ("EXNODE1", "EXNODE2")
    assert isinstance(cluster.virtual_servers[0], VirtualServer)


def _like_named(lab: FakeWorld) -> ProtectionConfig:
    """EVS1 -> its standby node EXNODE3 (Exchange installed, no server object of its own)."""
    cfg = app_config(lab, "exchange", "EVS1", "EXNODE3", "cluster.target_node=EXNODE3",
                     "cluster.network=Local Area Connection", "cluster.ip=127.0.10.160",
                     "cluster.subnet_mask=/24", "cluster.storage=E,F")
    cfg.cluster.like_named = True
    return cfg


def test_a_like_named_target_runs_the_source_virtual_server_s_exchange(lab: FakeWorld) -> None:
    cfg = _like_named(lab)
    assert lab.servers["EXNODE3"].apps.exchange is None
    res = check(lab, cfg, "exchange.admin_group")
    assert res.status is Status.PASSED and res.reason.startswith(
        "like-named: EVS1 moves to the standby cluster as itself")
    assert check(lab, cfg, "exchange.role").status is Status.PASSED
    res = check(lab, cfg, "app.version")
    assert (res.status, res.reason) == (Status.PASSED, "Exchange EVS1 2003, EXNODE3 2003")


def test_a_like_named_target_without_exchange_installed_fails(lab: FakeWorld) -> None:
    cfg = _like_named(lab)
    node = lab.servers["EXNODE3"]
    change(lab, "EXNODE3", services=tuple(s for s in node.services
                                          if not s.name.startswith("MSExchange")))
    res = check(lab, cfg, "app.version")
    assert res.status is Status.ERROR and res.reason == "Exchange was not found on EXNODE3"
