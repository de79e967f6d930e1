"""The pair lifecycle of SPEC F-8.3: states, legal transitions, allowed actions.

Unprotected → Validated → Mirroring → Protected → Failure detected (manual
intervention) → Failing over → Failed over → Failing back → Restoring →
Protected; plus Error. A phase that stops on a failed step leaves the pair in
its "-ing" state (Failing over, Failing back, Restoring) so that running the
same action again resumes it from the first step not done.

Failover on demand (graceful) is not offered for File server (F-9.2): from
Protected or Mirroring the console only fails over when the source does not
answer, or when the caller forces it (``failover(..., force=True)``).
"""

from __future__ import annotations

from core.errors import StateError
from core.model.state import PairState

S = PairState

#: every legal (from → to) move; anything else is a StateError
TRANSITIONS: dict[PairState, frozenset[PairState]] = {
    S.UNPROTECTED: frozenset({S.VALIDATED, S.MIRRORING, S.ERROR}),
    S.VALIDATED: frozenset({S.UNPROTECTED, S.MIRRORING, S.ERROR}),
    S.MIRRORING: frozenset(
        {S.PROTECTED, S.FAILURE_DETECTED, S.FAILING_OVER, S.UNPROTECTED, S.ERROR}
    ),
    S.PROTECTED: frozenset(
        {S.MIRRORING, S.FAILURE_DETECTED, S.FAILING_OVER, S.UNPROTECTED, S.ERROR}
    ),
    S.FAILURE_DETECTED: frozenset(
        {S.PROTECTED, S.MIRRORING, S.FAILING_OVER, S.UNPROTECTED, S.ERROR}
    ),
    # abort puts a stuck plan back where it started (core.protection.abort)
    S.FAILING_OVER: frozenset({S.FAILED_OVER, S.FAILURE_DETECTED, S.ERROR}),
    S.FAILED_OVER: frozenset({S.FAILING_BACK, S.ERROR}),
    S.FAILING_BACK: frozenset({S.RESTORING, S.FAILED_OVER, S.ERROR}),
    S.RESTORING: frozenset({S.MIRRORING, S.PROTECTED, S.ERROR}),
    S.ERROR: frozenset({S.UNPROTECTED}),
}

ACTIONS: tuple[str, ...] = (
    "configure",
    "validate",
    "enable",
    "disable",
    "enable_monitoring",
    "disable_monitoring",
    "failover",
    "failback",
    "restore",
    "abort",
    "snapshots",
)

_UNPROTECTED = {S.UNPROTECTED, S.VALIDATED, S.ERROR}
_PROTECTING = {S.MIRRORING, S.PROTECTED, S.FAILURE_DETECTED}
_AFTER_FAILOVER = {S.FAILING_OVER, S.FAILED_OVER, S.FAILING_BACK, S.RESTORING}


def check_transition(current: PairState, new: PairState) -> None:
    """Raise StateError unless ``current → new`` is a legal move (same state is a no-op)."""
    if new == current or new in TRANSITIONS[current]:
        return
    raise StateError(f"A pair cannot go from {current.value} to {new.value}.")


def labels(state: PairState) -> dict[str, str]:
    """Action labels as the footer and the command palette show them."""
    return {
        "configure": "Configure Protection",
        "validate": "Validate",
        "enable": "Enable Protection",
        "disable": "Disable Protection",
        "enable_monitoring": "Enable Monitoring",
        "disable_monitoring": "Disable Monitoring",
        "failover": "Resume Failover" if state == S.FAILING_OVER else "Failover",
        "failback": "Resume Failback" if state == S.FAILING_BACK else "Failback",
        "restore": "Restore",
        "abort": "Abort Failback" if state == S.FAILING_BACK else "Abort Failover",
        "snapshots": "Manage Snapshots",
    }


