"""Run calls concurrently with a deadline, on daemon threads.

Why not ThreadPoolExecutor: its workers are joined at interpreter exit, so
one remote call that hangs past every timeout would keep ``appmgr
validate`` from exiting after it has printed its report. Daemon threads
are abandoned instead; the caller has already turned them into results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


def spawn(fn: Callable[..., T], *args: Any, name: str = "appmgr-check") -> Future[T]:
    """Start ``fn(*args)`` on a daemon thread; its result or exception lands in the Future."""
    fut: Future[T] = Future()

    def target() -> None:
        if not fut.set_running_or_notify_cancel():
            return
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:  # delivered to the waiter, never lost in a thread
            fut.set_exception(exc)

    threading.Thread(target=target, name=name, daemon=True).start()
    return fut
