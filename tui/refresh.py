"""How often the Monitor tab polls (SPEC F-4 refresh interval, F-8.4).

Auto-adjust polls fast while something changes (a mirror runs, counters
move, a failover is under way) and backs off towards ``slow`` when idle.
Pure logic, so it is tested without a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.fmt import status_label

BUSY_STATES = {"Mirroring", "Failing over", "Failing back", "Restoring", "Failure detected"}


@dataclass(frozen=True)
class RefreshPolicy:
    fast: float = 1.0
    slow: float = 10.0

    def next_interval(
        self, *, auto: bool, manual: float, busy: bool, changed: bool, current: float
    ) -> float:
        """Seconds until the next poll."""
        if not auto:
            return max(1.0, float(manual))
        if busy or changed:
            return self.fast
        return min(self.slow, max(self.fast, current * 2))


def is_busy(status: Any) -> bool:
    if status_label(status) in BUSY_STATES:  # waiting for Restore is not busy
        return True
    stats = getattr(status, "stats", None)
    return bool(stats and (stats.mirror_status == "mirroring" or stats.queued_ops > 0))


def counters_changed(before: Any, after: Any) -> bool:
    """Did the counters that matter move between two JobStats?"""
    if before is None or after is None:
        return before is not after
    keys = ("bytes_sent", "bytes_remaining", "queued_ops", "mirror_percent", "missed_heartbeats")
    return any(getattr(before, k) != getattr(after, k) for k in keys)