def toggles(state: PairState) -> tuple[str, str]:
    """The two actions a single key shows for this state:
    ("enable" or "disable", "failover" or "failback")."""
    protect = "enable" if state in _UNPROTECTED else "disable"
    fail = "failback" if state in {S.FAILED_OVER, S.FAILING_BACK, S.RESTORING} else "failover"
    return protect, fail


def _reasons(state: PairState, monitoring: bool | None) -> dict[str, str | None]:
    busy = (
        f"The pair is {state.value.lower()}; finish that first"
        if state in _AFTER_FAILOVER
        else None
    )
    r: dict[str, str | None] = {}
    on_protected = "Protection is enabled; disable it to change or revalidate the configuration"
    r["configure"] = None if state in _UNPROTECTED else busy or on_protected
    if state == S.ERROR:
        r["validate"] = "Disable Protection first to clean up after the error"
    else:
        r["validate"] = None if state in _UNPROTECTED else busy or on_protected
    if state == S.VALIDATED:
        r["enable"] = None
    elif state == S.UNPROTECTED:
        r["enable"] = "Validate the configuration first (errors block Enable Protection)"
    elif state == S.ERROR:
        r["enable"] = "Disable Protection first to clean up after the error"
    else:
        r["enable"] = busy or "Protection is already enabled"
    if state in _PROTECTING or state == S.ERROR:
        r["disable"] = None
    elif state in (S.FAILING_OVER, S.FAILING_BACK):
        r["disable"] = None  # a plan stopped part-way: the console confirms, then aborts it first
    elif state in _AFTER_FAILOVER:
        r["disable"] = busy
    else:
        r["disable"] = "Protection is not enabled"
    for action, want in (("enable_monitoring", True), ("disable_monitoring", False)):
        if state not in _PROTECTING:
            r[action] = busy or "Monitoring needs protection to be enabled"
        elif monitoring is want:
            r[action] = "Monitoring is already " + ("on" if want else "off")
        else:
            r[action] = None
    if state in (S.FAILURE_DETECTED, S.FAILING_OVER):
        r["failover"] = None
    elif state in (S.PROTECTED, S.MIRRORING):
        r["failover"] = (
            "Failover waits for the target's monitor to declare the source failed "
            "(force it from the command line: appmgr failover --force)"
        )
    elif state in (S.FAILED_OVER, S.FAILING_BACK, S.RESTORING):
        r["failover"] = "The pair is already failed over"
    else:
        r["failover"] = "Failover needs protection to be enabled"
    if state in (S.FAILED_OVER, S.FAILING_BACK):
        r["failback"] = None
    elif state == S.RESTORING:
        r["failback"] = "Failback is done; run Restore to copy the data back"
    else:
        r["failback"] = "Failback is possible only after a failover"
    r["restore"] = (
        None if state == S.RESTORING else "Restore is possible only after a failback"
    )
    r["abort"] = (
        None if state in (S.FAILING_OVER, S.FAILING_BACK)
        else "There is no failover or failback to abort (abort ends one that stopped part-way)"
    )
    # the target holds the set's data (and its snapshots) from Enable on
    r["snapshots"] = (
        None if state in _PROTECTING or state == S.FAILED_OVER
        else busy or "Snapshots of the target's data need protection to be enabled"
    )
    return r


def allowed_actions(
    state: PairState, monitoring: bool | None = None
) -> dict[str, tuple[str, str | None]]:
    """``{action: (label, reason_if_disabled or None)}`` for every action.

    ``monitoring`` is whether the failover monitor is on (None = unknown,
    both monitoring toggles then follow the state only).
    """
    names = labels(state)
    reasons = _reasons(state, monitoring)
    return {a: (names[a], reasons[a]) for a in ACTIONS}


def require(state: PairState, action: str, monitoring: bool | None = None) -> None:
    """Raise StateError with the plain reason when ``action`` is not allowed."""
    reason = allowed_actions(state, monitoring)[action][1]
    if reason is not None:
        raise StateError(f"{reason} (the pair is {state.value}).")
