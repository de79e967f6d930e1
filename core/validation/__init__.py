"""Validation, the health check of a pair (SPEC F-7)."""

from core.validation.base import Check, CheckResult, Status, get_check, registered_checks
from core.validation.context import ValidationContext, gather
from core.validation.fixes import FixResult, fix, fix_all
from core.validation.report import FixOutcome, ValidationReport
from core.validation.runner import validate

__all__ = [
    "Check",
    "CheckResult",
    "FixOutcome",
    "FixResult",
    "Status",
    "ValidationContext",
    "ValidationReport",
    "fix",
    "fix_all",
    "gather",
    "get_check",
    "registered_checks",
    "validate",
]
