"""The source's DNS record is locked by DNS failover and unlocked by failback (F-9.4)."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import Refused
from core.model.pair import Pair
from core.protection.failback import failback
from core.protection.failover import failover
from core.store import PairRecord, PairStore

from .doubles import FS01, IP2, World
from .test_failover import PAIR, _fail_source, _log

RECORD = FS01.rstrip(".")


def test_failover_locks_the_source_record_and_failback_unlocks_it(
        world: World, store: PairStore, protected: PairRecord,
        tokens: Callable[[], str]) -> None:
    _fail_source(world, store)
    results = failover(world.ctx, store, Pair(*PAIR), token_factory=tokens)
    assert world.directory.locked == {RECORD: "FS01$"}
    assert f"{RECORD} locked" in results[-1].message
    dfo = (world.ctx.paths.logs / "dfo" / "FS01.log").read_text()
    assert f"{RECORD} locked" in dfo

    world.src.reachable = world.hosts["FS01"].reachable = True
    back = failback(world.ctx, store, Pair(*PAIR), token_factory=tokens)
    assert world.directory.locked == {}
    assert f"{RECORD} unlocked" in back[-1].message


def test_a_lock_the_directory_refuses_is_said_and_the_failover_still_done(
        world: World, store: PairStore, protected: PairRecord,
        tokens: Callable[[], str]) -> None:
    world.directory.error = Refused("insufficient access rights on the record")
    _fail_source(world, store)
    results = failover(world.ctx, store, Pair(*PAIR), token_factory=tokens)
    assert results[-1].ok and world.dns.a() == (IP2,)  # the records moved all the same
    said = f"{RECORD} was not locked against FS01$: insufficient access rights on the record"
    assert said in results[-1].message
    assert said in _log(world)
    assert said in (world.ctx.paths.logs / "dfo" / "FS01.log").read_text()
    assert store.record(Pair(*PAIR)).state == "Failed over"
