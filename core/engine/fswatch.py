"""Change detection with ``watchdog``: its events, turned into the replicator's ops.

watchdog's observer runs in its own threads; every event is handed to the
event loop with ``call_soon_threadsafe``, so ops keep the order watchdog
reported them in. Translation:

- a file closed after writing is sent at once; a file created or modified and
  kept open goes through :class:`~core.engine.settle.Settler` (quiet for
  ``SETTLE``, or busy for ``BUSY_MAX_DELAY``). Windows reports no close, so
  there every write goes through the settler. The polling observer reports a
  change at most once per interval: its writes are sent at once;
- a rename flushes the pending writes under the old name first, then becomes
  one ``rename`` (watchdog's synthetic per-child renames are dropped: the
  target renames the directory as a whole). The polling observer reports a
  directory's file moves before the directory's own, so there a moved
  directory is sent again instead;
- a new directory (created, or moved in) is scanned: what was created in it
  before its watch existed is emitted too;
- ``EventsLostEvent`` (inotify's IN_Q_OVERFLOW, a ReadDirectoryChangesW buffer
  overflow) and a dead observer or emitter thread call ``lost``: the caller
  must rescan. A dead observer is rebuilt first, so the rescan starts with
  the new watches in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    EventsLostEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from core.engine.scan import TMP_PREFIX
from core.engine.settle import BUSY_MAX_DELAY, SETTLE, Settler
from core.engine.watcher import Emit, Lost, WatchRoot

log = logging.getLogger(__name__)
#: how often the observer's threads are checked for life (seconds)
LIVENESS_CHECK = 1.0
#: what is asked of watchdog: on inotify this is the kernel mask, so the engine's own
#: reads (IN_OPEN, IN_CLOSE_NOWRITE) and attribute or directory-mtime changes never
#: wake the observer. EventsLostEvent must be listed or a filtered watch never gets it.
EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent, EventsLostEvent,
]


class _Handoff(FileSystemEventHandler):
    """Runs in watchdog's observer thread: hands each event to the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, on_event: Callable[[Any], None]) -> None:
        self.loop = loop
        self.on_event = on_event

    def dispatch(self, event: FileSystemEvent) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: the engine is stopping
            self.loop.call_soon_threadsafe(self.on_event, event)


def _tmp(path: str) -> bool:
    return os.path.basename(path).startswith(TMP_PREFIX)


