"""Live counters of one protected pair (SPEC F-8.4), as the engines report them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class JobStats:
    mirror_status: str = "idle"  # idle | mirroring | complete | remirror_required | error
    mirror_percent: float = 0.0
    replication_status: str = "stopped"  # stopped | replicating | paused | error
    bytes_sent: int = 0
    bytes_sent_compressed: int = 0
    bytes_remaining: int = 0
    #: the part of ``bytes_remaining`` that is only an upper bound: ``queued_bytes_upto``
    #: and, in a checksum or quick mirror, the files not compared yet ("up to" in status)
    bytes_remaining_upto: int = 0
    queued_ops: int = 0
    transfer_rate: float = 0.0  # bytes/s, averaged over the last sample window
    last_heartbeat: float | None = None  # epoch seconds of the last reply seen by the target
    missed_heartbeats: int = 0
    missed_threshold: int = 0
    monitor_state: str = "off"  # off | monitoring | failover_condition
    last_snapshot: float | None = None
    last_error: str = ""  # why mirror or replication is in "error" (a sentence), else ""
    #: epoch seconds ``last_error`` first appeared (kept while the same trouble repeats)
    error_since: float | None = None
    #: the source's view of its target: None before the first attempt
    target_connected: bool | None = None
    #: epoch seconds the current ``target_connected`` value began
    target_since: float | None = None
    #: bytes the replication queue still has to send: a whole file's size when queued, a
    #: delta's changed bytes once hashed (at send time)
    queued_bytes: int = 0
    #: the part of ``queued_bytes`` (and so of ``bytes_remaining``) that is only an upper
    #: bound: whole sizes of files that will go as deltas not hashed yet ("up to" in status)
    queued_bytes_upto: int = 0
    #: epoch seconds the queue became non-empty (None while empty)
    queue_since: float | None = None
    #: epoch seconds the target last acknowledged a queued operation
    last_applied: float | None = None
    #: "complete" only once a mirror made the target equal the source and nothing has cast
    #: doubt on it since; "mirroring" while one runs; "remirror_required" while one is owed
    mirror_state: str = "idle"  # idle | mirroring | remirror_required | complete | error
    #: why a re-mirror runs or is owed (engine start, broken channel, lost events), else ""
    remirror_reason: str = ""
    #: epoch seconds the owed re-mirror was first recorded
    remirror_since: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> JobStats:
        names = cls.__dataclass_fields__
        if d.keys() <= names.keys():  # the usual reply: every key known (no copy)
            return cls(**d)
        return cls(**{k: v for k, v in d.items() if k in names})
