"""Every pair's status in one poll (the dashboard, ``status`` without a pair)."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import Unreachable
from core.model.pair import Pair
from core.protection.overview import EnginePool, overview, protected_pairs, protected_records
from core.protection.poll_store import PollStore
from core.store import PairRecord, PairStore

from .doubles import World

PAIR = Pair("fileprint", "FS01", "FS02")


def test_only_protected_pairs_each_with_its_honest_state(world: World, store: PairStore,
                                                         protected: PairRecord) -> None:
    store.save_record(PairRecord("fileprint", "FS03", "FS04", state="Validated"))
    assert protected_pairs(store) == [PAIR]
    [row] = overview(world.ctx, store, protected_pairs(store))
    assert (row.pair, row.state, row.condition, row.exit_code) == (PAIR, "Protected", "", 0)
    assert row.mirror_percent == 100.0 and row.last_heartbeat is not None and row.counters
    world.tgt.reachable = False
    [row] = overview(world.ctx, store, [PAIR])
    assert (row.state, row.condition, row.exit_code) == ("Degraded", "Target unreachable", 1)
    assert row.reason.startswith("Target unreachable since ")


def test_a_pair_that_cannot_be_read_is_unknown_with_why(world: World, store: PairStore,
                                                        protected: PairRecord) -> None:
    ghost = Pair("fileprint", "FS09", "FS02")  # a record whose source no engine serves
    store.save_record(PairRecord("fileprint", "FS09", "FS02", state="Protected",
                                 facts={"set_name": "x"}))
    rows = overview(world.ctx, store, [PAIR, ghost])
    assert [r.pair for r in rows] == [PAIR, ghost]  # in order, none left out
    assert rows[0].state == "Protected"
    assert rows[1].state == "Status unknown" and "FS09" in rows[1].reason
    assert rows[1].exit_code == 1


def test_engine_clients_are_kept_between_polls_and_dropped_after_an_error(
        world: World, store: PairStore, protected: PairRecord) -> None:
    opened: list[str] = []

    def connect(name: str) -> Any:
        opened.append(name.upper())
        return world.ctx.engine(name)

    pool = EnginePool(connect)
    for _ in range(3):
        assert overview(world.ctx, store, [PAIR], pool)[0].state == "Protected"
    assert sorted(opened) == ["FS01", "FS02"]  # one client per engine, not per poll
    world.src.reachable = False  # the kept client fails: it is dropped
    [row] = overview(world.ctx, store, [PAIR], pool)
    assert row.condition == "Source unreachable"
    assert row.counters is False  # nobody said what the mirror is: not a 0 % that reads as read
    world.src.reachable = True
    assert overview(world.ctx, store, [PAIR], pool)[0].state == "Protected"
    assert sorted(opened) == ["FS01", "FS01", "FS02"]  # connected afresh
    pool.close()


def test_poll_store_parses_a_configuration_again_only_when_it_changed(
        world: World, store: PairStore, protected: PairRecord) -> None:
    polled = PollStore(world.ctx.paths)
    first = polled.load_config(PAIR)
    assert first is not None and polled.load_config(PAIR) is first
    first.monitoring.missed = 9  # saved by someone else: the poll sees the new file
    store.save_config(first)
    again = polled.load_config(PAIR)
    assert again is not first and again is not None and again.monitoring.missed == 9
    assert polled.load_config(Pair("fileprint", "FS03", "FS04")) is None


def test_kept_client_passes_errors_on(world: World) -> None:
    pool = EnginePool(world.ctx.engine)
    eng = pool.get("FS01")
    world.src.reachable = False
    with pytest.raises(Unreachable):
        eng.info()


def test_poll_store_records_are_the_callers_own_and_saves_are_seen(
        world: World, store: PairStore, protected: PairRecord) -> None:
    polled = PollStore(world.ctx.paths)
    rec = polled.record(PAIR)
    rec.extra["conditions_since"] = {"Target unreachable": 1.0}  # not saved
    rec.state = "Failure detected"
    again = polled.record(PAIR)
    assert again.state == "Protected" and "conditions_since" not in again.extra
    assert [r.source for r in polled.records()] == ["FS01"]
    store.save_record(rec)  # saved by anyone: the next read sees it
    assert polled.record(PAIR).state == "Failure detected"
    assert polled.records()[0].state == "Failure detected"


def test_the_listed_records_judge_alike_and_a_move_is_saved(world: World, store: PairStore,
                                                            protected: PairRecord) -> None:
    """The dashboard judges from the records it just listed (read only): the same
    rows, and a lifecycle move is still written to the pair's record."""
    rec = store.record(PAIR)
    rec.state = "Mirroring"  # the engine reports the mirror complete: Protected now
    store.save_record(rec)
    listed = protected_records(store)
    [row] = overview(world.ctx, store, [r.pair for r in listed], records=listed)
    assert (row.state, row.exit_code) == ("Protected", 0)
    assert store.record(PAIR).state == "Protected" and listed[0].state == "Mirroring"
    world.tgt.reachable = False
    listed = protected_records(store)
    [row] = overview(world.ctx, store, [PAIR], records=listed)
    assert (row.state, row.condition) == ("Degraded", "Target unreachable")
