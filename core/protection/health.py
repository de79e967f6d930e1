"""Is a pair really protected? The decision, as a pure function of what was read.

ARCHITECTURE "Truth": a pair is Protected only while ALL of these hold —
the source engine answers, the target engine is reachable (from the source's
replicator and from the console), replication is not in error, no re-mirror
is pending, the failover monitor runs on the target (when monitoring is on),
the queue drains and the mirror is complete. Each one that fails is a
:class:`Condition` with a name, a reason and since when it holds; the first
one names the degraded state ("Target unreachable since 10:42 — 18 operations
queued (24 MB)"). Nothing here calls anything: the clock is passed in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from core.model.stats import JobStats

#: a queue that waits this long with no operation acknowledged is not draining
STALL_BOUND = 60.0

SOURCE_UNREACHABLE = "Source unreachable"
TARGET_UNREACHABLE = "Target unreachable"
REPLICATION_ERROR = "Replication error"
REMIRROR_REQUIRED = "Re-mirror required"
MONITOR_DOWN = "Failover monitor not running"
#: the target's monitor met its failover condition (heartbeats, or the application)
FAILURE_DECLARED = "Failure declared"
QUEUE_STALLED = "Queue not draining"
STATUS_UNKNOWN = "Status unknown"
MIRRORING = "Mirroring"
#: what ``status`` calls a pair that would be Protected but for a condition
DEGRADED = "Degraded"
#: conditions the console sees itself (the engines cannot date them): their
#: first sighting is remembered in the pair record
OBSERVED = (SOURCE_UNREACHABLE, TARGET_UNREACHABLE, MONITOR_DOWN, STATUS_UNKNOWN,
            FAILURE_DECLARED)


@dataclass(frozen=True)
class Condition:
    name: str
    reason: str
    #: epoch seconds the condition began; None when nobody can tell
    since: float | None = None

    def to_dict(self, now: float) -> dict[str, Any]:
        age = None if self.since is None else round(max(0.0, now - self.since), 1)
        return {"name": self.name, "reason": self.reason, "since": self.since, "age_s": age}


@dataclass(frozen=True)
class Observed:
    """What one status read saw, besides the source's counters."""

    source_reachable: bool | None
    target_reachable: bool | None
    monitoring: bool
    monitor_state: str | None  # None: not read
    errors: tuple[str, ...] = ()
    #: why the monitor met its condition when not by heartbeats (application monitoring)
    monitor_reason: str = ""


def conditions(stats: JobStats, seen: Observed, now: float,
               first_seen: dict[str, float] | None = None,
               stall_bound: float = STALL_BOUND) -> list[Condition]:
    """Every reason the pair is not Protected, most important first; [] means Protected."""
    first = first_seen or {}
    out: list[Condition] = []
    if seen.source_reachable is False:
        # nothing the source would tell can be trusted now: its counters are unknown
        return [Condition(SOURCE_UNREACHABLE, "the source engine does not answer the console",
                          first.get(SOURCE_UNREACHABLE))]
    down = _target_down(stats, seen, first)
    if down:
        out.append(down)
    if stats.last_error and not (down and stats.target_connected is False):
        out.append(Condition(REPLICATION_ERROR, stats.last_error, stats.error_since))
    elif "error" in (stats.replication_status, stats.mirror_status) and not down:
        out.append(Condition(REPLICATION_ERROR, "the source engine reports an error",
                             stats.error_since))
    if stats.remirror_reason:
        out.append(Condition(REMIRROR_REQUIRED, stats.remirror_reason, stats.remirror_since))
    if seen.monitoring and seen.target_reachable is not False \
            and seen.monitor_state == "failover_condition":  # running: it declared a failure
        out.append(Condition(FAILURE_DECLARED, seen.monitor_reason or "the target's failover "
                             "monitor declared the source failed", first.get(FAILURE_DECLARED)))
    elif seen.monitoring and seen.target_reachable is not False \
            and seen.monitor_state != "monitoring":
        what = "could not be read" if seen.monitor_state is None else f"is {seen.monitor_state}"
        out.append(Condition(MONITOR_DOWN, f"the target's failover monitor {what}",
                             first.get(MONITOR_DOWN)))
    stalled = _stalled(stats, now, stall_bound)
    if stalled and not down:
        out.append(stalled)
    if seen.errors:
        out.append(Condition(STATUS_UNKNOWN, "; ".join(seen.errors), first.get(STATUS_UNKNOWN)))
    # "remirror_required" is the condition above, said once
    if stats.mirror_status not in ("complete", "error", "remirror_required"):
        out.append(Condition(MIRRORING, f"mirror {stats.mirror_status} {stats.mirror_percent:.0f}%"))
    return out


def _target_down(stats: JobStats, seen: Observed, first: dict[str, float]) -> Condition | None:
    """The target as the source's replicator sees it, else as the console does."""
    if stats.target_connected is False:
        return Condition(TARGET_UNREACHABLE, stats.last_error or "the source cannot reach it",
                         stats.target_since)
    if seen.target_reachable is False:
        return Condition(TARGET_UNREACHABLE, "the target engine does not answer the console",
                         first.get(TARGET_UNREACHABLE))
    return None


def _stalled(stats: JobStats, now: float, bound: float) -> Condition | None:
    if not stats.queued_ops or stats.queue_since is None:
        return None
    # waiting since the queue filled, or since the last op the target took
    waiting = max(stats.queue_since, stats.last_applied or 0.0)
    if now - waiting <= bound:
        return None
    return Condition(QUEUE_STALLED, f"no operation acknowledged for {_duration(now - waiting)}",
                     waiting)


def display_state(lifecycle: str, conds: list[Condition]) -> str:
    """The state a person is told: Protected only with no condition at all."""
    if lifecycle not in ("Protected", "Mirroring"):
        return lifecycle
    if any(c.name != MIRRORING for c in conds):
        return DEGRADED
    return MIRRORING if conds else lifecycle


def headline(conds: list[Condition], stats: JobStats, now: float) -> str:
    """One sentence: the first condition, since when, and what waits to be sent."""
    main = next((c for c in conds if c.name != MIRRORING), None)
    if main is None:
        return ""
    text = main.name + (f" since {since_text(main.since, now)}" if main.since else "")
    if stats.queued_ops:
        ops = "operation" if stats.queued_ops == 1 else "operations"
        text += f" — {stats.queued_ops:,} {ops} queued ({queued_text(stats)})"
    return text


def since_text(since: float, now: float) -> str:
    """``10:42`` today (local time), with the date when older than a day."""
    fmt = "%H:%M" if now - since < 86_400 else "%Y-%m-%d %H:%M"
    return time.strftime(fmt, time.localtime(since))


def queued_text(stats: JobStats) -> str:
    """The queue's bytes: "24.0 MB", or "up to 24.0 MB" while part of it is whole sizes
    of files that go as block deltas not hashed yet (their changed bytes are unknown)."""
    return ("up to " if stats.queued_bytes_upto else "") + size_text(stats.queued_bytes)


def size_text(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} bytes"


def _duration(seconds: float) -> str:
    s = int(seconds)
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{s // 60} min"
    return f"{s // 3600} h"
