"""A pair stuck mid-failover can always be aborted or unprotected (issue 10 item 4): abort ends
the plan under the plan lock and says which steps ran and which did not."""

from __future__ import annotations

import pytest

from core.errors import StateError, Unreachable
from core.model.pair import Pair
from core.protection.abort import abort
from core.protection.disable import disable
from core.protection.errors import StepsFailed
from core.protection.failover import failover
from core.protection.plan_lock import plan_lock
from core.protection.status import pair_status
from core.store import PairRecord, PairStore

from .doubles import World

NAME = "fileprint_FS01_FS02"
PAIR = ("fileprint", "FS01", "FS02")


def _stuck(world: World, store: PairStore) -> None:
    """A failover that raised at its third step: the pair is left Failing over."""
    world.src.reachable = False
    world.hosts["FS01"].reachable = False
    world.tgt.declare_failure(NAME)
    assert pair_status(world.ctx, store, Pair(*PAIR)).state.value == "Failure detected"
    world.hosts["FS02"].fail["add_share"] = Unreachable("FS02 did not answer within 5 s (WinRM)")
    with pytest.raises(StepsFailed):
        failover(world.ctx, store, Pair(*PAIR))
    assert store.record(Pair(*PAIR)).state == "Failing over"


def test_abort_ends_a_stuck_failover_and_says_what_ran_and_what_did_not(
        world: World, store: PairStore, protected: PairRecord) -> None:
    _stuck(world, store)
    report = abort(world.ctx, store, Pair(*PAIR))
    assert report.operation == "failover" and report.before == "Failing over"
    assert report.after == "Failure detected"
    assert report.done == (f"post-failover: stop-replication {NAME}",
                           f"post-failover: stop-monitor {NAME}")
    assert [x.split()[1] for x in report.not_done] == [
        "publish-share", "publish-share", "dns-failover"]
    text = report.sentence()
    assert "aborted" in text and "did not answer" in text and "Steps that did not run" in text
    rec = store.record(Pair(*PAIR))
    assert rec.state == "Failure detected" and rec.phase == "" and rec.steps_done == []
    assert text in (world.ctx.paths.logs / "failover" / "FS01.log").read_text()
    # failover can be retried: it runs from the first step again
    results = failover(world.ctx, store, Pair(*PAIR))
    assert not any(r.skipped for r in results) and len(results) == 5
    assert store.record(Pair(*PAIR)).state == "Failed over"


def test_abort_is_refused_while_another_process_runs_the_plan(
        world: World, store: PairStore, protected: PairRecord) -> None:
    _stuck(world, store)
    with plan_lock(world.ctx.paths, Pair(*PAIR), "failover", "appmgr watch", 0.0), \
            pytest.raises(StateError, match="appmgr watch on .* is running the failover plan"):
        abort(world.ctx, store, Pair(*PAIR))
    assert store.record(Pair(*PAIR)).state == "Failing over"


def test_there_is_nothing_to_abort_on_a_protected_pair(
        world: World, store: PairStore, protected: PairRecord) -> None:
    with pytest.raises(StateError, match="no failover or failback to abort.*Protected"):
        abort(world.ctx, store, Pair(*PAIR))


def test_unprotect_of_a_stuck_pair_needs_force_and_then_aborts_first(
        world: World, store: PairStore, protected: PairRecord) -> None:
    _stuck(world, store)
    with pytest.raises(StateError, match="Failing over.*abort.*--force"):
        disable(world.ctx, store, Pair(*PAIR))
    assert store.record(Pair(*PAIR)).state == "Failing over"
    world.src.reachable = True  # the source is back: its set can be removed
    said: list[str] = []
    rec = disable(world.ctx, store, Pair(*PAIR), said.append, force=True)
    assert rec.state == "Unprotected"
    assert said[0].startswith("The failover was aborted") and "Steps that ran" in said[0]


def test_a_stuck_failback_goes_back_to_failed_over_and_unprotect_force_works(
        world: World, store: PairStore, protected: PairRecord) -> None:
    from core.protection.failback import failback

    world.src.reachable = False
    world.tgt.declare_failure(NAME)
    failover(world.ctx, store, Pair(*PAIR))
    world.src.reachable = True
    world.hosts["FS01"].reachable = True
    world.hosts["FS02"].fail["remove_share"] = Unreachable("FS02 did not answer within 5 s")
    with pytest.raises(StepsFailed):
        failback(world.ctx, store, Pair(*PAIR))
    assert store.record(Pair(*PAIR)).state == "Failing back"
    report = abort(world.ctx, store, Pair(*PAIR))
    assert (report.operation, report.after) == ("failback", "Failed over")
    assert report.not_done and report.not_done[0].startswith("pre-failback: ")
    rec = store.record(Pair(*PAIR))
    rec.state = "Failing back"  # stuck again
    store.save_record(rec)
    assert disable(world.ctx, store, Pair(*PAIR), force=True).state == "Unprotected"
