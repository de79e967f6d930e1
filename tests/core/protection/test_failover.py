"""Failover, failback and restore through the runner, with port doubles."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.errors import Refused, StateError, Unreachable
from core.model.pair import Pair
from core.protection.errors import StepsFailed
from core.protection.failback import failback
from core.protection.failover import failover
from core.protection.restore import restore
from core.protection.status import pair_status
from core.store import PairRecord, PairStore

from .doubles import FS01, FS02, IP1, IP2, PTR1, PTR2, World

NAME = "fileprint_FS01_FS02"
PAIR = ("fileprint", "FS01", "FS02")


def _fail_source(world: World, store: PairStore) -> None:
    world.src.reachable = False
    world.hosts["FS01"].reachable = False
    world.tgt.declare_failure(NAME)
    assert pair_status(world.ctx, store, Pair(*PAIR)).state.value == "Failure detected"
    world.calls.clear()


def _log(world: World) -> str:
    return (world.ctx.paths.logs / "failover" / "FS01.log").read_text()


def test_failover_runs_the_plan_in_order_and_logs_it(world: World, store: PairStore,
                                                     protected: PairRecord,
                                                     tokens: Callable[[], str]) -> None:
    _fail_source(world, store)
    said: list[str] = []
    results = failover(world.ctx, store, Pair(*PAIR), said.append, token_factory=tokens)
    assert [r.step.split()[0] for r in results] == [
        "stop-replication", "stop-monitor", "publish-share", "publish-share", "dns-failover"]
    assert all(r.ok and not r.skipped for r in results)
    assert [(c[0], c[1]) for c in world.calls if c[1] != "remove_share"] == [
        ("FS02", "accept"), ("FS02", "delete_monitor"), ("FS02", "add_share"), ("FS02", "add_share"),
        ("DNS", "apply"), ("DNS", "apply")]
    # the old token is replaced: a source that comes back cannot overwrite the target
    assert world.tgt.accepts[NAME] != protected.token
    assert world.hosts["FS02"].shares == {"Data": "E:\\Shares\\Data", "Users": "E:\\Shares\\Users"}
    assert world.dns.a() == (IP2,) and world.dns.a().__len__() == 1
    assert world.dns.data[(FS01, "A")].ttl == 60
    assert FS01 in world.dns.ptr(PTR2) and FS01 not in world.dns.ptr(PTR1)
    rec = store.record(Pair(*PAIR))
    assert rec.state == "Failed over" and rec.phase == "" and rec.steps_done == [] and not rec.monitoring
    log = _log(world)
    assert "post-failover [1/5] stop-replication fileprint_FS01_FS02: started" in log
    assert "post-failover [5/5] dns-failover" in log and log.count(": ok: ") == 5
    assert "the source does not answer" in log
    assert (world.ctx.paths.logs / "dfo" / "FS01.log").exists()
    assert (world.ctx.paths.logs / "dfo" / "FS02.log").exists()
    assert said == [line.split(" ", 3)[3] for line in log.splitlines()]


def test_failover_is_refused_while_the_source_answers(world: World, store: PairStore,
                                                      protected: PairRecord) -> None:
    with pytest.raises(StateError, match="FS01 still answers.*not offered for File Server"):
        failover(world.ctx, store, Pair(*PAIR))
    assert store.record(Pair(*PAIR)).state == "Protected"
    assert [c[1] for c in world.calls] == ["monitor_status", "info"]
    failover(world.ctx, store, Pair(*PAIR), force=True)
    assert store.record(Pair(*PAIR)).state == "Failed over"
    assert NAME not in world.src.connections  # a forced failover stops the source's replication


def test_a_silent_source_is_a_failure_even_before_the_monitor_says_so(
        world: World, store: PairStore, protected: PairRecord) -> None:
    world.src.reachable = False
    failover(world.ctx, store, Pair(*PAIR))
    assert store.record(Pair(*PAIR)).state == "Failed over"


def test_failover_needs_protection(world: World, store: PairStore) -> None:
    with pytest.raises(StateError, match="no saved configuration"):
        failover(world.ctx, store, Pair(*PAIR))


def test_a_failed_step_stops_and_says_what_was_done_and_left(world: World, store: PairStore,
                                                             protected: PairRecord) -> None:
    _fail_source(world, store)
    world.hosts["FS02"].fail["add_share"] = Unreachable("FS02 did not answer within 5 s (WinRM)")
    with pytest.raises(StepsFailed) as err:
        failover(world.ctx, store, Pair(*PAIR))
    e = err.value
    assert e.exit_code == 3 and e.step.startswith("publish-share Data")
    assert e.done == ["post-failover: stop-replication fileprint_FS01_FS02",
                      "post-failover: stop-monitor fileprint_FS01_FS02"]
    assert [x.split()[1] for x in e.left] == ["publish-share", "publish-share", "dns-failover"]
    assert "run failover again to resume" in str(e)
    rec = store.record(Pair(*PAIR))
    assert rec.state == "Failing over" and rec.phase == "failover" and len(rec.steps_done) == 2
    assert "did not answer" in rec.last_error
    assert "publish-share Data E:\\Shares\\Data description=\"Department data\": failed" in _log(world)
    # resume: the two done steps are skipped, the rest runs
    world.calls.clear()
    results = failover(world.ctx, store, Pair(*PAIR))
    assert [r.skipped for r in results] == [True, True, False, False, False]
    assert ("FS02", "accept") not in [(c[0], c[1]) for c in world.calls]
    assert store.record(Pair(*PAIR)).state == "Failed over"


def test_a_crash_mid_phase_resumes_from_the_first_step_not_done(
        world: World, store: PairStore, protected: PairRecord) -> None:
    _fail_source(world, store)
    world.hosts["FS02"].fail["add_share"] = KeyboardInterrupt()  # type: ignore[assignment]
    with pytest.raises(KeyboardInterrupt):
        failover(world.ctx, store, Pair(*PAIR))
    # a new process: a fresh store reads what was persisted
    fresh = PairStore(world.ctx.paths)
    rec = fresh.record(Pair(*PAIR))
    assert rec.state == "Failing over" and len(rec.steps_done) == 2
    world.calls.clear()
    results = failover(world.ctx, fresh, Pair(*PAIR))
    assert sum(r.skipped for r in results) == 2
    assert [c[1] for c in world.calls if c[0] == "FS02"][:2] == ["remove_share", "add_share"]
    assert world.dns.a() == (IP2,)


def test_failback_then_restore_ends_protected(world: World, store: PairStore, protected: PairRecord,
                                              tokens: Callable[[], str]) -> None:
    _fail_source(world, store)
    failover(world.ctx, store, Pair(*PAIR), token_factory=tokens)
    with pytest.raises(StateError, match="Restore is possible only after a failback"):
        restore(world.ctx, store, Pair(*PAIR))
    with pytest.raises(Unreachable, match="FS01 does not answer yet"):
        failback(world.ctx, store, Pair(*PAIR))
    # the source comes back (lab heal): its engine resumed the old connection
    world.src.reachable = world.hosts["FS01"].reachable = True
    world.calls.clear()
    results = failback(world.ctx, store, Pair(*PAIR), token_factory=tokens)
    assert [r.step.split()[0] for r in results] == ["withdraw-share", "withdraw-share", "dns-failback"]
    assert world.hosts["FS02"].shares == {}
    assert world.dns.a() == (IP1,) and world.dns.data[(FS01, "A")].ttl == 1200
    assert world.dns.ptr(PTR1) == (FS01,) and world.dns.ptr(PTR2) == (FS02,)
    assert store.record(Pair(*PAIR)).state == "Restoring"
    # nothing restores yet: the pair says it waits for Restore, not that it restores
    assert pair_status(world.ctx, store, Pair(*PAIR)).label == "Failed back (restore next)"
    with pytest.raises(StateError, match="Failback is done; run Restore"):
        failback(world.ctx, store, Pair(*PAIR))

    world.tgt.mirror_on_connect = "complete"
    world.src.mirror_on_connect = "complete"
    world.calls.clear()
    results = restore(world.ctx, store, Pair(*PAIR), token_factory=tokens)
    assert [r.phase for r in results] == ["restore", "post-restore", "post-restore",
                                          "post-failback", "post-failback"]
    calls = [(c[0], c[1], c[2]) for c in world.calls if c[1] not in ("stats",)]
    rname = NAME + "_restore"
    restore_token = next(a[1] for s, op, a in calls if op == "accept" and a[0] == rname)
    assert ("FS01", "accept", (rname, restore_token)) in calls
    assert ("FS02", "connect", (rname, IP1, 6320, restore_token, "checksum", 0, False, True)) in calls
    i_connect = calls.index(("FS02", "connect", (rname, IP1, 6320, restore_token, "checksum", 0, False, True)))
    i_cleanup = max(i for i, c in enumerate(calls) if c == ("FS02", "delete_set", (rname,)))
    assert i_cleanup > i_connect and rname not in world.tgt.sets and rname not in world.src.accepts
    assert ("FS01", "set_service", ("LanmanServer", True)) in calls
    # protection re-established with a new token and a checksum mirror, monitor back
    rec = store.record(Pair(*PAIR))
    assert world.tgt.accepts[NAME] == rec.token == world.src.connections[NAME]["token"]
    assert world.src.connections[NAME]["mirror_type"] == "checksum"
    assert NAME in world.tgt.monitors and rec.monitoring
    assert rec.state == "Protected" and rec.phase == "" and rec.last_error == ""
    assert pair_status(world.ctx, store, Pair(*PAIR)).state.value == "Protected"
    assert "the pair is protected again" in _log(world)


def test_restore_waits_bounded_and_resumes(world: World, store: PairStore,
                                           protected: PairRecord) -> None:
    _fail_source(world, store)
    failover(world.ctx, store, Pair(*PAIR))
    world.src.reachable = world.hosts["FS01"].reachable = True
    failback(world.ctx, store, Pair(*PAIR))
    world.tgt.mirror_on_connect = "mirroring"  # never completes
    start = world.clock.monotonic()
    with pytest.raises(StepsFailed, match="did not complete within 30 s") as err:
        restore(world.ctx, store, Pair(*PAIR), timeout=30)
    assert world.clock.monotonic() - start >= 30  # waited on the injected clock, not for real
    assert err.value.left[-1].startswith("post-failback: create-monitor")
    assert store.record(Pair(*PAIR)).state == "Restoring"
    assert pair_status(world.ctx, store, Pair(*PAIR)).label == "Restoring"  # cut short: resumes
    world.tgt.mirror_on_connect = "complete"
    world.src.mirror_on_connect = "mirroring"
    restore(world.ctx, store, Pair(*PAIR), timeout=30, wait_protected=5)
    assert store.record(Pair(*PAIR)).state == "Mirroring"  # the new mirror runs on; status moves it later
    world.src.mirror[NAME] = "complete"
    assert pair_status(world.ctx, store, Pair(*PAIR)).state.value == "Protected"


def test_a_refused_dns_update_fails_the_step(world: World, store: PairStore,
                                             protected: PairRecord) -> None:
    _fail_source(world, store)
    original = world.dns.apply

    def refuse(change):  # type: ignore[no-untyped-def]
        raise Refused("REFUSED: the TSIG key may not update this zone")

    world.dns.apply = refuse  # type: ignore[method-assign]
    with pytest.raises(StepsFailed, match="DNS failover of fs01.lab.example.com.*REFUSED"):
        failover(world.ctx, store, Pair(*PAIR))
    world.dns.apply = original  # type: ignore[method-assign]
    failover(world.ctx, store, Pair(*PAIR))
    assert world.dns.a() == (IP2,)


def test_one_operation_at_a_time_per_pair(world: World, store: PairStore,
                                          protected: PairRecord) -> None:
    from core.protection.locks import operation

    with operation("fileprint_FS01_FS02", "Restore"), \
            pytest.raises(StateError, match="Restore is running on this pair"):
        failover(world.ctx, store, Pair(*PAIR), force=True)
    failover(world.ctx, store, Pair(*PAIR), force=True)  # free again


def test_status_never_overwrites_what_an_operation_saved(world: World, store: PairStore,
                                                         protected: PairRecord) -> None:
    world.tgt.declare_failure(NAME)
    real = world.tgt.monitor_status

    def racing(name: str):  # type: ignore[no-untyped-def]
        rec = store.record(Pair(*PAIR))  # meanwhile another thread started the failover
        rec.state, rec.phase = "Failing over", "failover"
        store.save_record(rec)
        return real(name)

    world.tgt.monitor_status = racing  # type: ignore[method-assign]
    st = pair_status(world.ctx, store, Pair(*PAIR))
    assert st.state.value == "Protected"  # what it read; it did not write
    assert store.record(Pair(*PAIR)).state == "Failing over"


def test_user_edits_run(
        world: World, store: PairStore, cfg, tokens) -> None:  # type: ignore[no-untyped-def]
    from core.protection.enable import enable

    cfg.advanced.plan_edits["post-failover"] = "# mine\nstop-replication fileprint_FS01_FS02\nwait 7\n"
    enable(world.ctx, cfg, store, validated=True, token_factory=tokens)
    world.src.reachable = False
    before = world.clock.now()
    results = failover(world.ctx, store, Pair(*PAIR))
    assert [r.step for r in results] == ["stop-replication fileprint_FS01_FS02", "wait 7"]
    assert world.clock.now() - before >= 7


def test_identity_failover_is_registered_taken_and_given_back(
        world: World, store: PairStore, cfg, tokens) -> None:  # type: ignore[no-untyped-def]
    """F-9.5: enable registers with the target's engine what it takes over; failover's
    take-identity has it taken (SPNs are the plan's); failback gives it back."""
    from core.protection.enable import enable

    cfg.failover.type = "identity"
    cfg.failover.identity.spns = False  # moving SPNs is the lab test's (a real directory)
    cfg.monitoring.manual_intervention = False
    enable(world.ctx, cfg, store, validated=True, token_factory=tokens)
    ident = world.tgt.identities[NAME]
    assert ident["spec"]["auto"] is True and ident["spec"]["name"] == "FS01"
    assert ident["spec"]["ips"] == [IP1]
    world.src.reachable = False
    world.tgt.declare_failure(NAME)
    results = failover(world.ctx, store, Pair(*PAIR))
    steps = [r.step.split()[0] for r in results]
    assert steps[:3] == ["stop-replication", "stop-monitor", "take-identity"]
    assert "dns-failover" not in steps and "publish-share" not in steps
    assert world.tgt.identities[NAME]["state"] == "taken"
    assert f"ip:{IP1}" in world.tgt.identities[NAME]["done"]
    world.src.reachable = True
    failback(world.ctx, store, Pair(*PAIR))
    assert world.tgt.identities[NAME]["state"] == "ready"
    assert store.record(Pair(*PAIR)).state == "Restoring"


def test_a_taken_identity_blocks_unprotect_unless_forced(
        world: World, store: PairStore, cfg, tokens) -> None:  # type: ignore[no-untyped-def]
    from core.protection.disable import disable
    from core.protection.enable import enable

    cfg.failover.type = "identity"
    cfg.failover.identity.spns = False
    enable(world.ctx, cfg, store, validated=True, token_factory=tokens)
    world.tgt.take_identity(NAME)  # the engine took over by itself

    def refuse(name: str) -> None:  # as the engine answers while it is taken
        if world.tgt.identities[name]["done"]:
            raise Refused(f"the identity of set {name} is taken over: give it back first")
        world.tgt.identities.pop(name)

    world.tgt.delete_identity = refuse  # type: ignore[method-assign]
    with pytest.raises(StepsFailed, match="give it back"):
        disable(world.ctx, store, Pair(*PAIR))
    rec = disable(world.ctx, store, Pair(*PAIR), force=True)
    assert rec.state == "Unprotected" and NAME not in world.tgt.identities
