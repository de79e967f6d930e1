"""The target's end of a data channel: applies the source's frames in order.

Every path is checked against the set's rules (sent by the source in
``begin``), mapped to where it lands on this server (rules that name a
target, see :mod:`core.engine.pathmap`) and through this server's volumes;
anything outside the set, or on a volume this server lacks, ends the channel
with an error frame whose message says why. Listings are made on this
server's disk and speak source paths again. Whole files are written to a
temporary name and renamed into place; block patches are written in place.
Copies carry the source's modification time. Disk work runs in order on a
FsWorker thread, overlapping with reading the socket; anything answered
(acks, listings, sums) waits until the work before it is done.

Order: every operation that changes the target carries the set's sequence
number (``seq``: 1, 2, 3 … on each channel, stamped by the source in the
order the changes were detected). Operations are applied in that order; a
number out of turn (a gap or a reordering) ends the channel with an error of
kind ``order``, and the source re-mirrors.

Durability: an ack means "on disk" (:mod:`core.engine.durability`): it goes
out after the group-commit round (:mod:`core.engine.group_commit`) that
synced the operation's data and directory entries.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import zlib
from collections.abc import Callable
from functools import partial
from typing import Any, BinaryIO

from core.engine import blocks, codec, fsops, protocol
from core.engine.batch_sink import BatchSink
from core.engine.durability import Durability
from core.engine.fsworker import FsWorker
from core.engine.group_commit import GroupCommit
from core.engine.pathmap import MappedMatcher, PathMap
from core.engine.rules import RuleMatcher, child_included
from core.engine.scan import TMP_PREFIX, Entry, Matcher, scan, scan_dir, sweep_dir, sweep_tmp
from core.engine.tasks import cancel_and_wait, run_to_end
from core.engine.volumes import VolumeError, VolumeMap
from core.model.rules import Rule

log = logging.getLogger(__name__)


class Rejected(Exception):
    """A frame the target will not apply (message goes back to the source)."""


class OutOfOrder(Rejected):
    """An operation arrived out of its turn in the set's sequence."""


