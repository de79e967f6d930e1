"""Failover to a snapshot: the source is cut off, the target rolled back, then the plan
runs; a wrong id changes nothing; a rollback that failed is redone when resumed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.errors import NotFound, Refused, StateError
from core.model.pair import Pair
from core.protection.failover import SNAPSHOT_KEY, failover
from core.store import PairRecord, PairStore

from .doubles import World
from .test_failover import NAME, PAIR, _fail_source, _log

SID = "20261207T150632Z"


def test_the_target_is_rolled_back_before_the_plan(world: World, store: PairStore,
                                                   protected: PairRecord,
                                                   tokens: Callable[[], str]) -> None:
    world.tgt.snaps = {NAME: [SID]}
    _fail_source(world, store)
    failover(world.ctx, store, Pair(*PAIR), token_factory=tokens, snapshot=SID)
    ops = [(c[0], c[1]) for c in world.calls]
    # checked before anything changes; the new token before the rollback; then the plan
    assert ops[:3] == [("FS02", "snapshots"), ("FS02", "accept"),
                       ("FS02", "rollback_snapshot")]
    assert ops.index(("FS02", "rollback_snapshot")) < ops.index(("FS02", "delete_monitor"))
    assert world.calls[2][2] == (NAME, SID)
    rec = store.record(Pair(*PAIR))
    assert rec.state == "Failed over" and SNAPSHOT_KEY not in rec.extra
    assert (f"FS02 rolled back to snapshot {SID}: 2 file(s) restored, 1 removed, "
            "7 unchanged") in _log(world)


def test_an_unknown_snapshot_changes_nothing(world: World, store: PairStore,
                                             protected: PairRecord) -> None:
    _fail_source(world, store)
    with pytest.raises(NotFound, match="FS02 has no snapshot 19990101T000000Z"):
        failover(world.ctx, store, Pair(*PAIR), snapshot="19990101T000000Z")
    assert store.record(Pair(*PAIR)).state == "Failure detected"
    assert [c[1] for c in world.calls] == ["snapshots"]


def test_a_snapshot_written_since_it_was_taken_is_refused_before_anything_changes(
        world: World, store: PairStore, protected: PairRecord) -> None:
    world.tgt.snaps = {NAME: [SID]}
    world.tgt.written = {SID: ["E:\\Data\\db.mdf"]}
    _fail_source(world, store)
    with pytest.raises(Refused) as err:
        failover(world.ctx, store, Pair(*PAIR), snapshot=SID)
    assert f"FS02: snapshot {SID} is no longer the data it was taken with" in str(err.value)
    assert "E:\\Data\\db.mdf" in str(err.value)
    assert store.record(Pair(*PAIR)).state == "Failure detected"  # nothing changed
    assert [c[1] for c in world.calls] == ["snapshots"]


def test_a_failed_rollback_is_redone_when_the_failover_resumes(
        world: World, store: PairStore, protected: PairRecord) -> None:
    world.tgt.snaps = {NAME: [SID]}
    _fail_source(world, store)
    world.tgt.fail["rollback_snapshot"] = Refused("the data channel did not end")
    with pytest.raises(Refused):
        failover(world.ctx, store, Pair(*PAIR), snapshot=SID)
    rec = store.record(Pair(*PAIR))
    assert rec.state == "Failing over" and rec.extra[SNAPSHOT_KEY] == {"id": SID, "done": False}
    failover(world.ctx, store, Pair(*PAIR))  # resumed, without naming the snapshot again
    assert [c[2] for c in world.calls if c[1] == "rollback_snapshot"] == [(NAME, SID)] * 2
    assert store.record(Pair(*PAIR)).state == "Failed over"


def test_graceful_and_a_snapshot_do_not_mix(world: World, store: PairStore,
                                            protected: PairRecord) -> None:
    with pytest.raises(StateError, match="choose one"):
        failover(world.ctx, store, Pair(*PAIR), graceful=True, snapshot=SID)
