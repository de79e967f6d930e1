"""When the target's last snapshot of a pair's set was taken, for a status read (F-6.3).

The snapshots lie on the target, and its engine says when the newest was taken
in two answers: the failover monitor's status and the set's stats (while it
accepts the set). A status read asks for the monitor only while the pair is
watched with monitoring on; in every other state protection was enabled in
— failed over above all, where the target serves and its snapshots are what
a person may roll back to — and while monitoring is off, nothing else asks
the target, so the set's stats are asked of it for this figure.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from core.context import Context
from core.errors import AppmgrError, Unreachable
from core.model.state import WATCHED, PairState
from core.protection.env import as_stats
from core.store import PairRecord

if TYPE_CHECKING:  # status imports this module
    from core.protection.status import PairStatus

S = PairState
_NOT_ENABLED = (S.UNPROTECTED, S.VALIDATED)


def asks_target(rec: PairRecord) -> bool:
    """Whether reading ``rec``'s status asks the target's engine for the set's stats, for
    its last snapshot (the monitor's status, when read, says it already)."""
    named = bool(rec.facts and rec.facts.get("set_name"))
    state = rec.pair_state
    return named and state not in _NOT_ENABLED and not (state in WATCHED and rec.monitoring)


def read_last_snapshot(ctx: Context, server: str, name: str, status: PairStatus) -> None:
    """Put the target's last snapshot of set ``name`` in ``status.stats``. A target that
    does not answer is said (``target_reachable``); one that no longer accepts the set
    holds no snapshot to show; any other failure leaves the figure unknown, and the
    pair's judgement alone (a figure is not a condition of the pair)."""
    try:
        engine = ctx.engine(server)
        try:
            got = as_stats(engine.stats(name))
        finally:
            engine.close()
    except Unreachable:
        status.target_reachable = False
        return
    except AppmgrError:  # NotFound above all: the target no longer accepts the set
        return
    if status.target_reachable is None:
        status.target_reachable = True
    status.stats = replace(status.stats, last_snapshot=got.last_snapshot)
