"""Counters of one connection (SPEC F-8.4) and the transfer-rate meter.

Besides the figures, the counters record WHEN a trouble began (the target
refusing, an error, the queue waiting): status reports a degraded pair with
its age, so a repeated failure must not restart the clock (ARCHITECTURE "Truth").
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from core.engine.clock import Clock
from core.model.stats import JobStats


class RateMeter:
    """Bytes per second over the last ``window`` seconds."""

    def __init__(self, clock: Clock, window: float = 5.0) -> None:
        self.clock = clock
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, n: int) -> None:
        self._samples.append((self.clock.monotonic(), n))

    def rate(self) -> float:
        now = self.clock.monotonic()
        while self._samples and now - self._samples[0][0] > self.window:
            self._samples.popleft()
        return sum(n for _, n in self._samples) / self.window


@dataclass
class Counters:
    """Mutable counters the replicator updates; :meth:`stats` freezes them."""

    clock: Clock
    mirror_status: str = "idle"
    replication_status: str = "stopped"
    bytes_sent: int = 0  # file bytes (before compression)
    bytes_sent_compressed: int = 0  # the same bytes as they went on the wire
    mirror_total: int = 0
    mirror_done: int = 0
    #: the mirror sends only what differs (checksum, quick): what it has left to compare
    #: is an upper bound of what it will send, not a figure of it
    mirror_bound: bool = False
    last_error: str = ""
    error_since: float | None = None
    target_connected: bool | None = None
    target_since: float | None = None
    remirror_reason: str = ""  # set while the target may differ from the source
    remirror_since: float | None = None
    meter: RateMeter = field(init=False)

    def __post_init__(self) -> None:
        self.meter = RateMeter(self.clock)

    def sent(self, raw: int, wire: int) -> None:
        self.bytes_sent += raw
        self.bytes_sent_compressed += wire
        self.meter.add(wire)

    def failed(self, error: str, *, target_down: bool) -> None:
        """Record a failure; the times keep the start of an ongoing trouble."""
        now = self.clock.time()
        if not self.last_error:
            self.error_since = now
        self.last_error = error
        if target_down and self.target_connected is not False:
            self.target_connected, self.target_since = False, now

    def connected(self) -> None:
        if self.target_connected is not True:
            self.target_connected, self.target_since = True, self.clock.time()

    def cleared(self) -> None:
        self.last_error, self.error_since = "", None

    def owe_remirror(self, reason: str) -> bool:
        """Record that the target may differ from the source; the first reason stays.
        True when this is a new doubt (none was owed)."""
        if self.remirror_reason or not reason:
            return False
        self.remirror_reason, self.remirror_since = reason, self.clock.time()
        return True

    def remirrored(self) -> None:
        self.remirror_reason, self.remirror_since = "", None

    def stats(self, queued_ops: int, queued_bytes: int = 0, queue_since: float | None = None,
              last_applied: float | None = None, queued_upto: int = 0) -> JobStats:
        mirroring = self.mirror_status == "mirroring"
        state = self.mirror_status
        if self.remirror_reason and state == "complete":
            state = "remirror_required"  # never "complete" while a re-mirror is owed
        percent = 100.0 if state == "complete" else 0.0
        if mirroring and self.mirror_total:
            percent = min(99.9, 100.0 * self.mirror_done / self.mirror_total)
        mirror_rest = max(0, self.mirror_total - self.mirror_done) if mirroring else 0
        return JobStats(
            mirror_status=state,
            mirror_percent=round(percent, 1),
            replication_status=self.replication_status,
            bytes_sent=self.bytes_sent,
            bytes_sent_compressed=self.bytes_sent_compressed,
            # what the target still lacks: the rest of the mirror AND the queue
            bytes_remaining=mirror_rest + queued_bytes,
            bytes_remaining_upto=queued_upto + (mirror_rest if self.mirror_bound else 0),
            queued_ops=queued_ops,
            queued_bytes=queued_bytes,
            queued_bytes_upto=queued_upto,
            queue_since=queue_since,
            last_applied=last_applied,
            error_since=self.error_since,
            target_connected=self.target_connected,
            target_since=self.target_since,
            transfer_rate=self.meter.rate(),
            last_error=self.last_error,
            mirror_state=("remirror_required" if self.remirror_reason and not mirroring
                          else state),
            remirror_reason=self.remirror_reason,
            remirror_since=self.remirror_since,
        )
