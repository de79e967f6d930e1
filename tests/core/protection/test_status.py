"""Live status and the lifecycle moves it observes."""

from __future__ import annotations

import json

from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.protection.enable import enable
from core.protection.status import pair_status
from core.store import PairRecord, PairStore

from .doubles import World

NAME = "fileprint_FS01_FS02"


def _status(world: World, store: PairStore):
    return pair_status(world.ctx, store, Pair("fileprint", "FS01", "FS02"))


def test_unprotected_pair_needs_no_remote_call(world: World, store: PairStore) -> None:
    st = _status(world, store)
    assert st.state.value == "Unprotected" and st.monitor is None and world.calls == []
    assert st.to_dict()["mirror"] == {"status": "idle", "percent": 0.0}


def test_mirroring_then_protected_then_failure_detected(world: World, store: PairStore,
                                                        cfg: ProtectionConfig) -> None:
    enable(world.ctx, cfg, store, validated=True)
    st = _status(world, store)
    assert st.state.value == "Mirroring" and st.stats.mirror_status == "mirroring"
    world.src.mirror[NAME] = "complete"
    st = _status(world, store)
    assert st.state.value == "Protected"
    assert store.record(Pair("fileprint", "FS01", "FS02")).state == "Protected"  # persisted
    world.src.reachable = False
    world.tgt.declare_failure(NAME)
    st = _status(world, store)
    assert st.state.value == "Failure detected"
    assert st.source_reachable is False and st.target_reachable is True
    assert st.stats.monitor_state == "failover_condition" and st.stats.missed_heartbeats == 3
    assert store.record(Pair("fileprint", "FS01", "FS02")).state == "Failure detected"


def test_condition_that_clears_returns_to_protected(world: World, store: PairStore,
                                                    protected: PairRecord) -> None:
    world.tgt.declare_failure(NAME)
    assert _status(world, store).state.value == "Failure detected"
    mon = world.tgt.monitors[NAME]
    world.tgt.monitors[NAME] = type(mon)(NAME, "monitoring", mon.last_heartbeat, 0, 3, {})
    assert _status(world, store).state.value == "Protected"


def test_unreachable_source_is_reported_not_raised(world: World, store: PairStore,
                                                   protected: PairRecord) -> None:
    world.src.reachable = False
    st = _status(world, store)
    assert st.state.value == "Protected" and st.source_reachable is False
    assert st.monitor is not None and st.monitor.state == "monitoring"
    # the lifecycle stays; what a person is told does not claim protection
    assert st.label == "Degraded" and st.exit_code == 3
    assert st.reason.startswith("Source unreachable since ")


def test_unreachable_target_is_reported_too(world: World, store: PairStore,
                                            protected: PairRecord) -> None:
    world.tgt.reachable = False
    st = _status(world, store)
    assert st.target_reachable is False and st.monitor is None and st.state.value == "Protected"
    assert st.label == "Degraded" and st.exit_code == 1
    assert [c.name for c in st.conditions] == ["Target unreachable"]
    first = st.conditions[0].since
    world.clock.advance(90)  # the age is kept between reads, not restarted
    st = _status(world, store)
    assert st.conditions[0].since == first and st.to_dict()["conditions"][0]["age_s"] == 90
    world.tgt.reachable = True
    st = _status(world, store)
    assert st.label == "Protected" and st.exit_code == 0 and st.conditions == []


def test_json_is_stable(world: World, store: PairStore, protected: PairRecord) -> None:
    d = _status(world, store).to_dict()
    assert list(d) == ["app", "source", "target", "state", "pair_state", "reason", "since",
                       "source_reachable", "target_reachable",
                       "mirror", "replication", "counters", "monitoring", "monitor",
                       "last_snapshot", "operation",
                       "last_error", "errors", "conditions", "plan_running", "automatic_failover",
                       "identity"]
    assert (d["reason"], d["since"], d["conditions"]) == ("", None, [])
    # manual intervention on: the console asks, nothing is said about a watcher
    assert (d["plan_running"], d["automatic_failover"]) == (None, None)
    assert d["state"] == "Protected" and d["mirror"] == {"status": "complete", "percent": 100.0}
    assert d["replication"] == {"status": "replicating"}
    assert set(d["counters"]) == {"bytes_sent", "bytes_sent_compressed", "bytes_remaining",
                                  "bytes_remaining_upto", "queued_ops", "queued_bytes",
                                  "queued_bytes_upto", "transfer_rate"}
    assert d["monitor"]["threshold"] == 3 and d["monitor"]["state"] == "monitoring"
    json.dumps(d)


def test_pair_actions_follow_the_saved_record(store: PairStore, protected: PairRecord) -> None:
    from core.protection.status import pair_actions

    actions = pair_actions(store, Pair("fileprint", "FS01", "FS02"))
    assert actions["disable"] == ("Disable Protection", None)
    assert actions["enable_monitoring"][1] == "Monitoring is already on"
    assert actions["failback"][1] == "Failback is possible only after a failover"
    # whether FS01 answers is not known from the record: the reason says what is
    assert actions["failover"][1] == (
        "Failover waits for FS02's monitor to declare FS01 failed; File Server has no "
        "graceful failover (force it from the command line: appmgr failover --force)")


def test_missed_heartbeats_in_words() -> None:
    from core.protection.status import missed_text

    assert [missed_text(m, 5) for m in (0, 5, 7)] == ["0 of 5", "5 of 5", "5 of 5 (7 in a row)"]
    assert missed_text(2, 0) == "2"


def test_application_failure_is_the_reason(world: World, store: PairStore,
                                           protected: PairRecord) -> None:
    from dataclasses import replace

    why = "Application failure: LanmanServer stopped on FS01 (3 checks)"
    mon = world.tgt.monitors[NAME]
    world.tgt.monitors[NAME] = replace(mon, state="failover_condition", reason=why)
    st = _status(world, store)
    assert st.state.value == "Failure detected" and st.reason == why
    assert st.to_dict()["monitor"]["reason"] == why and st.to_dict()["reason"] == why
