"""Ending the engine's tasks and connections cleanly.

An engine that stops cancels what runs and waits until it has ended. The
cancellation it asked for is absorbed here, where it is expected; an error a
task ended with is logged (a bug is never hidden); a cancellation of the
caller itself is passed on. Connections are closed with a bounded wait: a
peer that stopped reading cannot hold the engine up, it is dropped instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
#: how long a closing connection may take to hand its last bytes to the peer
CLOSE_TIMEOUT = 1.0


def _report(task: asyncio.Task[Any], what: str) -> None:
    """Log the error ``task`` ended with, if any (which also marks it retrieved)."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("%s ended with an error: %s: %s", what, type(exc).__name__, exc,
                  exc_info=exc if log.isEnabledFor(logging.DEBUG) else None)


async def cancel_and_wait(tasks: Iterable[asyncio.Task[Any] | None], what: str) -> None:
    """Cancel ``tasks`` and wait until every one has ended; their cancellation is
    absorbed, an error one of them ended with is logged. When the caller itself is
    cancelled meanwhile, that cancellation propagates (the tasks were told to end)."""
    pending = [t for t in tasks if t is not None and t is not asyncio.current_task()]
    if not pending:
        return
    for t in pending:
        t.cancel()
    await asyncio.wait(pending)
    for t in pending:
        _report(t, what)


async def close_writer(writer: asyncio.StreamWriter, timeout: float | None = None) -> None:
    """Close a connection: queued bytes get ``timeout`` (default :data:`CLOSE_TIMEOUT`)
    seconds to leave, then it is dropped. Never raises, except the caller's own
    cancellation (after dropping the connection)."""
    writer.close()
    try:
        async with asyncio.timeout(CLOSE_TIMEOUT if timeout is None else timeout):
            await writer.wait_closed()
    except asyncio.CancelledError:
        writer.transport.abort()
        raise
    except Exception:  # noqa: BLE001 - a peer that stalled (timeout) or reset: dropped
        writer.transport.abort()


async def run_to_end(coro: Coroutine[Any, Any, T]) -> T:
    """Await ``coro`` to its end even when the caller is cancelled meanwhile (clean-up
    that must not stop halfway); the caller's cancellation is passed on afterwards."""
    task = asyncio.ensure_future(coro)
    interrupted = False
    while not task.done():
        try:
            await asyncio.wait([task])  # unlike awaiting the task, never cancels it
        except asyncio.CancelledError:
            interrupted = True
    if interrupted:
        _report(task, "clean-up")
        raise asyncio.CancelledError
    return task.result()
