"""Automatic failover (``appmgr watch``): the decision, the runner on a fake clock,
resuming after a crash, and the heartbeat the console reads."""

from __future__ import annotations

import pytest

from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.plan_lock import PlanHolder
from core.protection.watch import Decision, PairView, Watcher, decide
from core.protection.watch_beat import WatchBeat, judge, read_beat, watcher_state
from core.store import PairRecord, PairStore

from .doubles import IP2, World, file_config

S = PairState
NAME = "fileprint_FS01_FS02"
PAIR = ("fileprint", "FS01", "FS02")


@pytest.fixture
def cfg() -> ProtectionConfig:
    return file_config(manual_intervention=False)


def _view(**kw: object) -> PairView:
    base = dict(state=S.PROTECTED, manual=False, monitoring=True, phase="",
                last_error="", monitor_state="monitoring", holder=None)
    base.update(kw)
    return PairView(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kw", "action", "why"), [
    ({}, "none", "watching"),
    ({"monitor_state": "failover_condition"}, "failover", "declared the failure"),
    ({"state": S.FAILURE_DETECTED, "monitor_state": "failover_condition"}, "failover", "declared"),
    ({"state": S.FAILURE_DETECTED, "monitor_state": None}, "none", "watching"),
    ({"monitor_state": "failover_condition", "manual": True}, "none", "manual intervention"),
    ({"monitor_state": "failover_condition", "monitoring": False}, "none", "monitoring is off"),
    ({"state": S.FAILING_OVER, "phase": "failover"}, "resume", "interrupted"),
    ({"state": S.FAILING_OVER, "phase": "failover", "last_error": "failover: x: no"}, "none",
     "failed step"),
    ({"state": S.FAILED_OVER}, "none", "Failed over"),
    ({"state": S.FAILING_OVER, "phase": "failover",
      "holder": PlanHolder("appmgr", "adm1", 42, "failover", 0.0)}, "none",
     "appmgr on adm1 is running the failover plan (pid 42)"),
])
def test_decide(kw: dict[str, object], action: str, why: str) -> None:
    d = decide(_view(**kw))
    assert d.action == action and why in d.reason


def _fail_source(world: World) -> None:
    world.src.reachable = False
    world.hosts["FS01"].reachable = False
    world.tgt.declare_failure(NAME)


def test_the_watcher_fails_over_when_the_monitor_declares_the_failure(
        world: World, store: PairStore, protected: PairRecord) -> None:
    said: list[str] = []
    w = Watcher(world.ctx, store, world.clock, 1.0, said.append)
    [o] = w.poll_once()
    assert o.decision == Decision("none", "watching") and world.dns.a() != (IP2,)
    _fail_source(world)
    [o] = w.poll_once()
    assert o.decision.action == "failover" and o.ok, o
    assert o.result == "failed over (5 steps run, 0 done before)"
    rec = store.record(Pair(*PAIR))
    assert rec.state == S.FAILED_OVER.value and rec.steps_done == []
    assert world.dns.a() == (IP2,)
    assert any("dns-failover" in t and ": ok: " in t for t in said)
    # once failed over, nothing more to do: the plan never runs twice
    world.calls.clear()
    [o] = w.poll_once()
    assert o.decision.action == "none" and world.calls == []


def test_a_pair_with_manual_intervention_is_left_to_the_console(
        world: World, store: PairStore, protected: PairRecord, cfg: ProtectionConfig) -> None:
    cfg.monitoring.manual_intervention = True
    store.save_config(cfg)
    _fail_source(world)
    world.calls.clear()
    [o] = Watcher(world.ctx, store, world.clock, 1.0).poll_once()
    assert o.decision.action == "none" and "manual intervention" in o.decision.reason
    assert world.calls == [] and store.record(Pair(*PAIR)).state == S.PROTECTED.value


def test_a_watcher_killed_mid_plan_resumes_and_runs_each_step_once(
        world: World, store: PairStore, protected: PairRecord) -> None:
    _fail_source(world)
    world.hosts["FS02"].fail["add_share"] = KeyboardInterrupt()  # type: ignore[assignment]
    with pytest.raises(KeyboardInterrupt):  # the process dies in the third step
        Watcher(world.ctx, store, world.clock, 1.0).poll_once()
    fresh = PairStore(world.ctx.paths)  # a new process reads what was persisted
    assert fresh.record(Pair(*PAIR)).state == S.FAILING_OVER.value
    assert len(fresh.record(Pair(*PAIR)).steps_done) == 2
    world.hosts["FS02"].fail.pop("add_share", None)  # (a one-shot fault)
    world.calls.clear()
    [o] = Watcher(world.ctx, fresh, world.clock, 1.0).poll_once()
    assert o.decision.action == "resume" and o.ok
    assert o.result == "failed over (3 steps run, 2 done before)"
    ops = [c[1] for c in world.calls if c[0] == "FS02"]
    assert "accept" not in ops and "delete_monitor" not in ops  # steps 1-2 not run again
    assert fresh.record(Pair(*PAIR)).state == S.FAILED_OVER.value and world.dns.a() == (IP2,)


