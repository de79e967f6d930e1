"""Validation (SPEC F-7): results, checks and the registry of checks.

A check is a small named unit: it reads the :class:`ValidationContext`
(gathered once per run) and returns an :class:`Outcome`. Checks register
themselves with :func:`check`, saying which applications they apply to
(``apps``, empty for all) and in which topologies (``when``, decided once
the servers are read). A Fix registers with :func:`fix_for`: it either
repairs a server, the DNS or an engine (returns None) or returns a
corrected configuration (a config fix, e.g. the TTL). Fix All runs the
fixes in ascending ``order`` (see :data:`FIX_ORDER`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from core.model.apps import APP_IDS
from core.model.config import ProtectionConfig

if TYPE_CHECKING:
    from core.apps.base import Application
    from core.validation.context import ValidationContext

GROUPS = ("servers", "application", "dns", "directory", "engine", "configuration")
#: what a check may talk to while it runs (it then runs on its own thread, with a deadline)
REMOTE = {"dns", "directory", "hosts"}
APPS = APP_IDS
SQL_BACKED = ("sql", "sharepoint", "blackberry")

#: Fix All order: what other repairs need first (a running engine, the admin group), then
#: host settings, DNS, databases (detach last among the servers), then the configuration.
FIX_ORDER = {"engine": 10, "access": 20, "host": 30, "dns": 40, "database": 50, "config": 90}


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
    #: the check could not run because a server did not answer or refused the credentials
    #: (the CLI's exit code 3, not a finding about the pair)
    unreachable: bool = False

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
When = Callable[["ValidationContext"], bool]


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
    #: what the check reads: "source", "target" (their inventories, gathered before), or
    #: talks to while it runs: "dns", "directory", "hosts" (named in a timeout reason)
    touches: tuple[str, ...] = ()
    #: the applications it applies to; empty: every application
    apps: tuple[str, ...] = ()
    #: the topology it applies to, in words ("any", "cluster", "database-only", …)
    topology: str = "any"
    #: decided after the servers are read (e.g. "a virtual server is involved")
    when: When | None = None
    fix_order: int = FIX_ORDER["host"]
    #: runs on the caller's thread: it only reads what was gathered (no remote call can hang)
    inline: bool = False

    def result(self, outcome: Outcome, unreachable: bool = False) -> CheckResult:
        fixable = outcome.fixable
        if fixable is None:
            fixable = self.fix is not None and outcome.status is not Status.PASSED
        return CheckResult(self.id, self.title, self.group, outcome.status, outcome.reason,
                           bool(fixable), unreachable)

    def describe(self) -> dict[str, Any]:
        """The check as documentation: id, title, group, applications, topology, Fix."""
        return {"id": self.id, "title": self.title, "group": self.group,
                "apps": list(self.apps or APPS), "topology": self.topology,
                "fix": self.fix is not None}


_REGISTRY: dict[str, Check] = {}


def check(id: str, title: str, group: str, *, applies: Applies = _always,
          touches: tuple[str, ...] = (), apps: tuple[str, ...] = (), topology: str = "any",
          when: When | None = None) -> Callable[[Run], Check]:
    """Register the decorated ``run(vctx) -> Outcome`` as a check.

    A check whose ``touches`` name nothing it calls while running (only the gathered
    "source" and "target") runs inline; any remote call must be declared in ``touches``.
    """
    if group not in GROUPS:
        raise ValueError(f"unknown check group {group!r}")
    unknown = set(apps) - set(APPS)
    if unknown:
        raise ValueError(f"unknown application(s) {sorted(unknown)} for check {id!r}")

    def register(run: Run) -> Check:
        if id in _REGISTRY:
            raise ValueError(f"check {id!r} registered twice")
        inline = not set(touches) & REMOTE
        shown = "dns-failover" if applies is dns_failover and topology == "any" else topology
        _REGISTRY[id] = Check(id, title, group, run, applies, None, touches, tuple(apps),
                              shown, when, inline=inline)
        return _REGISTRY[id]
    return register


def fix_for(check_id: str, order: str = "host") -> Callable[[Fix], Fix]:
    """Register the decorated ``fix(vctx)`` as the Fix of a registered check.

    ``order`` names its place in Fix All (a key of :data:`FIX_ORDER`).
    """
    def register(fn: Fix) -> Fix:
        _REGISTRY[check_id] = replace(_REGISTRY[check_id], fix=fn, fix_order=FIX_ORDER[order])
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
