"""Every pair's status in one poll (SPEC F-8.5): the dashboard and ``status`` without a pair.

One poll asks every engine concurrently (:mod:`core.protection.status_sweep`: the
engine clients kept between polls, the requests of all pairs in flight together,
a bounded number at once), then judges each pair with :func:`pair_status` from
those answers — the same judgement as one pair's ``status``: a pair is Protected
here only when it is Protected there. A pair whose status cannot be read at all
is "Status unknown" with the sentence why, never left out and never shown as fine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.context import Context
from core.errors import AppmgrError, InvalidInput
from core.model.overview import PairOverview
from core.model.pair import Pair
from core.model.state import PairState
from core.protection.health import MIRRORING, STATUS_UNKNOWN
from core.protection.poll_store import PollStore
from core.protection.status import PairStatus, pair_status
from core.protection.status_sweep import WORKERS, EnginePool, prefetch
from core.store import PairRecord, PairStore


def protected_records(store: PairStore) -> list[PairRecord]:
    """The records of the pairs protection was enabled for (whatever happened since:
    failed over, degraded…); a pair only validated is not watched. To read only."""
    idle = (PairState.UNPROTECTED.value, PairState.VALIDATED.value)
    return [r for r in store.records() if r.state not in idle]


def protected_pairs(store: PairStore) -> list[Pair]:
    return [r.pair for r in protected_records(store)]


def overview_of(pair: Pair, status: PairStatus) -> PairOverview:
    s = status.stats
    cond = next((c.name for c in status.conditions if c.name != MIRRORING), "")
    last_hb = status.monitor.last_heartbeat if status.monitor else s.last_heartbeat
    return PairOverview(pair, status.label, cond, status.reason, float(s.mirror_percent),
                        int(s.queued_ops), int(s.queued_bytes), float(s.transfer_rate),
                        last_hb, s.last_snapshot, status.read_at, status.exit_code,
                        status.state.value, _counters_read(status),
                        queued_upto=bool(s.queued_bytes_upto))


def _counters_read(status: PairStatus) -> bool:
    """Whether ``status.stats`` holds what an engine said (else they are defaults)."""
    rec = status.record
    if status.state == PairState.RESTORING:  # the restore's counters, from the target
        side, reached = rec.target, status.target_reachable
    elif status.state in _COUNTED:
        side, reached = rec.source, status.source_reachable
    else:
        return False
    return reached is True and not any(e.startswith(f"{side}:") for e in status.errors)


_COUNTED = (PairState.MIRRORING, PairState.PROTECTED, PairState.FAILURE_DETECTED)


def unknown(pair: Pair, err: BaseException, now: float) -> PairOverview:
    """A pair whose status could not be read: said, never guessed."""
    text = str(err) if isinstance(err, AppmgrError) else f"{type(err).__name__}: {err}"
    return PairOverview(pair, STATUS_UNKNOWN, STATUS_UNKNOWN, text, 0.0, 0, 0, 0.0, None,
                        None, now, 1, counters=False)


def read_all(ctx: Context, store: PairStore, pairs: Sequence[Pair],
             pool: EnginePool | None = None, workers: int = WORKERS,
             records: Sequence[PairRecord] | None = None, automatic: bool = True,
             ) -> list[PairStatus | BaseException]:
    """Every pair's status (in ``pairs``' order); a pair that could not be read is the
    error that stopped it. The engines are asked first, all at once
    (:func:`~core.protection.status_sweep.prefetch`: at most ``workers`` connections
    opened at once), then each pair is judged from their answers. ``records``: the
    pairs' records just read (:func:`protected_records`), to plan the requests and
    judge with (a lifecycle move is written to a record read afresh under its lock).
    ``automatic=False``: who runs a plan, and whether ``appmgr watch`` runs, are not
    read (see :func:`pair_status`)."""
    own = pool is None
    kept = pool or EnginePool(ctx.engine)

    def one(pair: Pair, rec: PairRecord | None) -> PairStatus | BaseException:
        if rec is None:
            return InvalidInput("pair", f"{pair} cannot be read")
        try:
            return pair_status(answered, store, pair, record=rec if given else None,
                               automatic=automatic)
        except Exception as err:  # one pair's failure is that pair's row, not the poll's
            return err

    try:
        given = records is not None
        recs: Sequence[PairRecord | None] = records if records is not None \
            else [_record(store, p) for p in pairs]
        answers = prefetch(kept, [r for r in recs if r is not None], ctx.timeout, workers)
        answered = replace(ctx, engine=lambda name: kept.answering(name, answers))
        return [one(p, r) for p, r in zip(pairs, recs, strict=True)]
    finally:
        if own:
            kept.close()


def _record(store: PairStore, pair: Pair) -> PairRecord | None:
    """The record to plan the poll's requests (only read: a PollStore need not copy it)."""
    try:
        if isinstance(store, PollStore):
            return store.peek(pair)
        return store.record(pair)
    except AppmgrError:
        return None


def overview(ctx: Context, store: PairStore, pairs: Sequence[Pair],
             pool: EnginePool | None = None, workers: int = WORKERS,
             records: Sequence[PairRecord] | None = None) -> list[PairOverview]:
    now = ctx.clock.now()
    # the rows show neither who runs a plan nor whether appmgr watch runs
    read = read_all(ctx, store, pairs, pool, workers, records, automatic=False)
    return [overview_of(p, r) if isinstance(r, PairStatus) else unknown(p, r, now)
            for p, r in zip(pairs, read, strict=True)]