def test_run_polls_each_interval_on_the_clock_and_removes_its_heartbeat(
        world: World, store: PairStore, protected: PairRecord) -> None:
    beats: list[float] = []
    w = Watcher(world.ctx, store, world.clock, 2.5)
    original = w.beat

    def beat(running: str = "") -> None:
        original(running)
        beat_now = read_beat(world.ctx.paths)
        assert beat_now is not None
        beats.append(beat_now.beat)

    w.beat = beat  # type: ignore[method-assign]
    start = world.clock.now()
    w.run(rounds=3)
    assert [b - start for b in beats] == [0.0, 2.5, 5.0]
    assert read_beat(world.ctx.paths) is None


def test_the_heartbeat_says_whether_the_watcher_runs(world: World) -> None:
    b = WatchBeat("adm1", 4242, 100.0, 200.0, 2.0)
    assert judge(b, 205.0, "adm1", alive=True).sentence() == "appmgr watch on adm1: running"
    assert not judge(b, 211.0, "adm1", alive=True).running  # older than max(3 × 2 s, 10 s)
    assert not judge(b, 201.0, "adm1", alive=False).running  # its process died (kill -9)
    assert judge(b, 201.0, "other", alive=False).running  # another host: the age alone
    assert judge(None, 0.0, "adm1", alive=True).sentence() == (
        "appmgr watch: not running — failover will wait for you")
    assert not watcher_state(world.ctx.paths, world.clock.now()).running


def test_status_says_who_fails_over_and_who_runs_a_plan(
        world: World, store: PairStore, protected: PairRecord) -> None:
    from core.protection.plan_lock import plan_lock
    from core.protection.status import pair_actions, pair_status

    d = pair_status(world.ctx, store, Pair(*PAIR)).to_dict()
    assert d["automatic_failover"] == {
        "running": False, "host": "", "pid": 0,
        "text": "appmgr watch: not running — failover will wait for you"}
    w = Watcher(world.ctx, store, world.clock, 1.0)
    w.beat()
    d = pair_status(world.ctx, store, Pair(*PAIR)).to_dict()
    assert d["automatic_failover"]["text"] == f"appmgr watch on {w.host}: running"
    assert d["plan_running"] is None
    with plan_lock(world.ctx.paths, Pair(*PAIR), "failover", "appmgr watch", 0.0):
        who = f"appmgr watch on {w.host} is running the failover plan (pid {w.pid})"
        assert pair_status(world.ctx, store, Pair(*PAIR)).to_dict()["plan_running"] == who
        actions = pair_actions(store, Pair(*PAIR), world.ctx.paths)
        assert actions["failover"][1] == actions["restore"][1] == who
    assert pair_actions(store, Pair(*PAIR), world.ctx.paths)["failover"][1] != who


def test_a_round_that_breaks_does_not_stop_the_service(
        world: World, store: PairStore, protected: PairRecord) -> None:
    said: list[str] = []
    w = Watcher(world.ctx, store, world.clock, 1.0, said.append)
    rounds = iter([OSError("disk full"), []])

    def poll() -> list[object]:
        r = next(rounds)
        if isinstance(r, Exception):
            raise r
        return r

    w.poll_once = poll  # type: ignore[method-assign]
    w.run(rounds=2)
    assert said == ["this round failed: OSError: disk full"]


def test_no_word_about_the_watcher_once_failed_over(
        world: World, store: PairStore, protected: PairRecord) -> None:
    from core.protection.status import pair_status

    _fail_source(world)
    Watcher(world.ctx, store, world.clock, 1.0).poll_once()
    assert pair_status(world.ctx, store, Pair(*PAIR)).to_dict()["automatic_failover"] is None


def test_a_stop_asked_mid_plan_lets_the_plan_finish_then_ends(
        world: World, store: PairStore, protected: PairRecord) -> None:
    from core.protection.failover import failover

    asked: list[bool] = []

    def failover_interrupted(*args: object, **kw: object) -> object:
        asked.append(w.request_stop())  # SIGTERM arrives while the plan runs
        return failover(*args, **kw)  # type: ignore[arg-type]

    w = Watcher(world.ctx, store, world.clock, 1.0, run_failover=failover_interrupted)
    rounds: list[int] = []
    poll = w.poll_once
    w.poll_once = lambda: rounds.append(1) or poll()  # type: ignore[method-assign]
    _fail_source(world)
    w.run(rounds=5)
    assert asked == [True] and len(rounds) == 1  # the plan finished, then the loop ended
    assert store.record(Pair(*PAIR)).state == S.FAILED_OVER.value and world.dns.a() == (IP2,)
    assert read_beat(world.ctx.paths) is None
    assert w.request_stop() is False  # not busy: stop at once


def test_a_second_stop_during_the_plan_does_not_wait() -> None:
    w = Watcher.__new__(Watcher)
    w.busy, w.stopping = True, False
    assert w.request_stop() is True and w.request_stop() is False
