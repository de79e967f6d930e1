"""Polling change detection: the fallback where inotify is not available.

Every ``interval`` the set is scanned (in a worker thread) and compared with
the previous scan: new directories (parents first), new or changed files
(size or mtime), and removed paths (children first) become ops. A rename
shows up as a delete and a write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from core.engine.tasks import cancel_and_wait
from core.engine.watcher import Emit, Snapshot

log = logging.getLogger(__name__)


def diff(
    old: dict[str, tuple[bool, int, int]], new: dict[str, tuple[bool, int, int]]
) -> list[dict[str, str]]:
    """Ops that turn the ``old`` listing into the ``new`` one."""
    retyped = sorted((p for p in new if p in old and old[p][0] != new[p][0]), reverse=True)
    ops: list[dict[str, str]] = [{"kind": "delete", "path": p} for p in retyped]
    for path in sorted(new):
        is_dir, size, mtime = new[path]
        before = old.get(path)
        if is_dir and (before is None or not before[0]):
            ops.append({"kind": "mkdir", "path": path})
        elif not is_dir and before != (is_dir, size, mtime):
            ops.append({"kind": "write", "path": path})
    ops += [{"kind": "delete", "path": p} for p in sorted(old, reverse=True) if p not in new]
    return ops


class PollWatcher:
    def __init__(self, snapshot: Snapshot, emit: Emit, interval: float = 1.0) -> None:
        self.snapshot = snapshot
        self.emit = emit
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._baseline: dict[str, tuple[bool, int, int]] = {}

    def start(self) -> None:
        # The baseline is taken now, before the mirror starts, so a change made
        # while the mirror runs always differs from it.
        self._baseline = self.snapshot()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        await cancel_and_wait([self._task], "the change poller")

    async def _run(self) -> None:
        prev = self._baseline
        while True:
            await asyncio.sleep(self.interval)
            try:
                cur = await asyncio.to_thread(self.snapshot)
            except Exception:  # a scan that failed is retried next round
                log.exception("scan failed")
                continue
            with contextlib.suppress(Exception):
                for op in diff(prev, cur):
                    self.emit(op)
            prev = cur
