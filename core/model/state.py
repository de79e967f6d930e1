"""The pair lifecycle states of SPEC F-8.3."""

from __future__ import annotations

from enum import StrEnum


class PairState(StrEnum):
    UNPROTECTED = "Unprotected"
    VALIDATED = "Validated"
    MIRRORING = "Mirroring"
    PROTECTED = "Protected"
    FAILURE_DETECTED = "Failure detected"
    FAILING_OVER = "Failing over"
    FAILED_OVER = "Failed over"
    FAILING_BACK = "Failing back"
    RESTORING = "Restoring"
    ERROR = "Error"


#: the states in which the target's failover monitor watches the source: the
#: watcher reads their status each round, and a status read asks the monitor
WATCHED = (PairState.MIRRORING, PairState.PROTECTED, PairState.FAILURE_DETECTED)
