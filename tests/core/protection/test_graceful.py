"""Graceful failover (SPEC F-9.2, issue 10 item 5): drain first (bounded), stop the source's
services before the target's start; refused for SharePoint and the file server."""

from __future__ import annotations

import pytest

from core.errors import StateError
from core.model.config import ProtectionConfig, ServiceItem
from core.model.pair import Pair
from core.protection import failover as failover_mod
from core.protection.drain import graceful_refusal
from core.protection.errors import DrainTimeout
from core.protection.failover import failover
from core.store import PairRecord, PairStore

from .doubles import World, file_config

NAME = "fileprint_FS01_FS02"
PAIR = ("fileprint", "FS01", "FS02")


@pytest.fixture
def cfg() -> ProtectionConfig:
    c = file_config()
    c.failover.services = [ServiceItem("AppDb"), ServiceItem("AppWeb")]
    return c


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fileprint world stands in for an application that has a graceful failover."""
    monkeypatch.setattr(failover_mod, "graceful_refusal", lambda app: None)


def _services(world: World) -> list[tuple[int, str, str, bool]]:
    return [(i, c[0], c[2][0], c[2][1]) for i, c in enumerate(world.calls) if c[1] == "set_service"]


def test_sharepoint_and_the_file_server_have_no_graceful_failover() -> None:
    assert "File Server has no graceful failover" in (graceful_refusal("fileprint") or "")
    assert "does not support graceful/soft failover" in (graceful_refusal("sharepoint") or "")
    assert graceful_refusal("sql") is None and graceful_refusal("exchange") is None


def test_graceful_is_refused_for_the_file_server_with_the_reason(
        world: World, store: PairStore, protected: PairRecord) -> None:
    with pytest.raises(StateError, match="File Server has no graceful failover.*F-9.2"):
        failover(world.ctx, store, Pair(*PAIR), graceful=True)
    assert store.record(Pair(*PAIR)).state == "Protected"
    assert not _services(world)


def test_graceful_drains_then_stops_the_source_before_the_target_starts(
        world: World, store: PairStore, protected: PairRecord, offered: None) -> None:
    world.src.queued[NAME] = [(3, 3000), (1, 100), (0, 0)]
    said: list[str] = []
    results = failover(world.ctx, store, Pair(*PAIR), said.append, graceful=True, drain_timeout=30)
    assert [r.step for r in results[:3]] == [
        "stop-service AppWeb on=source", "stop-service AppDb on=source",
        f"drain {NAME} timeout=30"]
    services = _services(world)
    # the source's services stop (reverse order) before any of the target's starts
    assert [(s, n, on) for _i, s, n, on in services] == [
        ("FS01", "AppWeb", False), ("FS01", "AppDb", False),
        ("FS02", "AppDb", True), ("FS02", "AppWeb", True)]
    calls = [(c[0], c[1]) for c in world.calls]
    first_stop = services[0][0]
    # drained before anything changed, and once more after the source's services stopped
    assert ("FS01", "stats") in calls[:first_stop]
    assert ("FS01", "stats") in calls[services[1][0]:calls.index(("FS02", "accept"))]
    assert calls.index(("FS02", "accept")) < services[2][0]
    assert store.record(Pair(*PAIR)).state == "Failed over"
    assert "graceful" not in str(store.record(Pair(*PAIR)).extra)
    assert any("drained in" in line for line in said)
    assert "starting failover (graceful)" in said


def test_the_drain_bound_says_what_was_left_and_changes_nothing(
        world: World, store: PairStore, protected: PairRecord, offered: None) -> None:
    world.src.queued[NAME] = [(7, 5 * 1024 * 1024)]
    with pytest.raises(DrainTimeout) as err:
        failover(world.ctx, store, Pair(*PAIR), graceful=True, drain_timeout=2)
    e = err.value
    assert (e.ops, e.bytes) == (7, 5 * 1024 * 1024)
    assert "did not drain within 2 s: 7 operation(s), 5.0 MB still queued on FS01" in str(e)
    assert "Nothing was changed" in str(e) and "--force" in str(e)
    rec = store.record(Pair(*PAIR))
    assert rec.state == "Protected" and rec.phase == ""
    assert not _services(world) and NAME in world.src.connections
    # forced: it carries on and the log says what the target did not get
    failover(world.ctx, store, Pair(*PAIR), graceful=True, drain_timeout=2, force=True)
    assert store.record(Pair(*PAIR)).state == "Failed over"
    log = (world.ctx.paths.logs / "failover" / "FS01.log").read_text()
    assert "forced on: The replication queue" in log and "7 operation(s)" in log


def test_failover_on_demand_of_an_application_with_graceful_failover_is_graceful(
        world: World, store: PairStore, protected: PairRecord, offered: None) -> None:
    results = failover(world.ctx, store, Pair(*PAIR))  # the source answers: never both serving
    assert results[0].step == "stop-service AppWeb on=source"
    assert world.hosts["FS01"].running == {"AppWeb": False, "AppDb": False}


def test_a_graceful_failover_stopped_part_way_resumes_gracefully(
        world: World, store: PairStore, protected: PairRecord, offered: None) -> None:
    world.hosts["FS01"].fail["set_service"] = StateError("AppWeb would not stop")
    with pytest.raises(Exception, match="AppWeb would not stop"):
        failover(world.ctx, store, Pair(*PAIR), graceful=True)
    assert store.record(Pair(*PAIR)).state == "Failing over"
    results = failover(world.ctx, store, Pair(*PAIR))
    assert [r.step.split()[0] for r in results[:3]] == ["stop-service", "stop-service", "drain"]
    assert store.record(Pair(*PAIR)).state == "Failed over"
