"""What the target's engine does with snapshots: take, list, delete, roll back, schedule.

Takes run on the set's receiver disk thread when a data channel is open (so
a snapshot falls between two applied operations, never inside one), else on
a thread of their own. Schedules (interval, start time, how many scheduled
snapshots to keep) are persisted with the engine's state and survive a
restart; a slot missed while the engine was down is taken once at start.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.engine.clock import Clock
from core.engine.protocol import RemoteError
from core.engine.scan import Matcher
from core.engine.snap_manifest import changed_text, win_path
from core.engine.snap_rollback import Rollback, rollback
from core.engine.snap_vss import Vss
from core.engine.snapshots import SnapshotError, SnapshotStore
from core.engine.tasks import cancel_and_wait
from core.engine.volumes import VolumeMap
from core.model.snapshot import SnapshotInfo

log = logging.getLogger(__name__)
#: scheduled snapshots kept per set when the schedule does not say (on-demand ones stay)
KEEP = 24


@dataclass(frozen=True)
class Schedule:
    interval_min: int
    start_at: float  # epoch seconds of the first slot
    keep: int = KEEP

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Schedule:
        return cls(int(d["interval_min"]), float(d["start_at"]), int(d.get("keep", KEEP)))

    def next_due(self, last: float | None) -> float:
        """The first slot (start + k × interval) after ``last`` (the last scheduled take)."""
        if last is None or last < self.start_at:
            return self.start_at
        period = self.interval_min * 60.0
        return self.start_at + (math.floor((last - self.start_at) / period) + 1) * period


#: runs a function on the set's disk thread if a data channel is open: (True, its result),
#: else (False, None)
OnDisk = Callable[[str, Callable[[], Any]], Awaitable[tuple[bool, Any]]]


class SnapshotManager:
    def __init__(self, root: Path, volumes: VolumeMap, clock: Clock,
                 schedules: dict[str, Any], matcher: Callable[[str], Matcher | None],
                 on_disk: OnDisk, persist: Callable[[], None], vss: Vss | None = None) -> None:
        self.store = SnapshotStore(root, volumes, vss)
        self.volumes = volumes
        self.clock = clock
        self.schedules = {k: Schedule.from_dict(v) for k, v in schedules.items()}
        self._matcher = matcher
        self._on_disk = on_disk
        self._persist = persist
        self._tasks: dict[str, asyncio.Task[None]] = {}
        #: per set, the last scheduled take that failed (shown with the list)
        self.errors: dict[str, str] = {}

    # --- on demand -----------------------------------------------------------------------
    def _set_matcher(self, name: str) -> Matcher:
        m = self._matcher(name)
        if m is None:
            raise RemoteError("refused", f"set {name} has received no data on this server "
                                         "yet: nothing to snapshot")
        return m

    async def take(self, name: str, reason: str = "on demand") -> SnapshotInfo:
        matcher = self._set_matcher(name)
        now = self.clock.time()

        def work() -> SnapshotInfo | BaseException:
            try:  # never raise on a receiver's disk thread: that would end its channel
                return self.store.take(name, matcher, now, reason)
            except Exception as exc:
                return exc

        ran, got = await self._on_disk(name, work)
        if not ran:
            got = await asyncio.to_thread(work)
        if isinstance(got, BaseException):
            raise RemoteError("refused", f"snapshot of {name} not taken: {got}")
        return got

    def list(self, name: str) -> list[SnapshotInfo]:
        return self.store.list(name)

    def last(self, name: str) -> float | None:
        """When the set's last snapshot was taken, from memory (every status reply says it)."""
        return self.store.newest(name)

    async def delete(self, name: str, sid: str) -> None:
        try:
            await asyncio.to_thread(self.store.delete, name, sid)
        except SnapshotError as exc:
            raise RemoteError("not_found", str(exc)) from exc

    async def changed(self, name: str, sid: str) -> Sequence[str] | None:
        """Snapshot ``sid``'s files written since it was taken, as Windows paths (None:
        it keeps no manifest, taken before manifests were)."""
        try:
            moved = await asyncio.to_thread(self.store.changed, name, sid)
        except SnapshotError as exc:
            raise RemoteError("not_found", str(exc)) from exc
        return None if moved is None else [win_path(r) for r in moved]

    async def rollback(self, name: str, sid: str) -> Rollback:
        """Make the set's data equal snapshot ``sid`` (the caller closed its data channel)."""
        matcher = self._set_matcher(name)
        try:
            moved = await asyncio.to_thread(self.store.changed, name, sid)
            files = await asyncio.to_thread(self.store.files, name, sid, matcher)
        except (SnapshotError, FileNotFoundError) as exc:
            raise RemoteError("not_found", f"set {name} has no snapshot {sid}") from exc
        if moved:
            raise RemoteError("refused", changed_text(sid, moved))
        return await asyncio.to_thread(rollback, files, matcher, self.volumes)

    # --- schedules -----------------------------------------------------------------------
    def set_schedule(self, name: str, schedule: Schedule | None) -> None:
        old = self._tasks.pop(name, None)
        if old:
            old.cancel()
        if schedule is None:
            self.schedules.pop(name, None)
        else:
            self.schedules[name] = schedule
            self._start(name)
        self._persist()

    def start(self) -> None:
        for name in self.schedules:
            self._start(name)

    def _start(self, name: str) -> None:
        self._tasks[name] = asyncio.create_task(self._loop(name), name=f"snapshots {name}")

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        await cancel_and_wait(tasks, "a snapshot schedule")

    async def _loop(self, name: str) -> None:
        while name in self.schedules:
            if self._matcher(name) is None:  # no data channel yet (just enabled): soon
                await self.clock.sleep(1.0)
                continue
            sched = self.schedules[name]
            scheduled = [s for s in self.store.list(name) if s.reason == "schedule"]
            due = sched.next_due(scheduled[-1].taken if scheduled else None)
            wait = due - self.clock.time()
            if wait > 0:
                await self.clock.sleep(min(wait, 60.0))  # re-read: the clock may jump
                continue
            try:
                await self.take(name, "schedule")
                self.errors.pop(name, None)
                self._prune(name, sched.keep)
            except (RemoteError, OSError) as exc:
                self.errors[name] = str(exc)
                log.warning("scheduled snapshot of %s: %s", name, exc)
                await self.clock.sleep(60.0)

    def _prune(self, name: str, keep: int) -> None:
        scheduled = [s for s in self.store.list(name) if s.reason == "schedule"]
        for s in scheduled[:max(0, len(scheduled) - keep)]:
            self.store.delete(name, s.id)