class WatchdogWatcher:
    def __init__(
        self, plan: Callable[[], list[WatchRoot]], wants_dir: Callable[[str], bool],
        emit: Emit, lost: Lost, *, poll: bool = False, poll_interval: float = 1.0,
        settle: float = SETTLE, max_delay: float = BUSY_MAX_DELAY,
    ) -> None:
        self.plan = plan
        self.wants_dir = wants_dir
        self.emit = emit
        self.lost = lost
        self.kind = "poll" if poll else "native"
        self.poll_interval = poll_interval
        self.settler = Settler(settle, max_delay)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handler: _Handoff | None = None
        self._observer: BaseObserver | None = None
        self._awaited: set[str] = set()  # folder roots still to come
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._alive: asyncio.TimerHandle | None = None
        self._rebuilding: asyncio.Task[None] | None = None
        self._stopping = False

    # --- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._handler = _Handoff(self._loop, self.on_event)
        try:
            self._observer = await asyncio.to_thread(self._new_observer)
        except Exception as exc:  # a root vanished while watched, say: retried, then a rescan
            log.warning("cannot start the change watcher: %s", exc)
            self._alive = self._loop.call_later(LIVENESS_CHECK, self._retry,
                                                f"the change watcher could not start: {exc}")
            return
        self._alive = self._loop.call_later(LIVENESS_CHECK, self._check_alive)

    async def stop(self) -> None:
        self._stopping = True
        for h in (self._timer, self._alive):
            if h:
                h.cancel()
        if self._rebuilding:  # not cancelled: its worker thread would go on and leak
            await asyncio.gather(self._rebuilding, return_exceptions=True)
        obs, self._observer = self._observer, None
        if obs is not None:
            await asyncio.to_thread(_halt, obs)

    @property
    def observer(self) -> BaseObserver | None:
        """watchdog's running observer (tests inject its failures through it)."""
        return self._observer

    def _new_observer(self) -> BaseObserver:
        """A started observer with the plan's watches (runs in a worker thread:
        adding recursive watches lists every directory of the set)."""
        roots = self.plan()
        if self.kind == "native":
            try:
                return self._started(Observer(), roots)
            except OSError as exc:  # e.g. the inotify watch or instance limit
                log.warning("native change notification failed (%s): polling every %s s",
                            exc, self.poll_interval)
                self.kind = "poll"
        return self._started(PollingObserver(timeout=self.poll_interval), roots)

    def _started(self, obs: BaseObserver, roots: list[WatchRoot]) -> BaseObserver:
        assert self._handler is not None
        self._awaited = set()
        for r in roots:
            if os.path.isdir(r.path):
                obs.schedule(self._handler, r.path, recursive=r.recursive, event_filter=EVENTS)
            self._awaited.update(r.awaits)
        try:
            obs.start()
        except BaseException:
            _halt(obs)
            raise
        return obs

    def _check_alive(self) -> None:
        obs = self._observer
        if self._stopping or obs is None or self._loop is None:
            return
        if obs.is_alive() and all(e.is_alive() for e in obs.emitters):
            self._alive = self._loop.call_later(LIVENESS_CHECK, self._check_alive)
            return
        reason = f"the {self.kind} change watcher stopped"
        log.warning("%s: rebuilding it, then a rescan", reason)
        self._rebuilding = self._loop.create_task(self._rebuild(obs, reason))

    async def _rebuild(self, dead: BaseObserver | None, reason: str) -> None:
        loop = self._loop
        assert loop is not None
        self._observer = None
        if dead is not None:
            await asyncio.to_thread(_halt, dead)
        try:
            new = await asyncio.to_thread(self._new_observer)
        except Exception as exc:  # even polling failed: say so, try again shortly
            log.warning("cannot rebuild the change watcher: %s", exc)
            self.lost(f"{reason}; rebuilding it failed: {exc}")
            if not self._stopping:
                self._alive = loop.call_later(LIVENESS_CHECK, self._retry, reason)
            return
        if self._stopping:
            await asyncio.to_thread(_halt, new)
            return
        self._observer = new
        self.lost(reason)  # after the new watches exist: the rescan misses nothing
        self._alive = loop.call_later(LIVENESS_CHECK, self._check_alive)

    def _retry(self, reason: str) -> None:
        if not self._stopping and self._loop is not None:
            self._rebuilding = self._loop.create_task(self._rebuild(None, reason))

    # --- events (on the event loop) ----------------------------------------------
    def on_event(self, event: FileSystemEvent) -> None:
        if self._stopping:
            return
        if isinstance(event, EventsLostEvent):
            where = os.fsdecode(event.src_path)
            self.lost(f"the {self.kind} change watcher lost events below {where} (queue overflow)")
            return
        kind, src, is_dir = event.event_type, os.fsdecode(event.src_path), event.is_directory
        if kind == "moved":
            if not event.is_synthetic:
                self._moved(src, os.fsdecode(event.dest_path), is_dir)
        elif _tmp(src):
            return
        elif kind == "deleted":
            if not event.is_synthetic:  # below a deleted directory: its delete covers them
                self.settler.take_under(src)
                self.emit({"kind": "delete", "path": src})
        elif kind == "created":
            if is_dir:
                self._new_dir(src, scan=not event.is_synthetic)
            elif event.is_synthetic:  # inside a directory moved in: no close will come
                self.emit({"kind": "write", "path": src})
            else:
                self._touch(src)
        elif kind == "modified" and not is_dir:
            self._touch(src)
        elif kind == "closed":
            self.settler.discard(src)
            self.emit({"kind": "write", "path": src})

    def _moved(self, src: str, dest: str, is_dir: bool) -> None:
        if _tmp(dest):
            if not _tmp(src):
                self.settler.take_under(src)
                self.emit({"kind": "delete", "path": src})
            return
        if _tmp(src) or not src:  # a finished transfer, or moved in from outside
            if is_dir:
                self._new_dir(dest, scan=True)
            else:
                self.emit({"kind": "write", "path": dest})
            return
        if is_dir and self.kind == "poll":
            # A poll reports the moves of a directory's files before the directory's
            # own (one diff, files first): resend the directory rather than rename it
            # over what those moves already put at its new name.
            self.settler.take_under(src)
            self.emit({"kind": "delete", "path": src})
            self._new_dir(dest, scan=True)
            return
        for p in self.settler.take_under(src):  # writes under the old name go first
            self.emit({"kind": "write", "path": p})
        self.emit({"kind": "rename", "path": src, "new": dest})
        if is_dir and dest in self._awaited:
            self._watch_awaited(dest)

    def _new_dir(self, path: str, scan: bool) -> None:
        self.emit({"kind": "mkdir", "path": path})
        if path in self._awaited:
            self._watch_awaited(path)
        if scan and self.wants_dir(path):
            self._scan(path)

    def _watch_awaited(self, path: str) -> None:
        """A folder root that did not exist at start appeared: watch it whole."""
        self._awaited.discard(path)
        if self._observer is not None and self._handler is not None:
            try:
                self._observer.schedule(self._handler, path, recursive=True,
                                        event_filter=EVENTS)
            except OSError as exc:
                self.lost(f"cannot watch {path}: {exc}")

    def _scan(self, path: str) -> None:
        """Emit what a new directory already holds (created before its watch)."""
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return  # gone again: its delete follows
        for e in entries:
            try:
                if e.name.startswith(TMP_PREFIX) or e.is_symlink():
                    continue
                if e.is_dir(follow_symlinks=False):
                    self.emit({"kind": "mkdir", "path": e.path})
                    if self.wants_dir(e.path):
                        self._scan(e.path)
                else:
                    self.emit({"kind": "write", "path": e.path})
            except OSError:
                continue

    # --- the settle timer ----------------------------------------------------------
    def _touch(self, path: str) -> None:
        assert self._loop is not None
        if self.kind == "poll":  # a poll reports a change once per interval: send it now
            self.emit({"kind": "write", "path": path})
            return
        self.settler.touch(path, self._loop.time())
        self._arm()

    def _arm(self) -> None:
        assert self._loop is not None
        when = self.settler.next_deadline()
        if when is None or (self._timer is not None and self._timer_at <= when):
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_at = self._loop.call_at(when, self._fire), when

    def _fire(self) -> None:
        assert self._loop is not None
        self._timer = None
        # the loop may run a timer up to its clock resolution early
        for p in self.settler.due(self._loop.time() + 0.001):
            self.emit({"kind": "write", "path": p})
        self._arm()


def _halt(obs: BaseObserver) -> None:
    """Stop an observer and wait for its threads (a worker-thread call)."""
    try:
        obs.stop()
        if obs.is_alive():
            obs.join(5)
    except RuntimeError:  # never started
        pass
