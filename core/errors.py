"""Typed errors for every remote failure (ARCHITECTURE rule 4).

Adapters translate library exceptions into these; the UI and the CLI turn
them into one readable line. Messages never contain secrets (rule 6).
"""

from __future__ import annotations


class AppmgrError(Exception):
    """Base class: ``str(err)`` is a sentence a person can act on."""

    #: CLI exit code when this error ends a headless command (SPEC F-15).
    exit_code = 1


class Unreachable(AppmgrError):
    """The peer did not answer (timeout, connection refused, no route)."""

    exit_code = 3


class AuthFailed(AppmgrError):
    """The peer answered but rejected the credentials or the signature."""

    exit_code = 3


class Refused(AppmgrError):
    """The peer understood the request and refused it (permissions, policy)."""


class ProtocolError(AppmgrError):
    """The peer answered something we cannot make sense of."""


class NotFound(AppmgrError):
    """The named object (server, record, replication set, …) does not exist."""


class InvalidInput(AppmgrError):
    """A value typed by the user is not acceptable; ``field`` names where."""

    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class StateError(AppmgrError):
    """The action is not allowed in the pair's current state."""


class ValidationFailed(AppmgrError):
    """The health check found errors, so protection was not enabled.

    Exit code 1 (errors found), or 3 when a check could not reach a server.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
