"""``PairOverview``: one pair's row of facts on the Dashboard and in ``appmgr status``
without a pair (SPEC F-8.5); read by :mod:`core.protection.overview`."""

from __future__ import annotations

from dataclasses import dataclass

from core.model.pair import Pair


@dataclass(frozen=True)
class PairOverview:
    """One dashboard row's facts (no formatting: the TUI and the CLI format them)."""

    pair: Pair
    #: the state a person is told (``PairStatus.label``): Protected, Degraded, Mirroring…
    state: str
    #: the first condition's name when degraded ("Target unreachable"), else ""
    condition: str
    #: the whole sentence why ("Target unreachable since 10:42 — 18 operations queued")
    reason: str
    mirror_percent: float
    queued_ops: int
    queued_bytes: int
    transfer_rate: float
    last_heartbeat: float | None
    last_snapshot: float | None
    #: when it was read (epoch seconds); ages count from the clock of whoever shows them
    read_at: float
    #: ``status``'s exit code for this pair (0 Protected, 3 source silent, else 1)
    exit_code: int
    #: the lifecycle state (SPEC F-8.3) the actions follow ("Protected" while Degraded)
    lifecycle: str = ""
    #: whether mirror, queue and rate were read this time (False: the source did not
    #: answer, or the state reads no counters): unknown is shown as unknown, not as 0
    counters: bool = True
    #: ``queued_bytes`` is only an upper bound (deltas not hashed yet: shown "≤")
    queued_upto: bool = False

    @property
    def key(self) -> str:
        return self.pair.key
