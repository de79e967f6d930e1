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
