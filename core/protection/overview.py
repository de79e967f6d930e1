"""Every pair's status in one poll (SPEC F-8.5): the dashboard and ``status`` without a pair.

The pairs are read concurrently by a bounded pool of threads (``WORKERS``): with
hundreds of pairs a serial read waits out every engine in turn, and an unbounded
one opens hundreds of connections at once. Each read is :func:`pair_status`, the
same judgement as one pair's ``status``: a pair is Protected here only when it
is Protected there. A pair whose status cannot be read at all is "Status
unknown" with the sentence why, never left out and never shown as fine.

The engine clients are kept between polls (:class:`EnginePool`): a poll a
second of 1,000 engines must not pay 1,000 TLS handshakes a second. A client
that fails once is dropped, so the next poll connects afresh (and resolves the
server's address again).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from core.context import Context
from core.errors import AppmgrError
from core.model.pair import Pair
from core.model.state import PairState
from core.ports import Engine
from core.protection.health import MIRRORING, STATUS_UNKNOWN
from core.protection.status import PairStatus, pair_status
from core.store import PairStore

#: pairs read at once; each read waits on the network, rarely on the CPU
WORKERS = 16


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

    @property
    def key(self) -> str:
        return self.pair.key


def protected_pairs(store: PairStore) -> list[Pair]:
    """The pairs protection was enabled for (whatever happened since: failed over,
    degraded…); a pair only validated is not watched."""
    idle = (PairState.UNPROTECTED.value, PairState.VALIDATED.value)
    return [Pair(r.app, r.source, r.target) for r in store.records() if r.state not in idle]


def overview_of(pair: Pair, status: PairStatus) -> PairOverview:
    s = status.stats
    cond = next((c.name for c in status.conditions if c.name != MIRRORING), "")
    last_hb = status.monitor.last_heartbeat if status.monitor else s.last_heartbeat
    return PairOverview(pair, status.label, cond, status.reason, float(s.mirror_percent),
                        int(s.queued_ops), int(s.queued_bytes), float(s.transfer_rate),
                        last_hb, s.last_snapshot, status.read_at, status.exit_code,
                        status.state.value)


def unknown(pair: Pair, err: BaseException, now: float) -> PairOverview:
    """A pair whose status could not be read: said, never guessed."""
    text = str(err) if isinstance(err, AppmgrError) else f"{type(err).__name__}: {err}"
    return PairOverview(pair, STATUS_UNKNOWN, STATUS_UNKNOWN, text, 0.0, 0, 0, 0.0, None,
                        None, now, 1)


class _Kept:
    """A pooled engine client: ``close`` keeps it open for the next poll; an error
    drops it from the pool (the next poll connects afresh)."""

    def __init__(self, pool: EnginePool, name: str, engine: Engine) -> None:
        self._pool, self._name, self._engine = pool, name, engine

    def close(self) -> None:
        pass  # kept for the next poll; EnginePool.close closes it

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._engine, attr)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return value(*args, **kwargs)
            except AppmgrError:
                self._pool.drop(self._name, self._engine)
                raise

        return call


class EnginePool:
    """One engine client per server, shared by the polls (each client is thread-safe)."""

    def __init__(self, connect: Callable[[str], Engine]) -> None:
        self._connect = connect
        self._clients: dict[str, Engine] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Engine:
        key = name.upper()
        with self._lock:
            engine = self._clients.get(key)
        if engine is None:
            engine = self._connect(name)
            with self._lock:
                engine = self._clients.setdefault(key, engine)
        kept: Any = _Kept(self, key, engine)
        return kept  # an Engine by duck typing: every call goes to the client

    def drop(self, key: str, engine: Engine) -> None:
        with self._lock:
            if self._clients.get(key) is engine:
                del self._clients[key]
        engine.close()

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for engine in clients:
            engine.close()


def read_all(ctx: Context, store: PairStore, pairs: Sequence[Pair],
             pool: EnginePool | None = None, workers: int = WORKERS,
             ) -> list[PairStatus | BaseException]:
    """Every pair's status (in ``pairs``' order), at most ``workers`` read at once;
    a pair that could not be read is the error that stopped it."""
    if pool is not None:
        ctx = replace(ctx, engine=pool.get)

    def one(pair: Pair) -> PairStatus | BaseException:
        try:
            return pair_status(ctx, store, *pair.parts)
        except Exception as err:  # one pair's failure is that pair's row, not the poll's
            return err

    if len(pairs) <= 1:
        return [one(p) for p in pairs]
    with ThreadPoolExecutor(max_workers=min(workers, len(pairs)),
                            thread_name_prefix="appmgr-status") as ex:
        return list(ex.map(one, pairs))


def overview(ctx: Context, store: PairStore, pairs: Sequence[Pair],
             pool: EnginePool | None = None, workers: int = WORKERS) -> list[PairOverview]:
    now = ctx.clock.now()
    return [overview_of(p, r) if isinstance(r, PairStatus) else unknown(p, r, now)
            for p, r in zip(pairs, read_all(ctx, store, pairs, pool, workers), strict=True)]
