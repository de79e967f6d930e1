"""The engines' answers for every pair of a poll, asked all at once (SPEC F-8.5).

Reading one pair's status asks its source engine for the set's counters and its
target engine for the failover monitor, or, where that is not read, for the set's
last snapshot (:mod:`core.protection.status`). Asked pair
after pair, a thousand engines are a thousand waits; asked from a thread each, the
thread switches cost more CPU than the requests. :func:`prefetch` opens the missing
connections with at most ``workers`` at once, then sends every request of the poll
through :func:`core.engine.sweep.sweep` (one thread, replies read as they arrive)
and keeps the answers; :meth:`EnginePool.answering` then hands ``pair_status`` an
engine that answers from them — what it would have asked, asked a moment earlier.
Anything not asked ahead goes to the engine as usual.

The clients are kept between polls (:class:`EnginePool`): a poll a second must not
pay a TLS handshake per engine per second. A client that fails is dropped, so the
next poll connects afresh (and resolves the server's address again).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from core.errors import AppmgrError, Unreachable
from core.model.state import PairState
from core.model.stats import JobStats
from core.ports import Engine
from core.protection.last_snapshot import asks_target
from core.store import PairRecord

#: connections opened at once (each waits on the network, rarely on the CPU)
WORKERS = 16
#: the states whose status reads the source's counters and the target's monitor
SWEPT = (PairState.MIRRORING, PairState.PROTECTED, PairState.FAILURE_DETECTED)
#: (server, op, set name) → the engine's raw answer or its typed error
Answers = dict[tuple[str, str, str], Any]


class _Kept:
    """A pooled engine client: ``close`` keeps it open for the next poll; an error
    drops it from the pool (the next poll connects afresh)."""

    def __init__(self, pool: EnginePool, name: str, engine: Engine,
                 answers: Answers | None = None) -> None:
        self._pool, self._name, self._engine = pool, name, engine
        self._answers = answers or {}

    def close(self) -> None:
        pass  # kept for the next poll; EnginePool.close closes it

    def _answer(self, op: str, name: str) -> Any:
        got = self._answers.pop((self._name, op, name), _ASK)
        if isinstance(got, AppmgrError):
            raise got
        return got

    def stats(self, name: str) -> JobStats:
        got = self._answer("stats", name)
        return self._call("stats", name) if got is _ASK else JobStats.from_dict(got)

    def monitor_status(self, name: str) -> Any:
        from core.engine.client import monitor_of

        got = self._answer("monitor_status", name)
        return self._call("monitor_status", name) if got is _ASK else monitor_of(got)

    def _call(self, attr: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self._engine, attr)(*args, **kwargs)
        except AppmgrError:
            self._pool.drop(self._name, self._engine)
            raise

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._engine, attr)
        if not callable(value):
            return value
        return lambda *args, **kwargs: self._call(attr, *args, **kwargs)


_ASK = object()  # not asked ahead: ask the engine now


class EnginePool:
    """One engine client per server, shared by the polls (each client is thread-safe)."""

    def __init__(self, connect: Callable[[str], Engine]) -> None:
        self._connect = connect
        self._clients: dict[str, Engine] = {}
        self._lock = threading.Lock()
        self._sweeper: Any = None  # core.engine.sweep.Sweeper, made on the first poll

    def sweeper(self) -> Any:
        """The polls' sweeper: the kept connections stay registered with its selector."""
        from core.engine.sweep import Sweeper

        with self._lock:
            if self._sweeper is None:
                self._sweeper = Sweeper()
            return self._sweeper

    def client(self, name: str) -> Engine:
        """The server's kept client (made on first use; it connects when first used)."""
        key = name.upper()
        with self._lock:
            engine = self._clients.get(key)
        if engine is None:
            engine = self._connect(name)
            with self._lock:
                engine = self._clients.setdefault(key, engine)
        return engine

    def get(self, name: str) -> Engine:
        return self.answering(name, {})

    def answering(self, name: str, answers: Answers) -> Engine:
        """The server's engine for ``pair_status``: what was asked ahead from ``answers``."""
        kept: Any = _Kept(self, name.upper(), self.client(name), answers)
        return kept  # an Engine by duck typing: every other call goes to the client

    def drop(self, key: str, engine: Engine) -> None:
        with self._lock:
            if self._clients.get(key) is engine:
                del self._clients[key]
        engine.close()

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
            sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.close()
        for engine in clients:
            engine.close()


def wanted(rec: PairRecord) -> list[tuple[str, str, str]]:
    """What reading ``rec``'s status asks the engines: (server, op, set name)."""
    name = str(rec.facts.get("set_name", "")) if rec.facts else ""
    out = [(rec.target.upper(), "stats", name)] if asks_target(rec) else []
    if not name or rec.pair_state not in SWEPT:
        return out  # other states ask little more, or something else: asked as usual
    out.append((rec.source.upper(), "stats", name))
    if rec.monitoring:
        out.append((rec.target.upper(), "monitor_status", name))
    return out


def prefetch(pool: EnginePool, recs: list[PairRecord], timeout: float,
             workers: int = WORKERS) -> Answers:
    """Ask every engine what reading these records' statuses will ask, all at once."""
    from core.engine.client import EngineClient

    asks = [ask for rec in recs for ask in wanted(rec)]
    clients: dict[str, Any] = {}
    for server in {a[0] for a in asks}:
        try:
            clients[server] = pool.client(server)
        except Exception:  # noqa: BLE001 - asked live, where pair_status reports why
            continue
    # only the engine client speaks the sweep; another Engine (a test's) is asked live
    asks = [a for a in asks if isinstance(clients.get(a[0]), EngineClient)]
    closed = {s for s, c in clients.items() if isinstance(c, EngineClient) and not c.connected}
    failed: dict[str, AppmgrError] = {}

    def connect(server: str) -> None:
        try:
            clients[server].ensure_open()
        except AppmgrError as err:
            failed[server] = err

    if closed:
        with ThreadPoolExecutor(min(workers, len(closed)), "appmgr-connect") as ex:
            list(ex.map(connect, sorted(closed)))
    answers: Answers = {a: failed[a[0]] for a in asks if a[0] in failed}
    asks = [a for a in asks if a[0] not in failed]
    results = pool.sweeper().sweep([(clients[s], op, {"name": n}) for s, op, n in asks],
                                   timeout)
    for ask, result in zip(asks, results, strict=True):
        answers[ask] = result
    for server in {a[0] for a, r in answers.items() if isinstance(r, Unreachable)}:
        pool.drop(server, clients[server])
    return answers