class Receiver:
    def __init__(
        self, name: str, volumes: VolumeMap, reader: protocol.Reader,
        writer: asyncio.StreamWriter, on_rules: Callable[[list[Rule]], None] | None = None,
        durability: Durability | None = None,
    ) -> None:
        self.name = name
        self.volumes = volumes
        self.reader = reader
        self.writer = writer
        self.on_rules = on_rules
        self.matcher = RuleMatcher([])
        self.paths = PathMap([])
        #: what scans of this server's disk use: the rules, or their images when mapped
        self.local_matcher: RuleMatcher | MappedMatcher = self.matcher
        self.dur = durability or Durability()
        self.batches = BatchSink(self.dur)
        self.fs = FsWorker(before=self.batches.settle)
        self.commits = GroupCommit(self.fs, self.dur, self._send)
        #: the sequence number the next change must carry
        self.next_seq = 1
        self._partial: dict[str, Any] = {}
        self._told = False
        #: between a mirror's begin and its end: new files are written in place
        #: (:func:`core.engine.batch_sink.write_direct`)
        self._mirroring = False

    async def run(self) -> None:
        committer = asyncio.create_task(self._commit_loop(), name=f"commit {self.name}")
        try:
            while True:
                header, plen = await protocol.read_header(self.reader)
                op = str(header.get("op"))
                handler = getattr(self, "_op_" + op, None)
                if handler is None:
                    raise Rejected(f"unknown data channel operation {op!r}")
                if op in protocol.CHANGES:
                    self._in_turn(header)
                reply = await handler(header, plen)
                if op in protocol.CHANGES:
                    self.commits.queued()
                if "ack" in header:
                    self.commits.ack({"op": "ack", "ack": header["ack"], **(reply or {})})
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except (Rejected, VolumeError, OSError, ValueError, protocol.FrameError) as exc:
            log.warning("data channel %s: %s", self.name, exc)
            await self._tell(exc)
        finally:
            # also when the engine stops meanwhile: no half-written temp file stays
            # behind and the disk thread has ended before the engine exits
            await run_to_end(self._finish(committer))

    def _in_turn(self, h: dict[str, Any]) -> None:
        seq = h.get("seq")
        if not isinstance(seq, int):
            raise Rejected(f"a {h.get('op')} operation carries no sequence number "
                           f"(protocol {protocol.PROTOCOL_VERSION} requires one)")
        if seq != self.next_seq:
            what = "a gap" if seq > self.next_seq else "a reordering"
            raise OutOfOrder(
                f"operation {seq} of set {self.name} arrived when {self.next_seq} was "
                f"expected ({what} in the replication order): the source re-mirrors")
        self.next_seq += 1

    async def _commit_loop(self) -> None:
        """Run the group commits; a failed disk write ends the channel with its error."""
        try:
            await self.commits.run()
        except Exception as exc:  # the source waits for an ack: tell it, never leave it hanging
            log.warning("data channel %s: %s", self.name, exc)
            await self._tell(exc)
            self.writer.close()

    async def _tell(self, exc: BaseException) -> None:
        """Send the error that ends the channel (once: the reader and the committer may
        both meet the same failed disk write)."""
        if self._told:
            return
        self._told = True
        frame = {"op": "error", "message": _say(exc)}
        if isinstance(exc, OutOfOrder):
            frame["kind"] = "order"
        with contextlib.suppress(ConnectionError):
            await self._send(frame)

    async def _finish(self, committer: asyncio.Task[None]) -> None:
        await cancel_and_wait([committer], f"group commit of {self.name}")
        part = self._partial
        if part:  # the file is opened on the disk thread: read its handle there too
            with contextlib.suppress(Exception):
                await self.fs.submit(lambda: fsops.abort_tmp(part.get("fh"), part["tmp"]))
        with contextlib.suppress(Exception):
            await self.fs.flush()
        with contextlib.suppress(Exception):  # a clean end publishes the last batch
            await self.fs.call(lambda: None)
        await asyncio.to_thread(self.fs.close)
        await asyncio.to_thread(self.batches.close)  # after a failure: its temp files go

    async def _send(self, header: dict[str, Any], payload: bytes = b"") -> None:
        await protocol.write_frame(self.writer, header, payload)

    def _local(self, win: str) -> str:
        if not self.matcher.includes(win):
            raise Rejected(f"{win} is outside replication set {self.name}")
        return self.volumes.local_str(self.paths.to_target(win))

    def _batch_local(self, win: str, dirs: dict[str, str | None]) -> str:
        """:meth:`_local` of a batch's file, its directory judged once per batch: where
        all its children belong to the set (and paths are not mapped) a file is
        judged by its name; any other path takes the full way."""
        parent, _, name = win.rpartition("\\")
        if parent not in dirs:
            try:
                whole = self.paths.identity and self.matcher.children_included(parent)
                dirs[parent] = self._local(parent) if whole else None
            except (Rejected, VolumeError):  # e.g. a file at a volume's root
                dirs[parent] = None
        base = dirs[parent]
        if base is None or name in ("", ".", "..") or "/" in name or ":" in name \
                or not child_included(name):  # (on Windows "x:" would name a drive)
            return self._local(win)
        return os.path.join(base, name)

    async def _drop(self, plen: int) -> None:
        await protocol.copy_payload(self.reader, plen, None)

    # --- requests answered at once -------------------------------------------------
    async def _op_begin(self, h: dict[str, Any], plen: int) -> None:
        await self._drop(plen)
        await self.commits.barrier()
        rules = [Rule.from_dict(d) for d in h.get("rules", [])]
        self.matcher = RuleMatcher(rules)
        self.paths = PathMap(rules)
        self.local_matcher = target_matcher(rules, self.matcher, self.paths)
        for root in self.local_matcher.roots():
            self.volumes.to_local(root)  # a missing volume fails here, readably
        # a mirror starts: partial files of transfers that never finished go
        swept = await self.fs.call(lambda: sweep_tmp(self.local_matcher, self.volumes))
        if swept:
            log.info("set %s: removed %d partial file(s) of interrupted transfers",
                     self.name, swept)
        if self.on_rules:
            self.on_rules(rules)
        self._mirroring = True
        await self._send({"op": "ready"})

    async def _op_list(self, h: dict[str, Any], plen: int) -> None:
        await self._drop(plen)
        await self.commits.barrier()
        back = self.paths.to_source
        digests = bool(h.get("digests"))

        def row(e: Entry) -> list[Any]:
            out: list[Any] = [back(e.win), e.is_dir, e.size, e.mtime_ns]
            if digests:
                out.append("" if e.is_dir else blocks.file_digest(e.local))
            return out

        rows = await self.fs.call(lambda: [row(e) for e in scan(self.local_matcher, self.volumes)])
        payload = zlib.compress(json.dumps(rows).encode("utf-8"), 1)
        await self._send({"op": "listing", "count": len(rows)}, payload)

    async def _op_sums(self, h: dict[str, Any], plen: int) -> None:
        await self._drop(plen)
        await self.commits.barrier()
        local = self._local(str(h["path"]))
        block = int(h.get("block", blocks.BLOCK))
        sums = await self.fs.call(lambda: blocks.file_sums(local, block))
        await self._send({"op": "sums", "block": block}, sums)

    async def _op_mirror_end(self, h: dict[str, Any], plen: int) -> None:
        await self._drop(plen)
        self._mirroring = False
        await self.commits.barrier()  # mirror complete means on disk
        await self._send({"op": "mirror_done"})

    async def _op_ping(self, h: dict[str, Any], plen: int) -> None:
        await self._drop(plen)

    async def _op_rename(self, h: dict[str, Any], plen: int) -> dict[str, Any]:
        await self._drop(plen)
        old, new = self._local(str(h["path"])), self._local(str(h["new"]))
        size, mtime = h.get("size"), h.get("mtime_ns")
        need = await self.fs.call(lambda: fsops.rename(old, new, size, mtime, self.dur))
        return {"need": bool(need)}

    # --- changes queued to the disk thread --------------------------------------------
    async def _op_mkdir(self, h: dict[str, Any], plen: int) -> None:
        await self._drop(plen)
        local = self._local(str(h["path"]))
        await self.fs.submit(lambda: fsops.mkdir(local, self.dur))

    async def _op_delete(self, h: dict[str, Any], plen: int) -> None:
        await self._drop(plen)
        local = self._local(str(h["path"]))
        if h.get("orphan"):  # a mirror's orphan: its children were listed and come first
            await self.fs.submit(lambda: fsops.prune(local, self.dur))
        else:
            matcher, win = self.local_matcher, self.paths.to_target(str(h["path"]))
            await self.fs.submit(lambda: delete_within(matcher, local, win, self.dur))

    async def _op_file(self, h: dict[str, Any], plen: int) -> None:
        local = self._local(str(h["path"]))
        size, mtime = int(h["size"]), int(h["mtime_ns"])
        parent, base = os.path.split(local)
        tmp = os.path.join(parent, f"{TMP_PREFIX}{secrets.token_hex(4)}.{base}")
        part: dict[str, Any] = {"tmp": tmp}
        self._partial = part

        def start() -> None:
            part["fh"] = fsops.open_tmp(local, tmp, self.dur)

        await self.fs.submit(start)
        if h.get("chunked"):
            await self._drop(plen)
            got = 0
            while got < size:
                data = await self._chunk()
                await self.fs.submit(partial(_write_part, part, data), len(data))
                got += len(data)
        else:
            left = plen
            while left:
                data = await protocol.read_payload(self.reader, min(left, protocol.CHUNK))
                await self.fs.submit(partial(_write_part, part, data), len(data))
                left -= len(data)
        fh_box: dict[str, BinaryIO] = part
        await self.fs.submit(lambda: fsops.finish_tmp(fh_box["fh"], tmp, local, mtime,
                                                      self.dur))
        self._partial = {}

    async def _op_files(self, h: dict[str, Any], plen: int) -> None:
        """A batch of small files: one frame, one job on the disk thread."""
        rows = h.get("files")
        if not isinstance(rows, list) or len(rows) > protocol.MAX_BATCH_FILES:
            raise Rejected("a batch of files is malformed or too large")
        payload = await protocol.read_payload(self.reader, plen, protocol.MAX_DATA)
        data = _data(h, payload)
        files: list[tuple[str, int, int]] = []
        total = 0
        dirs: dict[str, str | None] = {}  # a batch comes sorted: its directories once
        for row in rows:
            if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)
                    and all(isinstance(v, int) and v >= 0 for v in row[1:])):
                raise Rejected("a batch of files is malformed")
            files.append((self._batch_local(row[0], dirs), row[1], row[2]))
            total += row[1]
        if total != len(data):
            raise Rejected("a batch of files has the wrong length")
        sink, direct = self.batches, self._mirroring  # (settles the batch before itself)
        await self.fs.submit(lambda: sink.write(files, data, direct), len(data), settle=False)

    async def _chunk(self) -> bytes:
        header, payload = await protocol.read_frame(self.reader, protocol.MAX_DATA)
        if header.get("op") != "chunk":
            raise Rejected("expected a data chunk")
        return _data(header, payload)

    async def _op_block(self, h: dict[str, Any], plen: int) -> None:
        local = self._local(str(h["path"]))
        payload = await protocol.read_payload(self.reader, plen, protocol.MAX_DATA)
        data = _data(h, payload)
        await self.fs.submit(lambda: fsops.write_at(local, int(h["offset"]), data, self.dur),
                             len(data))

    async def _op_settle(self, h: dict[str, Any], plen: int) -> None:
        await self._drop(plen)
        local = self._local(str(h["path"]))
        await self.fs.submit(lambda: fsops.settle(local, int(h["size"]), int(h["mtime_ns"]),
                                                  self.dur))


