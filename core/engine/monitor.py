"""The failover monitor (runs on the target): is the source still alive?

:class:`MonitorLogic` is the pure state machine: each round records which
source IPs answered; after ``missed`` consecutive misses on all IPs (trigger
"all") or on any IP (trigger "any") the failover condition is met; with
application monitoring (:mod:`core.engine.app_check`) its threshold of failed
checks meets it too, with a reason saying so. The
condition is sticky: when the source answers again the miss counts reset
but the condition stays until the monitor is deleted or recreated, so a met
condition never silently vanishes. :class:`MonitorRunner` drives the logic
every ``interval`` through an injected clock and probe.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from core.engine.app_check import AppCheckRunner, AppCheckSpec, Check
from core.engine.clock import Clock
from core.engine.tasks import cancel_and_wait
from core.ports import MonitorStatus

METHODS = ("heartbeat", "icmp")
TRIGGERS = ("all", "any")


@dataclass(frozen=True)
class MonitorSpec:
    source_ips: tuple[str, ...]
    port: int
    method: str
    interval: float
    missed: int
    trigger: str
    #: application monitoring (F-6.2); None: off (and in specs from before it)
    app: AppCheckSpec | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {**self.__dict__, "source_ips": list(self.source_ips)}
        d.pop("app")
        if self.app is not None:  # absent when off: older engines read the spec unchanged
            d["app"] = self.app.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MonitorSpec:
        app = d.get("app")
        return cls(tuple(d["source_ips"]), int(d["port"]), str(d["method"]),
                   float(d["interval"]), int(d["missed"]), str(d["trigger"]),
                   AppCheckSpec.from_dict(app) if isinstance(app, dict) else None)


@dataclass
class MonitorLogic:
    ips: tuple[str, ...]
    threshold: int
    trigger: str
    condition: bool = False
    last_heartbeat: float | None = None
    per_ip: dict[str, int] = field(default_factory=dict)
    #: why the condition was met when it was not missed heartbeats ("" otherwise)
    reason: str = ""

    def __post_init__(self) -> None:
        self.per_ip = {ip: self.per_ip.get(ip, 0) for ip in self.ips}

    def record(self, replies: dict[str, bool], now: float) -> bool:
        """Record one round; True when this round met the condition."""
        for ip, ok in replies.items():
            if ok:
                self.per_ip[ip] = 0
                self.last_heartbeat = now
            else:
                self.per_ip[ip] = self.per_ip.get(ip, 0) + 1
        if not self.condition and self.per_ip and self._met():
            self.condition = True
            return True
        return False

    def declare(self, reason: str) -> bool:
        """Meet the condition for another reason (an application failure);
        True when it was not met before."""
        if self.condition:
            return False
        self.condition, self.reason = True, reason
        return True

    def _met(self) -> bool:
        counts = self.per_ip.values()
        worst = max(counts) if self.trigger == "any" else min(counts)
        return worst >= self.threshold

    def missed(self) -> int:
        counts = list(self.per_ip.values()) or [0]
        return max(counts) if self.trigger == "any" else min(counts)

    def status(self, name: str) -> MonitorStatus:
        return MonitorStatus(
            name=name,
            state="failover_condition" if self.condition else "monitoring",
            last_heartbeat=self.last_heartbeat,
            missed=self.missed(),
            threshold=self.threshold,
            per_ip=dict(self.per_ip),
            reason=self.reason,
        )


Probe = Callable[[str], Awaitable[bool]]


class MonitorRunner:
    """Every ``interval``: probe each source IP at once, then record the round."""

    def __init__(
        self, spec: MonitorSpec, probe: Probe, clock: Clock,
        on_condition: Callable[[], None] | None = None, condition: bool = False,
        app_check: Check | None = None, reason: str = "",
    ) -> None:
        self.spec = spec
        self.probe = probe
        self.clock = clock
        self.on_condition = on_condition
        self.logic = MonitorLogic(spec.source_ips, spec.missed, spec.trigger, condition,
                                  reason=reason)
        #: application monitoring, when the spec has it and a check was given
        self.app = (AppCheckRunner(spec.app, app_check, clock, self._app_failed)
                    if spec.app is not None and app_check is not None else None)
        self._task: asyncio.Task[None] | None = None
        self._app_task: asyncio.Task[None] | None = None

    def _app_failed(self, reason: str) -> None:
        if self.logic.declare(reason) and self.on_condition:
            self.on_condition()

    async def run(self, rounds: int | None = None) -> None:
        """Each round lasts one interval: probes go out at its start, an IP
        that has not answered by its end has missed one heartbeat. So with
        no answers the condition is met ``interval × missed`` after the start."""
        done = 0
        while rounds is None or done < rounds:
            started = self.clock.monotonic()
            results = await asyncio.gather(*(self.probe(ip) for ip in self.spec.source_ips))
            await self.clock.sleep(max(0.0, started + self.spec.interval - self.clock.monotonic()))
            replies = dict(zip(self.spec.source_ips, results, strict=True))
            if self.logic.record(replies, self.clock.time()) and self.on_condition:
                self.on_condition()
            done += 1

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._task = loop.create_task(self.run())
        if self.app is not None:
            self._app_task = loop.create_task(self.app.run())

    def stop(self) -> None:
        """Cancel the rounds (they end at the next await); :meth:`close` also waits."""
        for t in (self._task, self._app_task):
            if t:
                t.cancel()

    async def close(self) -> None:
        """Cancel the rounds and wait until they have ended."""
        await cancel_and_wait([self._task, self._app_task], "the failover monitor")
