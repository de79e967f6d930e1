"""Errors of a multi-step operation: what was done and what is left."""

from __future__ import annotations

from core.errors import AppmgrError


def _listing(items: list[str]) -> str:
    return "; ".join(items) if items else "nothing"


class StepsFailed(AppmgrError):
    """A step of an operation failed; the operation stopped there.

    ``done`` and ``left`` are readable step descriptions; ``cause`` is the
    typed error of the failed step (its exit code is kept for the CLI).
    """

    def __init__(
        self,
        operation: str,
        step: str,
        cause: BaseException,
        done: list[str],
        left: list[str],
        hint: str = "",
    ) -> None:
        self.operation = operation
        self.step = step
        self.cause = cause
        self.done = list(done)
        self.left = list(left)
        self.exit_code = getattr(cause, "exit_code", 1)
        text = (
            f"{operation} stopped at '{step}': {cause}. "
            f"Done: {_listing(self.done)}. Left: {_listing(self.left)}."
        )
        super().__init__(f"{text} {hint}".rstrip())


class MirrorTimeout(AppmgrError):
    """A mirror did not complete within the time allowed."""


class DrainTimeout(AppmgrError):
    """The replication queue did not drain within the bound of a graceful failover.

    ``ops`` and ``bytes`` are what the source still had to send when the bound was hit.
    """

    def __init__(self, message: str, ops: int, nbytes: int) -> None:
        self.ops = ops
        self.bytes = nbytes
        super().__init__(message)
