"""Configuration, pair, application and directory checks (pass and fail each)."""

from __future__ import annotations

import dataclasses

import pytest

from core.model.state import PairState
from core.store import PairRecord, PairStore
from core.validation import Status, validate
from tests.core.doubles import FakeWorld
from tests.core.validation.vhelp import config_for, run_check


def _record(world: FakeWorld, source: str, target: str, state: PairState,
            app: str = "fileprint") -> None:
    PairStore(world.ctx.paths).save_record(PairRecord(app, source, target, state=state.value))


# --- config.ip_map --------------------------------------------------------------------------
def test_ip_map_passes(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "config.ip_map")
    assert (res.status, res.reason) == (Status.PASSED, "127.0.10.11 → 127.0.10.12")


def test_ip_map_fails_on_a_shared_target_ip(world: FakeWorld) -> None:
    src = world.hosts["FS01"]
    src.server = dataclasses.replace(src.server, ips=("127.0.10.11", "127.0.10.21"))
    cfg = config_for(world)
    cfg.failover.dns.ip_map = {"127.0.10.11": "127.0.10.12", "127.0.10.21": "127.0.10.12"}
    res = run_check(world, cfg, "config.ip_map")
    assert res.status is Status.ERROR
    assert res.reason.startswith("127.0.10.11 and 127.0.10.21 both map to 127.0.10.12")


def test_ip_map_fails_on_a_foreign_ip(world: FakeWorld) -> None:
    cfg = config_for(world, "FS01", "FS02", "failover.dns.ip_map=127.0.10.11:127.0.10.13")
    assert run_check(world, cfg, "config.ip_map").reason == "127.0.10.13 is not an IP of FS02"


# --- config.snapshots -----------------------------------------------------------------------
@pytest.mark.parametrize(("enabled", "interval", "status"), [
    (False, 5, Status.PASSED), (True, 15, Status.PASSED), (True, 14, Status.ERROR)])
def test_snapshots(world: FakeWorld, enabled: bool, interval: int, status: Status) -> None:
    cfg = config_for(world)
    cfg.snapshots.enabled, cfg.snapshots.interval_min = enabled, interval
    assert run_check(world, cfg, "config.snapshots").status is status


# --- config.consistency ---------------------------------------------------------------------
def test_consistency_passes(world: FakeWorld) -> None:
    assert run_check(world, config_for(world), "config.consistency").status is Status.PASSED


def test_consistency_fails_on_a_wrong_route_and_a_missing_share(world: FakeWorld) -> None:
    cfg = config_for(world, "FS01", "FS02", "connection.route=127.0.10.11",
                     "connection.shares=Data,Gone")
    res = run_check(world, cfg, "config.consistency")
    assert res.status is Status.ERROR
    assert "connection.route: 127.0.10.11 is not an IP of FS02" in res.reason
    assert "FS01 has no share named 'Gone'" in res.reason


def test_consistency_leaves_ttl_and_ip_map_to_their_own_checks(world: FakeWorld) -> None:
    cfg = config_for(world, "FS01", "FS02", "failover.dns.ttl=3600")
    assert run_check(world, cfg, "config.consistency").status is Status.PASSED


# --- pairs.target_not_source / pairs.source_not_target -----------------------------------
def test_target_not_source_passes_with_idle_records(world: FakeWorld) -> None:
    _record(world, "FS02", "FS03", PairState.UNPROTECTED)
    assert run_check(world, config_for(world), "pairs.target_not_source").status is Status.PASSED


def test_target_not_source_fails_when_target_is_protected_elsewhere(world: FakeWorld) -> None:
    _record(world, "FS02", "FS03", PairState.PROTECTED)
    res = run_check(world, config_for(world), "pairs.target_not_source")
    assert res.status is Status.ERROR
    assert res.reason == ("FS02 is already the source of the protected pair FS02 → FS03 "
                          "(fileprint, Protected)")


def test_source_not_target(world: FakeWorld) -> None:
    assert run_check(world, config_for(world), "pairs.source_not_target").status is Status.PASSED
    _record(world, "FS03", "FS01", PairState.MIRRORING)
    res = run_check(world, config_for(world), "pairs.source_not_target")
    assert res.status is Status.ERROR and "FS01 is already the target" in res.reason


def test_the_pair_itself_does_not_count(world: FakeWorld) -> None:
    _record(world, "FS01", "FS02", PairState.PROTECTED)
    report = validate(world.ctx, config_for(world))
    assert report.result("app.topology").status is Status.PASSED
    assert report.result("pairs.source_not_target").status is Status.PASSED


# --- app.topology / app.protectable ---------------------------------------------------------
def test_topology_refuses_one_to_many_and_many_to_one(world: FakeWorld) -> None:
    assert run_check(world, config_for(world), "app.topology").status is Status.PASSED
    _record(world, "FS01", "FS03", PairState.PROTECTED)
    res = run_check(world, config_for(world), "app.topology")
    assert res.status is Status.ERROR and "File Server protection is one to one" in res.reason
    assert "FS01 is already protected by FS01 → FS03" in res.reason


def test_protectable(world: FakeWorld) -> None:
    assert run_check(world, config_for(world), "app.protectable").status is Status.PASSED
    cfg = config_for(world)
    cfg.app = "exchange"  # every application is protectable since issue 4
    res = run_check(world, cfg, "app.protectable")
    assert (res.status, res.reason) == (Status.PASSED, "Exchange protection is available")


# --- directory.domain_suffix ----------------------------------------------------------------
@pytest.mark.parametrize(("domain", "status", "words"), [
    ("lab.example.com", Status.PASSED, "lab.example.com has a suffix"),
    ("LAB", Status.ERROR, "'lab' has no suffix"),
])
def test_domain_suffix(world: FakeWorld, domain: str, status: Status, words: str) -> None:
    world.ctx.domain = domain
    res = run_check(world, config_for(world), "directory.domain_suffix")
    assert res.status is status and words in res.reason


def test_domain_suffix_falls_back_to_the_source_inventory(world: FakeWorld) -> None:
    world.ctx.domain = ""
    assert run_check(world, config_for(world), "directory.domain_suffix").status is Status.PASSED
    src = world.hosts["FS01"]
    src.server = dataclasses.replace(src.server, domain="")
    res = run_check(world, config_for(world), "directory.domain_suffix")
    assert res.status is Status.ERROR and "not known" in res.reason
