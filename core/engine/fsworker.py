"""One background thread that applies the target's file-system changes in order.

Receiving the next megabyte from the socket overlaps with writing the last
one to disk (on two cores that is most of the difference to a single-thread
copy). Changes run strictly in submission order; at most ``max_pending``
bytes wait in memory. The first failure stops all later changes and is
raised by the next :meth:`submit` or :meth:`flush`, so the channel ends with
that error.

``before`` (the batch sink's :meth:`~core.engine.batch_sink.BatchSink.settle`)
runs ahead of every job not submitted with ``settle=False``: a batch whose
sync overlaps the next batch's writes is published before anything else runs.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class FsWorker:
    def __init__(self, max_pending: int = 16 << 20,
                 before: Callable[[], None] | None = None) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="engine-fs")
        self._pending: deque[tuple[Future[Any], int]] = deque()
        self._bytes = 0
        self.max_pending = max_pending
        self._error: BaseException | None = None
        self._before = before

    def _guard(self, fn: Callable[[], Any], settle: bool = True) -> Callable[[], Any]:
        before = self._before if settle else None

        def run() -> Any:
            if self._error is not None:
                return None  # an earlier change failed: apply nothing after it
            try:
                if before is not None:
                    before()
                return fn()
            except BaseException as exc:
                self._error = exc
                raise
        return run

    async def submit(self, fn: Callable[[], Any], size: int = 0, settle: bool = True) -> None:
        """Queue ``fn``; waits only while too many bytes are pending. Without
        ``settle`` the ``before`` hook is not run ahead of it (``fn`` does that)."""
        self._raise()
        self._pending.append((self._pool.submit(self._guard(fn, settle)), size))
        self._bytes += size
        while self._bytes > self.max_pending:
            await self._pop()

    async def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` after everything queued, and return its result."""
        await self.flush()
        fut = self._pool.submit(self._guard(fn))
        result = await asyncio.wrap_future(fut)
        self._raise()
        return result

    async def after(self, fn: Callable[[], Any], settle: bool = True) -> Any:
        """Run ``fn`` after everything queued so far (what is queued meanwhile runs
        after it) and return its result; the first failure of any change is raised.
        Without ``settle`` a batch still being synced stays unpublished."""
        fut = self._pool.submit(self._guard(fn, settle))
        with contextlib.suppress(Exception):  # recorded in self._error, raised below
            result = await asyncio.wrap_future(fut)
        self._raise()
        return result

    async def flush(self) -> None:
        while self._pending:
            await self._pop()
        self._raise()

    async def _pop(self) -> None:
        fut, size = self._pending.popleft()
        self._bytes -= size
        with contextlib.suppress(Exception):  # recorded in self._error, raised below
            await asyncio.wrap_future(fut)
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
