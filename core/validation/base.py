"""Validation (SPEC F-7): results, checks and the registry of checks.

A check is a small named unit: it reads the :class:`ValidationContext`
(gathered once per run) and returns an :class:`Outcome`. Checks register
themselves with :func:`check`; a Fix registers with :func:`fix_for`.
A Fix either repairs a server (returns None) or returns a corrected
configuration (a config fix, e.g. the TTL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from core.model.config import ProtectionConfig

if TYPE_CHECKING:
    from core.apps.base import Application
    from core.validation.context import ValidationContext

GROUPS = ("servers", "application", "dns", "directory", "engine", "configuration")


class Status(StrEnum):
    PASSED = "passed"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    group: str
    status: Status
    reason: str
    fixable: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "group": self.group,
                "status": self.status.value, "reason": self.reason, "fixable": self.fixable}

    def __str__(self) -> str:
        return f"[{self.status.value}] {self.title}: {self.reason}"


@dataclass(frozen=True)
class Outcome:
    """What a check's ``run`` returns; ``fixable`` None means "when it has a Fix"."""

    status: Status
    reason: str
    fixable: bool | None = None


def passed(reason: str) -> Outcome:
    return Outcome(Status.PASSED, reason, False)


def warning(reason: str, fixable: bool | None = None) -> Outcome:
    return Outcome(Status.WARNING, reason, fixable)


def error(reason: str, fixable: bool | None = None) -> Outcome:
    return Outcome(Status.ERROR, reason, fixable)


Run = Callable[["ValidationContext"], Outcome]
Fix = Callable[["ValidationContext"], ProtectionConfig | None]
Applies = Callable[["Application", ProtectionConfig], bool]


def _always(app: Application, cfg: ProtectionConfig) -> bool:
    return True


def dns_failover(app: Application, cfg: ProtectionConfig) -> bool:
    """Applies-rule of the DNS checks: only with DNS failover."""
    return cfg.failover.type == "dns"


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    group: str
    run: Run
    applies: Applies = _always
    fix: Fix | None = None
    #: what the check talks to: "source", "target", "dns" (named in a timeout reason)
    touches: tuple[str, ...] = ()

    def result(self, outcome: Outcome) -> CheckResult:
        fixable = outcome.fixable
        if fixable is None:
            fixable = self.fix is not None and outcome.status is not Status.PASSED
        return CheckResult(self.id, self.title, self.group, outcome.status, outcome.reason,
                           bool(fixable))


_REGISTRY: dict[str, Check] = {}


def check(id: str, title: str, group: str, *, applies: Applies = _always,
          touches: tuple[str, ...] = ()) -> Callable[[Run], Check]:
    """Register the decorated ``run(vctx) -> Outcome`` as a check."""
    if group not in GROUPS:
        raise ValueError(f"unknown check group {group!r}")

    def register(run: Run) -> Check:
        if id in _REGISTRY:
            raise ValueError(f"check {id!r} registered twice")
        _REGISTRY[id] = Check(id, title, group, run, applies, None, touches)
        return _REGISTRY[id]
    return register


def fix_for(check_id: str) -> Callable[[Fix], Fix]:
    """Register the decorated ``fix(vctx)`` as the Fix of a registered check."""
    def register(fn: Fix) -> Fix:
        _REGISTRY[check_id] = replace(_REGISTRY[check_id], fix=fn)
        return fn
    return register


def registered_checks() -> list[Check]:
    """All checks, grouped in :data:`GROUPS` order, then in registration order."""
    import core.validation.checks  # noqa: F401  (registers the built-in checks)

    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(_REGISTRY.values(), key=lambda c: order[c.group])


def get_check(check_id: str) -> Check:
    for c in registered_checks():
        if c.id == check_id:
            return c
    raise KeyError(check_id)
