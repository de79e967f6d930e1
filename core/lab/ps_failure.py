"""PowerShell errors as a lab server reports them (CLIXML on stderr, exit code 1)."""

from __future__ import annotations

from core.hosts.clixml import format_error


class PsFailure(Exception):
    """A PowerShell error record the lab reports instead of output."""

    def __init__(self, message: str, category: str = "OperationStopped",
                 exception: str = "RuntimeException", statement: str = "throw",
                 target: str = "", activity: str = "", error_id: str = "") -> None:
        super().__init__(message)
        self.record: dict[str, str] = dict(
            message=message, category=category, exception=exception, statement=statement,
            target=target, activity=activity, error_id=error_id)

    def clixml(self) -> bytes:
        r = self.record
        return format_error(r["message"], r["category"], r["exception"], r["error_id"],
                            r["statement"], target=r["target"], activity=r["activity"])


def bad_param(name: str, why: str) -> PsFailure:
    """What PowerShell says when a parameter fails validation."""
    return PsFailure(f"Cannot validate argument on parameter '{name}'. {why}",
                     "InvalidData", "ParameterBindingValidationException", target=name)
