"""The target's last snapshot in a pair's status, whatever its state (F-6.3, F-8.5).

The snapshots lie on the target. A watched pair hears of the newest from the
target's failover monitor; a failed-over pair has no monitor any more (and a
pair may run with monitoring off), yet the target still holds its snapshots:
the Dashboard, ``status`` and the Monitor tab say how old the newest is.
"""

from __future__ import annotations

from collections.abc import Callable

from core.model.pair import Pair
from core.protection.disable import set_monitoring
from core.protection.failover import failover
from core.protection.overview import overview, protected_records
from core.protection.status import pair_status
from core.protection.status_sweep import EnginePool, wanted
from core.store import PairRecord, PairStore
from tui.cli import output

from .doubles import World

NAME = "fileprint_FS01_FS02"
PAIR = Pair("fileprint", "FS01", "FS02")
TAKEN = 999_000.0  # the world's clock reads 1,000,000: taken 1,000 s ago


def _failed_over(world: World, store: PairStore, tokens: Callable[[], str]) -> None:
    world.src.reachable = False
    world.hosts["FS01"].reachable = False
    world.tgt.declare_failure(NAME)
    assert pair_status(world.ctx, store, PAIR).state.value == "Failure detected"
    failover(world.ctx, store, PAIR, lambda _: None, token_factory=tokens)
    assert store.record(PAIR).state == "Failed over" and NAME not in world.tgt.monitors


def test_a_failed_over_pair_shows_the_targets_last_snapshot(
        world: World, store: PairStore, protected: PairRecord,
        tokens: Callable[[], str]) -> None:
    world.tgt.last_snapshot[NAME] = TAKEN
    [row] = overview(world.ctx, store, [PAIR])
    assert row.last_snapshot == TAKEN  # from the monitor while watched
    _failed_over(world, store, tokens)

    [row] = overview(world.ctx, store, [PAIR])  # the Dashboard's poll
    assert (row.state, row.last_snapshot) == ("Failed over", TAKEN)
    st = pair_status(world.ctx, store, PAIR)  # `status FS01 FS02` and the Monitor tab
    assert st.stats.last_snapshot == TAKEN and st.monitor is None
    assert st.target_reachable is True and st.errors == []
    assert st.to_dict()["last_snapshot"] == TAKEN
    assert "  snapshot     last taken " in output.status(st.to_dict())

    # through the poll's sweep too: the target's stats are asked ahead with the others
    [rec] = protected_records(store)
    assert wanted(rec) == [("FS02", "stats", NAME)]
    pool = EnginePool(world.ctx.engine)
    [row] = overview(world.ctx, store, [PAIR], pool)
    assert row.last_snapshot == TAKEN
    pool.close()


def test_a_target_that_does_not_answer_or_holds_no_set_says_so_not_a_snapshot(
        world: World, store: PairStore, protected: PairRecord,
        tokens: Callable[[], str]) -> None:
    world.tgt.last_snapshot[NAME] = TAKEN
    _failed_over(world, store, tokens)
    world.tgt.reachable = False
    st = pair_status(world.ctx, store, PAIR)
    assert (st.stats.last_snapshot, st.target_reachable) == (None, False)
    world.tgt.reachable = True
    world.tgt.accepts.pop(NAME)  # the target no longer accepts the set: nothing to show
    st = pair_status(world.ctx, store, PAIR)
    assert (st.stats.last_snapshot, st.errors, st.label) == (None, [], "Failed over")


def test_a_pair_watched_without_monitoring_shows_the_last_snapshot_too(
        world: World, store: PairStore, protected: PairRecord) -> None:
    world.tgt.last_snapshot[NAME] = TAKEN
    set_monitoring(world.ctx, store, PAIR, False)
    [rec] = protected_records(store)
    assert not rec.monitoring and ("FS02", "stats", NAME) in wanted(rec)
    [row] = overview(world.ctx, store, [PAIR])
    assert (row.state, row.last_snapshot) == ("Protected", TAKEN)
