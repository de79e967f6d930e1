"""The Protected-or-not decision, condition by condition, on an injected clock."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.model.stats import JobStats
from core.protection import health as h
from core.protection.health import Condition, Observed, conditions, display_state, headline

NOW = 1_000_000.0
GOOD = JobStats(mirror_status="complete", mirror_percent=100.0, replication_status="replicating",
                target_connected=True, target_since=NOW - 3600)
SEEN = Observed(source_reachable=True, target_reachable=True, monitoring=True,
                monitor_state="monitoring")


def _names(stats: JobStats = GOOD, seen: Observed = SEEN, **kw: object) -> list[str]:
    return [c.name for c in conditions(stats, seen, NOW, **kw)]  # type: ignore[arg-type]


def test_all_hold_is_protected() -> None:
    assert conditions(GOOD, SEEN, NOW) == []
    assert display_state("Protected", []) == "Protected"
    assert headline([], GOOD, NOW) == ""


def test_source_that_does_not_answer_hides_every_other_figure() -> None:
    seen = replace(SEEN, source_reachable=False)
    conds = conditions(GOOD, seen, NOW, {h.SOURCE_UNREACHABLE: NOW - 60})
    assert conds == [Condition(h.SOURCE_UNREACHABLE, "the source engine does not answer the console",
                               NOW - 60)]
    assert display_state("Protected", conds) == "Degraded"


def test_target_refusing_the_source_is_dated_by_the_engine_with_the_queue() -> None:
    stats = replace(GOOD, target_connected=False, target_since=NOW - 300,
                    last_error="the target engine on 127.0.90.12:7000 refused the connection",
                    error_since=NOW - 300, replication_status="error",
                    queued_ops=18, queued_bytes=24 * 1024 * 1024, queue_since=NOW - 290)
    conds = conditions(stats, SEEN, NOW)
    # one condition: the replication error IS the unreachable target; the queue waits on it
    assert [c.name for c in conds] == [h.TARGET_UNREACHABLE]
    assert conds[0].since == NOW - 300 and "refused the connection" in conds[0].reason
    assert conds[0].to_dict(NOW)["age_s"] == 300
    text = headline(conds, stats, NOW)
    assert text.startswith(f"Target unreachable since {h.since_text(NOW - 300, NOW)}")
    assert text.endswith("— 18 operations queued (24.0 MB)")
    # part of it whole sizes of files that go as deltas not hashed yet: a bound, said so
    bound = replace(stats, queued_bytes_upto=20 * 1024 * 1024)
    assert headline(conds, bound, NOW).endswith("— 18 operations queued (up to 24.0 MB)")


def test_target_not_answering_the_console_counts_even_if_the_source_has_not_noticed() -> None:
    seen = replace(SEEN, target_reachable=False, monitor_state=None)
    conds = conditions(GOOD, seen, NOW, {h.TARGET_UNREACHABLE: NOW - 5})
    assert [(c.name, c.since) for c in conds] == [(h.TARGET_UNREACHABLE, NOW - 5)]


def test_replication_error_with_its_start() -> None:
    stats = replace(GOOD, replication_status="error", last_error="replication failed: disk full",
                    error_since=NOW - 42)
    conds = conditions(stats, SEEN, NOW)
    assert [(c.name, c.reason, c.since) for c in conds] == [
        (h.REPLICATION_ERROR, "replication failed: disk full", NOW - 42)]


def test_error_status_without_a_sentence_is_still_an_error() -> None:
    assert _names(replace(GOOD, replication_status="error")) == [h.REPLICATION_ERROR]


def test_remirror_reason_plugs_in_as_one_more_condition() -> None:
    stats = replace(GOOD, remirror_reason="the source engine restarted", remirror_since=NOW - 7)
    conds = conditions(stats, SEEN, NOW)
    assert [(c.name, c.since) for c in conds] == [(h.REMIRROR_REQUIRED, NOW - 7)]


@pytest.mark.parametrize("state", [None, "off"])
def test_monitor_not_running(state: str | None) -> None:
    assert _names(seen=replace(SEEN, monitor_state=state)) == [h.MONITOR_DOWN]


def test_monitor_off_by_configuration_is_not_asked_for() -> None:
    assert _names(seen=replace(SEEN, monitoring=False, monitor_state=None)) == []


def test_queue_that_stops_draining_past_the_bound() -> None:
    waiting = replace(GOOD, queued_ops=3, queued_bytes=10, queue_since=NOW - 59)
    assert _names(waiting) == []  # within the bound: replication is just busy
    stalled = replace(waiting, queue_since=NOW - 61)
    conds = conditions(stalled, SEEN, NOW)
    assert [(c.name, c.since) for c in conds] == [(h.QUEUE_STALLED, NOW - 61)]
    assert conds[0].reason == "no operation acknowledged for 61 s"


def test_queue_that_keeps_moving_is_draining() -> None:
    busy = replace(GOOD, queued_ops=500, queue_since=NOW - 3600, last_applied=NOW - 1)
    assert _names(busy) == []
    assert _names(busy, stall_bound=0.5) == [h.QUEUE_STALLED]


def test_incomplete_mirror_is_mirroring_not_degraded() -> None:
    conds = conditions(replace(GOOD, mirror_status="mirroring", mirror_percent=40.0), SEEN, NOW)
    assert [c.name for c in conds] == [h.MIRRORING]
    assert display_state("Mirroring", conds) == "Mirroring"
    assert display_state("Protected", conds) == "Mirroring"
    assert display_state("Mirroring", []) == "Mirroring"  # never promoted by no news


def test_read_errors_are_unknown_never_fine() -> None:
    seen = replace(SEEN, errors=("FS01: no such set",))
    assert _names(seen=seen) == [h.STATUS_UNKNOWN]


def test_other_lifecycle_states_keep_their_name() -> None:
    conds = [Condition(h.TARGET_UNREACHABLE, "x", NOW)]
    assert display_state("Failure detected", conds) == "Failure detected"
    assert display_state("Mirroring", conds) == "Degraded"


def test_a_declared_failure_is_named_with_its_reason() -> None:
    seen = replace(SEEN, monitor_state="failover_condition")
    conds = conditions(GOOD, seen, NOW)
    assert [(c.name, c.reason) for c in conds] == [
        (h.FAILURE_DECLARED, "the target's failover monitor declared the source failed")]
    why = "Application failure: MSSQLSERVER stopped on SQL01 (3 checks)"
    conds = conditions(GOOD, replace(seen, monitor_reason=why), NOW)
    assert [(c.name, c.reason) for c in conds] == [(h.FAILURE_DECLARED, why)]