def target_matcher(
    rules: list[Rule], matcher: RuleMatcher | None = None, paths: PathMap | None = None,
) -> RuleMatcher | MappedMatcher:
    """The set as it lies on the target's disk: its rules, or their images when mapped."""
    matcher = matcher or RuleMatcher(rules)
    paths = paths or PathMap(rules)
    return matcher if paths.identity else MappedMatcher(matcher, paths)


def delete_within(matcher: Matcher, local: str, win: str, dur: Durability) -> None:
    """Delete a file, or a directory with whatever in it belongs to the set: what the
    rules exclude (the target's own files) stays, with the directories holding it."""
    if not os.path.isdir(local) or os.path.islink(local):
        fsops.delete(local, dur)
        return
    dur.sync_files()
    sweep_dir(matcher, local, win)
    for e in reversed(list(scan_dir(matcher, local, win))):  # children first
        fsops.prune(e.local, dur)
    fsops.prune(local, dur)


def sweep_partials(name: str, rules: list[Rule], volumes: VolumeMap) -> int:
    """At engine start: remove the partial files interrupted transfers of set ``name``
    left on this (target) server."""
    removed = sweep_tmp(target_matcher(rules), volumes)
    if removed:
        log.info("set %s: removed %d partial file(s) of interrupted transfers", name, removed)
    return removed


def _data(header: dict[str, Any], payload: bytes) -> bytes:
    """A data frame's bytes, inflated within bounds; its ``raw`` length checked."""
    raw = int(header.get("raw", len(payload)))
    if not 0 <= raw <= protocol.MAX_DATA:
        raise Rejected(f"a data frame claims {raw} bytes (at most {protocol.MAX_DATA})")
    method = codec.wire_name(header)
    data = protocol.inflate(payload, protocol.MAX_DATA, raw, method) if method else payload
    if len(data) != raw:
        raise Rejected("a data frame has the wrong length")
    return data


def _say(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror or exc} ({exc.filename})"
    return str(exc)


def _write_part(part: dict[str, Any], data: bytes) -> None:
    # the file is opened by a job queued before this one, so it is looked up when run
    part["fh"].write(data)
