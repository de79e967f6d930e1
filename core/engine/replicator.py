"""One connection on the source: mirror, then replicate every change in order.

The watcher starts before the mirror, so changes made while mirroring queue
up and are applied after it (replaying them is idempotent: writes send the
current content, renames are verified by the target).

Restart safety (README "Engine restart policy"): whenever the target may differ
from the source without a queued op saying how — this engine started (after
a clean stop or a kill), the channel broke (the target engine may have
restarted mid-transfer), the watcher lost events, or anything else calls
:meth:`Replicator.require_remirror` — a re-mirror is owed. It compares
content block by block and deletes orphans on the target (within the set's
rules only). Until it completes, the stats say ``remirror_required`` (or
``mirroring``) with ``remirror_reason``, never ``complete``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import ssl
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.engine import delta, mirror
from core.engine.block_index import BlockIndex
from core.engine.channel import Channel, OutOfOrder
from core.engine.clock import Clock
from core.engine.counters import Counters
from core.engine.opqueue import OpQueue
from core.engine.path_relations import below_or_at, outermost, related
from core.engine.replication_failures import describe_failure, target_down
from core.engine.rules import RuleMatcher
from core.engine.tasks import cancel_and_wait
from core.engine.volumes import VolumeError, VolumeMap
from core.engine.watcher import Watcher, WatchRoot, make_watcher
from core.model.rules import Rule
from core.model.stats import JobStats

log = logging.getLogger(__name__)
IDLE_PING = 10.0
#: operations sent and not yet acknowledged, at most (issue 9: one ack at a time
#: capped replication at one operation per round trip)
WINDOW = 64
#: the ops that may be sent while others await their acks
PIPELINED = frozenset({"write", "mkdir", "delete"})


@dataclass(frozen=True)
class ConnSpec:
    """A connection as persisted (``key`` is derived from the token, never the token)."""

    target: str
    port: int
    key: str
    mirror_type: str = "checksum"
    compression: int = 0
    replicate: bool = True
    delete_orphans: bool = False
    #: the compression method (core.engine.codec); a state file without it meant zlib
    codec: str = "zlib"

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Replicator:
    def __init__(
        self, name: str, rules: list[Rule], spec: ConnSpec, volumes: VolumeMap,
        spill_dir: Path, clock: Clock, first_mirror: str | None = None,
        mem_limit: int = 10_000, *, tls: ssl.SSLContext, remirror_reason: str = "",
        index_dir: Path | None = None,
    ) -> None:
        self.name = name
        self.tls = tls  # this engine's certificate, the estate CA pinned
        self.rules = rules
        self.spec = spec
        self.volumes = volumes
        self.clock = clock
        self.matcher = RuleMatcher(rules)
        self.counters = Counters(clock)
        self.queue = OpQueue(spill_dir / f"{name}.spill", mem_limit, clock.time)
        #: the leaf digests of what the target holds (block-delta, core.engine.delta)
        self.index = BlockIndex((index_dir or spill_dir.parent / "blockindex") / name)
        self.last_applied: float | None = None
        self.first_mirror = first_mirror or spec.mirror_type
        self.known_deleted: set[str] = set()
        #: re-mirrors queued because the watcher said changes may have been missed
        self.rescans = 0
        self._resync_queued = False  # one queued re-mirror covers every loss before it
        #: writes found no file (renamed away since): sent after the rename that moved them
        self._vanished: set[str] = set()
        self._watcher: Watcher | None = None
        self._task: asyncio.Task[None] | None = None
        self._channel: Channel | None = None
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._doubts = 0  # counts require_remirror calls: one during a mirror owes another
        #: a set reason makes the next mirror a re-mirror (orphans deleted, content compared)
        self.counters.owe_remirror(remirror_reason)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._task = self._loop.create_task(self._run(), name=f"conn {self.name}")

    def require_remirror(self, reason: str) -> None:
        """Owe the target a re-mirror (checksum, orphans deleted) because ``reason``.

        Idempotent (a pending re-mirror keeps its first reason and runs once) and
        safe from any thread: a watcher thread's call hops onto the engine's loop."""
        loop = self._loop
        if loop is not None and threading.get_ident() != self._loop_thread:
            with contextlib.suppress(RuntimeError):  # the loop closed: nothing to re-mirror
                loop.call_soon_threadsafe(self.require_remirror, reason)
            return
        if self._stopping:
            return
        self._doubts += 1
        if self.counters.owe_remirror(reason):
            log.warning("connection %s: re-mirror required: %s", self.name, reason)
        if self.counters.mirror_status == "complete" and not self._resync_queued:
            # replicating: the queue runs it behind what is queued; a loss reported
            # before it starts is covered by it (a mirror under way: see _mirror)
            self._resync_queued = True
            self.rescans += 1
            self.queue.push({"kind": "resync", "reason": reason})

    async def stop(self) -> None:
        """Stop watching and sending: the task is cancelled and awaited, the channel
        closed (dropped if the target does not take its last bytes), the queue removed."""
        self._stopping = True  # a cancellation swallowed by a finished await still ends the loops
        if self._watcher:
            await self._watcher.stop()
        await cancel_and_wait([self._task], f"connection {self.name}")
        if self._channel:
            await self._channel.close()
        self.queue.close()
        self.counters.replication_status = "stopped"

    def stats(self) -> JobStats:
        q = self.queue
        return self.counters.stats(len(q), q.bytes, q.since, self.last_applied, q.upto)

    # --- main loop ---------------------------------------------------------------
    async def _run(self) -> None:
        if self.spec.replicate:
            await self._start_watcher()
        kind, backoff, c = self.first_mirror, 0.5, self.counters
        while not self._stopping:
            try:
                self._channel = await Channel.open(
                    self.spec.target, self.spec.port, self.name, self.spec.key, c,
                    self.spec.compression, self.tls, method=self.spec.codec,
                )
                c.connected()
                await self._mirror(kind)
                backoff = 0.5
                if not self.spec.replicate:
                    await self._channel.close()
                    return
                c.replication_status = "replicating"
                await self._replicate()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # every failure is reported and retried
                told = None
                if self._channel and isinstance(exc, ConnectionError):
                    told = await self._channel.pending_error()
                c.failed(describe_failure(told or exc, f"{self.spec.target}:{self.spec.port}"),
                         target_down=target_down(exc, told))
                log.warning("connection %s: %s", self.name, c.last_error)
                if isinstance(told or exc, OutOfOrder):  # the target's copy may be out of order
                    self.require_remirror("the target saw operations out of order: "
                                          + str(told or exc))
                if c.mirror_status != "complete":
                    c.mirror_status = "error"
                # the target may have lost what it had not written (or restarted): the
                # next connection re-mirrors, and until then the mirror is not complete
                c.owe_remirror("the connection to the target broke: " + c.last_error)
                if self.spec.replicate:
                    c.replication_status = "error"
                if self._channel:
                    await self._channel.close()
                self._channel = None
                kind = "checksum"
                await self.clock.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _mirror(self, kind: str) -> None:
        assert self._channel is not None
        c = self.counters
        c.mirror_status = "mirroring"
        # Ops queued before this mirror are covered by it, except deletes.
        self._resync_queued = False  # this mirror covers what a queued one would
        for op in self.queue.take_all():
            if op["kind"] in ("delete", "rename"):
                self.known_deleted.add(op["path"])
        reason, doubts = c.remirror_reason, self._doubts
        if reason:  # a re-mirror: content compared, orphans deleted
            log.info("connection %s: re-mirror (%s)", self.name, reason)
            kind = "checksum" if kind != "full" else kind
        await mirror.run_mirror(
            self._channel, self.rules, self.volumes, kind,
            self.spec.delete_orphans or bool(reason), c, self.known_deleted,
            index=self.index,
        )
        self.known_deleted.clear()
        self._vanished.clear()
        if self._doubts == doubts:  # a doubt raised meanwhile still owes a mirror
            c.remirrored()
        elif not self._resync_queued:
            self._resync_queued = True
            self.rescans += 1
            self.queue.push({"kind": "resync"})
        c.mirror_status = "complete"
        c.cleared()

    async def _replicate(self) -> None:
        """Send the queued ops in order, up to WINDOW of them unacknowledged at once.

        An op leaves the queue only once acknowledged (acks come in order; one means
        on disk), so a broken channel loses nothing. Writes, mkdirs and deletes go
        out without waiting for the acks of those before them, except when one of
        those in flight touches the same path (or one above or below it: its block
        index entry is recorded at its ack). Renames, new trees and re-mirrors need
        the target's answer or its whole state: they wait until nothing is in flight.
        The target applies everything in the sequence sent, so order holds."""
        assert self._channel is not None
        flight: deque[tuple[str, delta.Posted]] = deque()
        try:
            while not self._stopping:
                op = self.queue.at(len(flight)) if len(flight) < WINDOW else None
                if flight and (op is None or not _joins(op, flight)):
                    await self._land(flight)  # the oldest op's ack
                    continue
                if op is None:
                    if not await self.queue.wait(IDLE_PING):
                        await self._channel.ack()  # notice a dead target while idle
                    continue
                if op["kind"] in PIPELINED:
                    self.queue.sending = len(flight) + 1  # no later write merges into it
                    flight.append((op["path"], await self._post(op)))
                    continue
                if op["kind"] == "resync":  # lost events: a checksum mirror covers them
                    self.queue.pop()
                    self._resync_queued = False
                    await self._mirror("checksum")
                    continue
                await self._apply(op)
                self.queue.pop()
                self.last_applied = self.clock.time()
        finally:
            self.queue.sending = 0

    async def _land(self, flight: deque[tuple[str, delta.Posted]]) -> None:
        assert self._channel is not None
        await delta.landed(self._channel, flight[0][1])
        flight.popleft()
        self.queue.pop()
        self.queue.sending = len(flight)
        self.last_applied = self.clock.time()

    async def _post(self, op: dict[str, Any]) -> delta.Posted:
        """Send a write, mkdir or delete without waiting for its ack."""
        ch = self._channel
        assert ch is not None
        kind, path = op["kind"], op["path"]
        if kind == "write":
            posted = await delta.post_write(ch, self.index, path, self._local(path),
                                            lambda n: self.queue.known(op, n))
            if posted is None:  # renamed away since: sent after the rename that moved it
                self._vanished.add(path)
                return None, None
            return posted
        self.index.drop(path)  # a mkdir replaces a file of that name
        number = await ch.post({"op": kind, "path": path})
        if kind == "delete":
            self._take_vanished(path)
        return number, None

    async def _apply(self, op: dict[str, Any]) -> None:
        """A new tree or a rename (nothing in flight: they need the target's answer)."""
        ch = self._channel
        assert ch is not None
        kind, path = op["kind"], op.get("path", "")
        if kind == "tree":
            await mirror.send_tree(ch, self.matcher, path, self._local(path), self.index)
        elif kind == "rename":
            new = op["new"]
            header: dict[str, Any] = {"op": "rename", "path": path, "new": new}
            local_new = self._local(new)
            with contextlib.suppress(OSError):
                st = os.stat(local_new)
                if not os.path.isdir(local_new):
                    header.update(size=st.st_size, mtime_ns=st.st_mtime_ns)
            # the entries follow once the target renamed; else the content is sent anew
            entries = await asyncio.to_thread(self.index.take, path)
            reply = await ch.call(header)
            if reply.get("need"):  # sent whole: what was pending in it too
                self._take_vanished(path)
                if not os.path.lexists(local_new):  # moved on again: a later rename carries it
                    self._vanished.add(new)
                await mirror.send_tree(ch, self.matcher, new, local_new, self.index)
                return
            await asyncio.to_thread(self.index.place, entries, path, new)
            # renamed with writes still pending inside (a directory): the target renamed
            # its stale copies; send them now under their new names
            for old in self._take_vanished(path):
                moved = new + old[len(path):]
                if not await delta.send_whole(ch, self.index, moved, self._local(moved)):
                    self._vanished.add(moved)  # moved on again: a later rename carries it

    def _take_vanished(self, path: str) -> list[str]:
        pre = path.rstrip("\\") + "\\"
        hit = [p for p in self._vanished if p == path or p.startswith(pre)]
        self._vanished.difference_update(hit)
        return sorted(hit)

    def _local(self, win: str) -> str:
        return os.fspath(self.volumes.to_local(win))

    # --- watching ---------------------------------------------------------------
    async def _start_watcher(self) -> None:
        def wants(local: str) -> bool:
            try:
                return self.matcher.wants_dir(self.volumes.to_windows(local))
            except VolumeError:
                return False

        self._watcher = make_watcher(self._watch_plan, wants, self._on_change,
                                     self.require_remirror)
        await self._watcher.start()

    def _watch_plan(self) -> list[WatchRoot]:
        """Folder rules are watched whole; a file rule (a database, a store) or a
        folder still to come through its parent's own entries. _on_change keeps
        only the set's paths."""
        dirs: list[str] = []
        parents: dict[str, tuple[str, ...]] = {}  # parent -> the missing roots in it
        for r in self.matcher.roots():
            with contextlib.suppress(VolumeError):
                local = self._local(r)
                if os.path.isdir(local):
                    dirs.append(local)
                else:
                    parent = os.path.dirname(local)
                    parents[parent] = (*parents.get(parent, ()), local)
        whole = outermost(dirs)
        plan = [WatchRoot(d, True) for d in whole]
        for parent, awaits in sorted(parents.items()):
            if not any(below_or_at(parent, d) for d in whole):
                plan.append(WatchRoot(parent, False, awaits))
        return plan

    def _on_change(self, op: dict[str, Any]) -> None:
        """Turn a local change into a queued op on Windows paths of the set."""
        try:
            win = self.volumes.to_windows(op["path"])
            new = self.volumes.to_windows(op["new"]) if op["kind"] == "rename" else None
        except VolumeError:
            return
        inc = self.matcher.includes(win)
        if new is not None:
            inc_new = self.matcher.includes(new)
            if inc and inc_new:
                self.queue.push({"kind": "rename", "path": win, "new": new})
            elif inc:
                self.queue.push({"kind": "delete", "path": win})
            elif inc_new:
                self.queue.push({"kind": "tree", "path": new})
        elif inc:
            queued: dict[str, Any] = {"kind": op["kind"], "path": win}
            if op["kind"] == "write":
                with contextlib.suppress(OSError):  # gone already: its delete follows
                    queued["size"] = os.stat(op["path"]).st_size
                # the target holds its digests: a delta goes out, of a size known once
                # hashed at send time; until then the whole size is only a bound
                queued["upto"] = win in self.index
            self.queue.push(queued)


def _joins(op: dict[str, Any], flight: deque[tuple[str, delta.Posted]]) -> bool:
    """Whether ``op`` may be sent while ``flight`` awaits its acks: a write, mkdir or
    delete of a path unrelated to every path in flight."""
    if op["kind"] not in PIPELINED:
        return False
    path = op["path"]
    return not any(related(path, other) for other, _ in flight)
