"""The engine's identity failover records, per replication set (see core.engine.identity).

Takes and releases run one at a time per engine in a worker thread (a host
operation may restart the Server service): the event loop keeps answering
heartbeats and the console meanwhile. A take the monitor started and a take
the console asked for are the same run; the second caller waits for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from core.engine.clock import Clock
from core.engine.identity import HostRunner, IdentityRecord, IdentitySpec, release, take
from core.engine.protocol import RemoteError

log = logging.getLogger(__name__)


class IdentityBook:
    def __init__(self, records: dict[str, IdentityRecord], runner: HostRunner, clock: Clock,
                 persist: Callable[[], None]) -> None:
        self.records = records
        self.runner = runner
        self.clock = clock
        self.persist = persist
        self._lock: asyncio.Lock | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def to_dict(self) -> dict[str, Any]:
        return {k: v.to_dict() for k, v in self.records.items()}

    def _get(self, name: str) -> IdentityRecord:
        rec = self.records.get(name)
        if rec is None:
            raise RemoteError("not_found", f"no identity failover is registered for set {name}")
        return rec

    def register(self, name: str, spec: IdentitySpec) -> dict[str, Any]:
        """What to take over for ``name`` (what was already taken stays recorded)."""
        old = self.records.get(name)
        if old is not None and old.done and old.spec != spec:
            raise RemoteError("refused", f"the identity of set {name} is taken over: give it "
                                         "back (failback) before changing what is taken")
        self.records[name] = IdentityRecord(spec) if old is None else \
            IdentityRecord(spec, old.state, old.at, old.done, old.error)
        self.persist()
        return self.records[name].to_dict()

    def unregister(self, name: str) -> None:
        rec = self.records.get(name)
        if rec is not None and rec.done:
            raise RemoteError("refused", f"the identity of set {name} is taken over: give it "
                                         "back (failback) before removing it")
        self.records.pop(name, None)
        self.persist()

    def status(self, name: str) -> dict[str, Any]:
        return self._get(name).to_dict()

    async def _run(self, name: str, give_back: bool) -> dict[str, Any]:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            rec = self._get(name)
            if give_back and rec.done:
                rec = await asyncio.to_thread(release, rec, self.runner, self.clock.time())
            elif not give_back and rec.state != "taken":
                rec = await asyncio.to_thread(take, rec, self.runner, self.clock.time())
            elif give_back and rec.state != "ready":
                rec = IdentityRecord(rec.spec)
            self.records[name] = rec
            self.persist()
            if rec.state == "failed":
                log.warning("identity failover of set %s: %s", name, rec.error)
            return rec.to_dict()

    async def take(self, name: str) -> dict[str, Any]:
        return await self._run(name, give_back=False)

    async def release(self, name: str) -> dict[str, Any]:
        return await self._run(name, give_back=True)

    def on_failure(self, name: str) -> None:
        """The monitor of ``name`` declared the source failed: take over when registered
        with ``auto`` (manual intervention off); otherwise the console asks."""
        rec = self.records.get(name)
        if rec is None or not rec.spec.auto or rec.state == "taken":
            return
        log.warning("set %s: the source failed; taking over its identity", name)
        task = asyncio.get_running_loop().create_task(self.take(name))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
