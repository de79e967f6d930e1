"""A pair's status and its failover monitor (SPEC F-8.2, F-8.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.logs import log_action
from core.model.pair import Pair
from core.protection.overview import (
    EnginePool,
    PairOverview,
    overview,
    protected_records,
)
from core.protection.poll_store import PollStore
from core.protection.status import PairStatus, pair_status

if TYPE_CHECKING:
    from core.console.session import Session


class MonitoringService:
    """What the Monitor tab and ``appmgr status`` show; the Monitoring toggle."""

    def __init__(self, session: Session) -> None:
        self.s = session
        #: engine clients kept between dashboard polls (one connection per server)
        self._pool: EnginePool | None = None
        #: the store as the polls read it (configurations parsed once, until they change)
        self._store: PollStore | None = None

    def set_monitoring(self, pair: Pair, on: bool) -> None:
        from core.protection import disable as _disable

        _, source, target = pair.parts
        _disable.set_monitoring(self.s.routed_ctx(), self.s.store, pair, on)
        log_action("monitoring", pair=f"{source}->{target}", on=on)

    def status(self, pair: Pair) -> PairStatus:
        return pair_status(self.s.routed_ctx(), self.s.store, pair)

    def pairs(self) -> list[Pair]:
        """Every pair appmgr knows, for the dashboard and ``status`` without a pair."""
        return [r.pair for r in self.s.store.records()]

    def overview(self) -> list[PairOverview]:
        """One row of facts per protected pair, read concurrently (the dashboard's one
        poll); a pair that cannot be read is "Status unknown" with the reason."""
        if self._pool is None:  # a new client follows the routing of its time
            self._pool = EnginePool(lambda name: self.s.routed_ctx().engine(name))
        if self._store is None:
            self._store = PollStore(self.s.ctx.paths)
        store = self._store
        recs = protected_records(store)
        return overview(self.s.routed_ctx(), store, [r.pair for r in recs], self._pool,
                        records=recs)
