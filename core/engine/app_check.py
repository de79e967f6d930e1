"""Application monitoring (SPEC F-6.2), run by the target's failover monitor.

Next to the heartbeat, the target checks the application itself every
``interval``: the built-in check asks for the states of the pair's failover
services on the source (they must be Running); the script check runs a script
on the target and reads its exit code. :class:`AppLogic` is the pure count:
``error_threshold`` consecutive failed checks raise the monitor's failover
condition, with a reason saying which service or which exit code; a check
that passes before then resets the count. :class:`AppCheckRunner` drives it
through an injected clock and check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from core.engine.clock import Clock

APP_METHODS = ("builtin", "script")


@dataclass(frozen=True)
class AppCheckSpec:
    method: str  # builtin | script
    interval: float
    error_threshold: int
    computer: str = ""  # builtin: the source whose services are read
    services: tuple[str, ...] = ()  # builtin: the pair's failover services
    script: str = ""  # script: its path on the target

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "interval": self.interval,
                "error_threshold": self.error_threshold, "computer": self.computer,
                "services": list(self.services), "script": self.script}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AppCheckSpec:
        return cls(str(d["method"]), float(d["interval"]), int(d["error_threshold"]),
                   str(d.get("computer", "")), tuple(str(s) for s in d.get("services", [])),
                   str(d.get("script", "")))


def service_failure(computer: str, wanted: tuple[str, ...], answer: Any) -> str | None:
    """What is wrong in a service query's answer (``{"services": [{name, state}]}``),
    or None when every wanted service is Running."""
    found = {str(s.get("name", "")).lower(): str(s.get("state", ""))
             for s in (answer or {}).get("services", []) if isinstance(s, dict)}
    for name in wanted:
        state = found.get(name.lower())
        if state is None:
            return f"{name} not found on {computer}"
        if state.lower() != "running":
            return f"{name} {state.lower()} on {computer}"
    return None


@dataclass
class AppLogic:
    """Consecutive failed application checks; pure (no clock, no I/O)."""

    threshold: int
    errors: int = 0
    last_error: str = ""
    last_check: float | None = None

    def record(self, failure: str | None, now: float) -> str | None:
        """Record one check (``failure`` None: it passed). Returns the failover
        reason when this check reached the threshold, else None."""
        self.last_check = now
        if failure is None:
            self.errors, self.last_error = 0, ""
            return None
        self.errors += 1
        self.last_error = failure
        if self.errors == self.threshold:
            return f"Application failure: {failure} ({self.errors} checks)"
        return None


#: one application check: None when it passed, else what failed (a sentence)
Check = Callable[[], Awaitable[str | None]]


class AppCheckRunner:
    """Every ``interval``: run the check, record it, report a reached threshold."""

    def __init__(self, spec: AppCheckSpec, check: Check, clock: Clock,
                 on_failure: Callable[[str], None]) -> None:
        self.spec = spec
        self.check = check
        self.clock = clock
        self.on_failure = on_failure
        self.logic = AppLogic(spec.error_threshold)

    async def run(self, rounds: int | None = None) -> None:
        done = 0
        while rounds is None or done < rounds:
            started = self.clock.monotonic()
            try:
                async with asyncio.timeout(max(1.0, self.spec.interval)):
                    failure = await self.check()
            except TimeoutError:
                failure = f"the check did not answer within {max(1.0, self.spec.interval):g} s"
            reason = self.logic.record(failure, self.clock.time())
            if reason is not None:
                self.on_failure(reason)
            await self.clock.sleep(max(0.0, started + self.spec.interval - self.clock.monotonic()))
            done += 1
