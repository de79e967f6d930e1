"""Every state × action of SPEC F-8.3, labels, and transitions."""

from __future__ import annotations

import pytest

from core.errors import StateError
from core.model.state import PairState as S
from core.protection.state_machine import (
    ACTIONS,
    TRANSITIONS,
    allowed_actions,
    check_transition,
    require,
    toggles,
)
from tests.present import present

# state -> actions enabled (monitoring unknown: both toggles follow the state)
ENABLED: dict[S, set[str]] = {
    S.UNPROTECTED: {"configure", "validate"},
    S.VALIDATED: {"configure", "validate", "enable"},
    S.MIRRORING: {"disable", "enable_monitoring", "disable_monitoring", "snapshots"},
    S.PROTECTED: {"disable", "enable_monitoring", "disable_monitoring", "snapshots"},
    S.FAILURE_DETECTED: {"disable", "enable_monitoring", "disable_monitoring", "failover",
                         "snapshots"},
    S.FAILING_OVER: {"failover", "abort", "disable"},
    S.FAILED_OVER: {"failback", "snapshots"},
    S.FAILING_BACK: {"failback", "abort", "disable"},
    S.RESTORING: {"restore"},
    S.ERROR: {"configure", "disable"},
}


def test_table_covers_every_state() -> None:
    assert set(ENABLED) == set(S)


@pytest.mark.parametrize("state", list(S))
def test_every_action_of_every_state(state: S) -> None:
    actions = allowed_actions(state)
    assert list(actions) == list(ACTIONS)
    enabled = {a for a, (_label, reason) in actions.items() if reason is None}
    assert enabled == ENABLED[state]
    for action, (label, reason) in actions.items():
        assert label, action
        if reason is not None:
            assert reason[0].isupper() and not reason.endswith("."), (state, action, reason)


def test_monitoring_toggle_follows_the_monitor() -> None:
    on = allowed_actions(S.PROTECTED, monitoring=True)
    assert on["enable_monitoring"][1] == "Monitoring is already on"
    assert on["disable_monitoring"][1] is None
    off = allowed_actions(S.PROTECTED, monitoring=False)
    assert off["enable_monitoring"][1] is None
    assert off["disable_monitoring"][1] == "Monitoring is already off"


def test_labels_and_toggles_follow_the_state() -> None:
    assert toggles(S.UNPROTECTED) == ("enable", "failover")
    assert toggles(S.PROTECTED) == ("disable", "failover")
    assert toggles(S.FAILED_OVER) == ("disable", "failback")
    assert allowed_actions(S.PROTECTED)["enable"] == ("Enable Protection", "Protection is already enabled")
    assert allowed_actions(S.PROTECTED)["disable"] == ("Disable Protection", None)
    assert allowed_actions(S.FAILING_OVER)["failover"][0] == "Resume Failover"
    assert allowed_actions(S.FAILED_OVER)["failback"] == ("Failback", None)


def test_plain_reasons() -> None:
    assert allowed_actions(S.PROTECTED)["failback"][1] == "Failback is possible only after a failover"
    assert "waits for the target's monitor" in present(allowed_actions(S.PROTECTED)["failover"][1])
    assert present(allowed_actions(S.UNPROTECTED)["enable"][1]).startswith("Validate the configuration first")
    with pytest.raises(StateError, match=r"Failback is possible only after a failover \(the pair is Protected\)"):
        require(S.PROTECTED, "failback")
    require(S.FAILED_OVER, "failback")


def test_lifecycle_path_is_legal() -> None:
    path = [S.UNPROTECTED, S.VALIDATED, S.MIRRORING, S.PROTECTED, S.FAILURE_DETECTED,
            S.FAILING_OVER, S.FAILED_OVER, S.FAILING_BACK, S.RESTORING, S.MIRRORING, S.PROTECTED]
    for a, b in zip(path, path[1:], strict=False):
        check_transition(a, b)


@pytest.mark.parametrize(("a", "b"), [
    (S.UNPROTECTED, S.PROTECTED), (S.PROTECTED, S.FAILED_OVER), (S.FAILED_OVER, S.PROTECTED),
    (S.FAILING_OVER, S.UNPROTECTED), (S.RESTORING, S.FAILED_OVER), (S.ERROR, S.PROTECTED),
])
def test_illegal_transitions_are_refused_readably(a: S, b: S) -> None:
    assert b not in TRANSITIONS[a]
    with pytest.raises(StateError, match=f"cannot go from {a.value} to {b.value}"):
        check_transition(a, b)


def test_same_state_is_a_no_op() -> None:
    for s in S:
        check_transition(s, s)
