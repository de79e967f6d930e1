"""Every pair's status in one poll (the dashboard, ``status`` without a pair)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from core.errors import Unreachable
from core.model.pair import Pair
from core.protection import overview as ov_mod
from core.protection.overview import EnginePool, overview, protected_pairs, read_all
from core.store import PairRecord, PairStore

from .doubles import World

PAIR = Pair("fileprint", "FS01", "FS02")


def test_only_protected_pairs_each_with_its_honest_state(world: World, store: PairStore,
                                                         protected: PairRecord) -> None:
    store.save_record(PairRecord("fileprint", "FS03", "FS04", state="Validated"))
    assert protected_pairs(store) == [PAIR]
    [row] = overview(world.ctx, store, protected_pairs(store))
    assert (row.pair, row.state, row.condition, row.exit_code) == (PAIR, "Protected", "", 0)
    assert row.mirror_percent == 100.0 and row.last_heartbeat is not None
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
    assert overview(world.ctx, store, [PAIR], pool)[0].condition == "Source unreachable"
    world.src.reachable = True
    assert overview(world.ctx, store, [PAIR], pool)[0].state == "Protected"
    assert sorted(opened) == ["FS01", "FS01", "FS02"]  # connected afresh
    pool.close()


def test_pairs_are_read_concurrently_never_more_than_the_bound(
        world: World, store: PairStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reads meet in threes (a serial reader would never pass the barrier) and never
    more than three are in at once."""
    bound = 3
    barrier = threading.Barrier(bound, timeout=30)
    inside, most = 0, 0
    lock = threading.Lock()

    def reading(ctx: Any, st: Any, app: str, source: str, target: str) -> str:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        barrier.wait()
        with lock:
            inside -= 1
        return source

    monkeypatch.setattr(ov_mod, "pair_status", reading)
    pairs = [Pair("fileprint", f"S{i}", f"T{i}") for i in range(bound * 4)]
    got = read_all(world.ctx, store, pairs, workers=bound)
    assert got == [p.source for p in pairs] and most == bound


def test_kept_client_passes_errors_on(world: World) -> None:
    pool = EnginePool(world.ctx.engine)
    eng = pool.get("FS01")
    world.src.reachable = False
    with pytest.raises(Unreachable):
        eng.info()
