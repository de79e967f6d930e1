"""Group commit on the target: an ack goes out only after the fsync round that
covers its operation, and one round covers every operation queued before it.

The receiver queues operations to its disk thread and hands each ack here
instead of sending it. A round starts when an ack (or a reply, see
:meth:`GroupCommit.barrier`) is waiting, when ``max_ops`` operations are
uncommitted, or ``interval`` seconds after unacknowledged operations (a
mirror's stream) came in. It runs :meth:`Durability.take` on the disk
thread behind everything queued so far and then :meth:`Durability.sync_taken`
on a worker thread (the disk thread writes on meanwhile), then sends the acks
it covers, in order. Operations that arrive while a round runs join the next
one, so operations that arrive together share one round: fewer fsyncs than
operations, and an ack still means "on disk".

A round nobody waits for (no ack, no reply) leaves a batch of small files
whose data is still being synced unpublished: waiting for that sync would
stall the disk thread between two batches of a mirror, for nothing anybody
was promised. The next round somebody waits for covers it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from core.engine.durability import Durability
from core.engine.fsworker import FsWorker

COMMIT_OPS = 256  # operations per round at most (a mirror's stream of files)
COMMIT_INTERVAL = 0.005  # seconds unacknowledged operations wait for others to join

Send = Callable[[dict[str, Any]], Awaitable[None]]


class GroupCommit:
    def __init__(self, fs: FsWorker, dur: Durability, send: Send,
                 max_ops: int = COMMIT_OPS, interval: float = COMMIT_INTERVAL) -> None:
        self.fs, self.dur, self.send = fs, dur, send
        self.max_ops, self.interval = max_ops, interval
        self._waiting: list[dict[str, Any] | asyncio.Future[None]] = []
        self._ops = 0
        self._wake = asyncio.Event()
        #: rounds run, and the operations they covered (for tests and the log)
        self.rounds = 0
        self.ops = 0

    def queued(self) -> None:
        """An operation was queued to the disk thread: the next round covers it."""
        self._ops += 1
        self._wake.set()

    def ack(self, frame: dict[str, Any]) -> None:
        """Send ``frame`` once everything queued so far is on disk."""
        self._waiting.append(frame)
        self._wake.set()

    async def barrier(self) -> None:
        """Return once everything queued so far is on disk and its acks were sent
        (before a reply, which must not overtake them)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(done)
        self._wake.set()
        await done

    async def run(self) -> None:
        """The commit loop (a task for the life of the channel); a failure of the disk
        work is raised here and by every waiting :meth:`barrier`."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._waiting and self._ops < self.max_ops:
                # only unacknowledged operations: let the ones right behind them join
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.interval):
                        while not self._waiting and self._ops < self.max_ops:
                            await self._wake.wait()
                            self._wake.clear()
            if not self._waiting and not self._ops:
                continue
            waiting, self._waiting = self._waiting, []
            ops, self._ops = self._ops, 0
            try:
                taken = await self.fs.after(self.dur.take, settle=bool(waiting))
                if any(taken):
                    await asyncio.to_thread(self.dur.sync_taken, taken)
                else:
                    self.dur.sync_taken(taken)  # nothing to sync: no thread hop
            except BaseException as exc:
                for w in waiting + self._waiting:
                    if isinstance(w, asyncio.Future) and not w.done():
                        w.set_exception(exc if isinstance(exc, Exception) else
                                        ConnectionError("the channel closed"))
                raise
            self.rounds += 1
            self.ops += ops
            for w in waiting:
                if isinstance(w, asyncio.Future):
                    if not w.done():
                        w.set_result(None)
                else:
                    await self.send(w)
