"""Automatic failover (SPEC F-9.1 without manual intervention): ``appmgr watch``.

:func:`decide` is pure: from what is known about one pair this round (its
configuration, its record, the target's monitor as ``status`` reads it, the
plan lock) it says whether to fail over now, resume an interrupted failover,
or leave the pair alone and why. :class:`Watcher` drives it every
``interval`` on an injected clock: it refreshes the heartbeat the console
reads (:mod:`core.protection.watch_beat`), reads each candidate pair's
status exactly as ``appmgr status`` does (which also persists "Failure
detected"), and runs the failover plan through :func:`failover`, which holds
the per-pair plan lock and records each finished step, so a watcher killed
mid-plan resumes it when started again and runs no step twice.

Identity failover pairs are watched the same way: their target's engine has
already taken over the source's addresses, name and shares by itself when
its monitor declared the failure (F-9.5); the plan the watcher runs then
finds that done (``take-identity``) and does the rest (SPNs, services).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.clock import Clock
from core.context import Context
from core.errors import AppmgrError
from core.logs import log_action
from core.model.config import ProtectionConfig
from core.model.state import WATCHED, PairState
from core.protection.failover import failover
from core.protection.plan_lock import PlanHolder, plan_holder
from core.protection.status import pair_status
from core.protection.watch_beat import WatchBeat, remove_beat, write_beat
from core.store import PairRecord, PairStore

S = PairState
ACTOR = "appmgr watch"


@dataclass(frozen=True)
class PairView:
    """What the watcher knows of one pair this round."""

    state: PairState
    manual: bool  # manual intervention: the console asks, the watcher never acts
    monitoring: bool
    phase: str  # the operation recorded as running ("failover" while it runs)
    last_error: str  # the plan stopped at a failed step
    monitor_state: str | None  # the target monitor's answer; None when not read
    holder: PlanHolder | None = None


@dataclass(frozen=True)
class Decision:
    action: str  # "failover", "resume" or "none"
    reason: str


def decide(v: PairView) -> Decision:
    """Fail over when the target's monitor declares the failure, resume a failover a
    crash interrupted; otherwise nothing, with the reason."""
    if v.manual:
        return Decision("none", "manual intervention is on: the console asks")
    if v.holder is not None:
        return Decision("none", v.holder.sentence())
    if v.state == S.FAILING_OVER and v.phase == "failover":
        if v.last_error:
            return Decision("none", f"the failover stopped at a failed step ({v.last_error}); "
                                    "fix the cause and run failover to resume it")
        return Decision("resume", "a failover was interrupted")
    if v.state not in WATCHED:
        return Decision("none", f"the pair is {v.state.value}")
    if not v.monitoring:
        return Decision("none", "monitoring is off")
    if v.monitor_state == "failover_condition":
        return Decision("failover", "the target's monitor declared the failure")
    return Decision("none", "watching")


@dataclass(frozen=True)
class Outcome:
    """One pair's round, as the watcher logs it."""

    pair: str  # "FS01 -> FS02"
    decision: Decision
    result: str = ""  # what the plan did (or why it did not run)
    ok: bool = True


def _label(rec: PairRecord) -> str:
    return f"{rec.source.upper()} -> {rec.target.upper()}"


class Watcher:
    """Polls every pair each ``interval`` and runs the failovers :func:`decide` asks for."""

    def __init__(self, ctx: Context, store: PairStore, clock: Clock, interval: float,
                 say: Callable[[str], None] = lambda _t: None,
                 run_failover: Callable[..., Any] = failover) -> None:
        self.ctx, self.store, self.clock = ctx, store, clock
        self.interval = interval
        self.say = say
        self.run_failover = run_failover
        self.host, self.pid = socket.gethostname(), os.getpid()
        self.started = clock.now()
        #: a plan runs now (a stop waits for it); a stop was asked for
        self.busy = False
        self.stopping = False

    def beat(self, running: str = "") -> None:
        write_beat(self.ctx.paths, WatchBeat(self.host, self.pid, self.started, self.clock.now(),
                                             self.interval, running))

    def view(self, rec: PairRecord, cfg: ProtectionConfig) -> PairView:
        """Read the pair as ``status`` does; only a pair the watcher may act on is read
        remotely (the target's monitor), so a manual pair costs nothing."""
        holder = plan_holder(self.ctx.paths, rec.pair)
        manual = cfg.monitoring.manual_intervention
        state, monitor_state = rec.pair_state, None
        if not manual and holder is None and state in WATCHED and rec.monitoring:
            st = pair_status(self.ctx, self.store, rec.pair)
            state, rec = st.state, st.record
            monitor_state = st.monitor.state if st.monitor is not None else None
        return PairView(state, manual, rec.monitoring, rec.phase, rec.last_error,
                        monitor_state, holder)

    def poll_once(self) -> list[Outcome]:
        """One round over every pair with a saved configuration."""
        self.beat()
        out = []
        for rec in self.store.records():
            if self.stopping:
                break
            cfg = self.store.load_config(rec.pair)
            if cfg is None or not rec.facts:
                continue
            try:
                decision = decide(self.view(rec, cfg))
            except AppmgrError as exc:
                out.append(Outcome(_label(rec), Decision("none", "status unreadable"),
                                   str(exc), ok=False))
                continue
            if decision.action == "none":
                out.append(Outcome(_label(rec), decision))
                continue
            out.append(self._fail_over(rec, decision))
        return out

    def _fail_over(self, rec: PairRecord, decision: Decision) -> Outcome:
        label = _label(rec)
        plan = f"failover {label}"
        self.say(f"{label}: {decision.reason}; running the failover plan")
        log_action("automatic failover", pair=f"{rec.source}->{rec.target}", by=ACTOR,
                   reason=decision.reason)
        self.beat(plan)

        def progress(text: str) -> None:
            self.say(f"{label}: {text}")
            self.beat(plan)  # a long plan keeps the heartbeat fresh

        self.busy = True
        try:
            results = self.run_failover(self.ctx, self.store, rec.pair,
                                        progress, actor=ACTOR)
        except AppmgrError as exc:
            self.say(f"{label}: failover did not complete: {exc}")
            return Outcome(label, decision, str(exc), ok=False)
        finally:
            self.busy = False
            self.beat()
        done = sum(1 for r in results if not r.skipped)
        return Outcome(label, decision, f"failed over ({done} steps run, "
                                        f"{len(results) - done} done before)")

    def request_stop(self) -> bool:
        """Stop after the running plan (if any); True when one runs, so the caller lets
        it finish. Asked again while it runs: False (the caller stops at once, and the
        plan resumes at the next start)."""
        again = self.stopping
        self.stopping = True
        return self.busy and not again

    def run(self, rounds: int | None = None) -> None:
        """Poll every ``interval`` (measured from each round's start) until stopped;
        the heartbeat is removed when the loop ends."""
        n = 0
        try:
            while (rounds is None or n < rounds) and not self.stopping:
                started = self.clock.monotonic()
                try:
                    outcomes = self.poll_once()
                except Exception as exc:  # noqa: BLE001 - a service keeps watching the others
                    self.say(f"this round failed: {type(exc).__name__}: {exc}")
                    outcomes = []
                for o in outcomes:
                    if o.decision.action != "none" or not o.ok:
                        self.say(f"{o.pair}: {o.result or o.decision.reason}")
                n += 1
                if (rounds is None or n < rounds) and not self.stopping:
                    self.clock.sleep(max(0.0, started + self.interval - self.clock.monotonic()))
        finally:
            remove_beat(self.ctx.paths, self.pid)
