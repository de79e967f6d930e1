"""The target's durability and order, proved by the order of calls, not by timing.

A Receiver is fed frames through a StreamReader; its fsync functions are
injected and record themselves in one log with the frames it sends back. An
ack must come after the fsync of its file's data (done while the file still
has its temporary name) and after the fsync of every directory whose
entries the operation changed; operations that arrive together share commit
rounds. Operations carry the set's sequence number; a gap or a reordering
is refused with an error of kind "order" and nothing after it is applied.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.engine import protocol
from core.engine.durability import NO_FSYNC_ENV, Durability, fsync_dir, fsync_file
from core.engine.fsworker import FsWorker
from core.engine.group_commit import GroupCommit
from core.engine.receiver import Receiver
from core.engine.scan import TMP_PREFIX
from core.engine.volumes import VolumeMap
from core.model.rules import Rule

RULES = [Rule("E:\\Data").to_dict()]


class Wire:
    """The receiver's writer: each frame it sends becomes ("sent", op, ack) in ``log``."""

    def __init__(self, log: list[tuple[Any, ...]]) -> None:
        self.log, self.buf = log, bytearray()
        self.frames: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self.buf += data
        while len(self.buf) >= protocol.PREFIX.size:
            _, hlen, plen = protocol.PREFIX.unpack(self.buf[:protocol.PREFIX.size])
            end = protocol.PREFIX.size + hlen + plen
            if len(self.buf) < end:
                return
            header = json.loads(self.buf[protocol.PREFIX.size:protocol.PREFIX.size + hlen])
            del self.buf[:end]
            self.frames.append(header)
            self.log.append(("sent", header["op"], header.get("ack")))

    async def drain(self) -> None:
        return None

    def close(self) -> None:
        return None


def frame(header: dict[str, Any], payload: bytes = b"") -> bytes:
    return protocol.encode(header, len(payload)) + payload


def file_frame(path: str, data: bytes, seq: int, ack: int | None = None) -> bytes:
    h: dict[str, Any] = {"op": "file", "path": path, "size": len(data), "mtime_ns": 10**18,
                         "seq": seq}
    if ack is not None:
        h["ack"] = ack
    return frame(h, data)


def recording(root: Path, log: list[tuple[Any, ...]], fail: bool = False) -> Durability:
    """Real fsyncs that log themselves; a file's entry says whether its final name
    existed yet (it must not: data is synced before the rename)."""

    def sync_file(fd: int, path: str) -> None:
        name = os.path.basename(path)
        final = name.split(".", 3)[-1] if name.startswith(TMP_PREFIX) else name
        published = os.path.exists(os.path.join(os.path.dirname(path), final))
        if fail:
            raise OSError(errno.EIO, "Input/output error", path)
        fsync_file(fd, path)
        log.append(("fsync", os.path.relpath(path, root), final, published))

    def sync_dir(path: str) -> None:
        fsync_dir(path)
        log.append(("fsync-dir", os.path.relpath(path, root)))

    return Durability(sync_file, sync_dir)


async def feed(tmp_path: Path, frames: list[bytes], fail: bool = False,
               ) -> tuple[list[tuple[Any, ...]], Wire, Receiver]:
    """Run a receiver over ``frames`` (all there at once, then the end of the stream)."""
    log: list[tuple[Any, ...]] = []
    reader = asyncio.StreamReader()
    reader.feed_data(frame({"op": "begin", "rules": RULES}) + b"".join(frames))
    reader.feed_eof()
    wire = Wire(log)
    rx = Receiver("set", VolumeMap({"E": tmp_path / "E"}), reader, wire,  # type: ignore[arg-type]
                  durability=recording(tmp_path / "E", log, fail))
    await asyncio.wait_for(rx.run(), 10)
    return log, wire, rx


def at(log: list[tuple[Any, ...]], entry: tuple[Any, ...]) -> int:
    assert entry in log, f"{entry} not in {log}"
    return log.index(entry)


async def test_an_ack_follows_the_fsync_of_its_data_and_directories(tmp_path: Path) -> None:
    log, _, _ = await feed(tmp_path, [
        file_frame("E:\\Data\\a.txt", b"alpha", 1, ack=1),
        frame({"op": "mkdir", "path": "E:\\Data\\sub", "seq": 2}),
        file_frame("E:\\Data\\sub\\b.txt", b"beta", 3, ack=2),
        frame({"op": "mirror_end"}),
    ])
    assert (tmp_path / "E" / "Data" / "sub" / "b.txt").read_bytes() == b"beta"
    ack1, ack2 = at(log, ("sent", "ack", 1)), at(log, ("sent", "ack", 2))
    data_a = next(i for i, e in enumerate(log) if e[0] == "fsync" and e[2] == "a.txt")
    data_b = next(i for i, e in enumerate(log) if e[0] == "fsync" and e[2] == "b.txt")
    # the data was synced under the temporary name, before the rename published it
    assert log[data_a][1].startswith(os.path.join("Data", TMP_PREFIX))
    assert log[data_a][3] is False
    assert log[data_b][1].startswith(os.path.join("Data", "sub", TMP_PREFIX))
    assert log[data_b][3] is False
    assert data_a < ack1 and data_b < ack2
    # the directory entries: a.txt in Data (and Data itself in E:), sub in Data, b.txt in sub
    assert at(log, ("fsync-dir", ".")) < ack1
    assert at(log, ("fsync-dir", "Data")) < ack1
    assert at(log, ("fsync-dir", os.path.join("Data", "sub"))) < ack2
    assert ack1 < ack2 < at(log, ("sent", "mirror_done", None))


async def test_operations_that_arrive_together_share_commit_rounds(tmp_path: Path) -> None:
    n = 40
    log, _, rx = await feed(tmp_path, [
        *(file_frame(f"E:\\Data\\f{i:02d}.bin", os.urandom(3000), i + 1, ack=i + 1)
          for i in range(n)),
        frame({"op": "mirror_end"}),
    ])
    acks = [e[2] for e in log if e[:2] == ("sent", "ack")]
    assert acks == list(range(1, n + 1))  # every one acknowledged, in order
    for i in range(n):  # each after its own data fsync
        assert next(j for j, e in enumerate(log) if e[0] == "fsync" and e[2] == f"f{i:02d}.bin") \
            < at(log, ("sent", "ack", i + 1))
    assert 1 <= rx.dur.rounds < n // 4, rx.dur.rounds
    dir_syncs = [e for e in log if e == ("fsync-dir", "Data")]
    assert 1 <= len(dir_syncs) <= rx.dur.rounds < n  # one per round, not one per file


async def test_a_failed_fsync_is_never_acknowledged(tmp_path: Path) -> None:
    log, wire, _ = await feed(tmp_path, [
        file_frame("E:\\Data\\a.txt", b"alpha", 1, ack=1),
        frame({"op": "ping", "ack": 2}),
        frame({"op": "mirror_end"}),
    ], fail=True)
    assert not [e for e in log if e[:2] == ("sent", "ack")]
    assert [f["op"] for f in wire.frames] == ["ready", "error"]
    assert "Input/output error" in wire.frames[-1]["message"]
    assert not (tmp_path / "E" / "Data" / "a.txt").exists()  # never renamed into place


async def test_operations_in_sequence_are_applied_in_that_order(tmp_path: Path) -> None:
    _, wire, rx = await feed(tmp_path, [
        file_frame("E:\\Data\\a.txt", b"one", 1),
        frame({"op": "rename", "path": "E:\\Data\\a.txt", "new": "E:\\Data\\b.txt", "seq": 2,
               "ack": 1}),
        file_frame("E:\\Data\\a.txt", b"two", 3),
        frame({"op": "delete", "path": "E:\\Data\\b.txt", "seq": 4}),
        frame({"op": "mirror_end"}),
    ])
    assert [f["op"] for f in wire.frames] == ["ready", "ack", "mirror_done"]
    assert rx.next_seq == 5
    assert (tmp_path / "E" / "Data" / "a.txt").read_bytes() == b"two"
    assert not (tmp_path / "E" / "Data" / "b.txt").exists()


async def test_a_gap_in_the_sequence_is_refused_and_nothing_after_it_applied(
        tmp_path: Path) -> None:
    _, wire, rx = await feed(tmp_path, [
        file_frame("E:\\Data\\a.txt", b"one", 1),
        file_frame("E:\\Data\\c.txt", b"three", 3, ack=1),  # 2 went missing
        file_frame("E:\\Data\\d.txt", b"four", 4),
    ])
    err = wire.frames[-1]
    assert err["op"] == "error" and err["kind"] == "order"
    assert "operation 3 of set set arrived when 2 was expected (a gap" in err["message"]
    assert not [f for f in wire.frames if f["op"] == "ack"]
    assert not (tmp_path / "E" / "Data" / "c.txt").exists()
    assert not (tmp_path / "E" / "Data" / "d.txt").exists()
    assert rx.next_seq == 2


async def test_a_reordering_or_a_missing_number_is_refused(tmp_path: Path) -> None:
    _, wire, _ = await feed(tmp_path / "r", [
        file_frame("E:\\Data\\b.txt", b"two", 2),
        file_frame("E:\\Data\\a.txt", b"one", 1),
    ])
    assert wire.frames[-1]["kind"] == "order" and "a gap" in wire.frames[-1]["message"]
    _, wire, _ = await feed(tmp_path / "s", [
        file_frame("E:\\Data\\a.txt", b"one", 1),
        file_frame("E:\\Data\\a.txt", b"again", 1),
    ])
    assert "operation 1 of set set arrived when 2 was expected (a reordering" \
        in wire.frames[-1]["message"]
    _, wire, _ = await feed(tmp_path / "t", [frame({"op": "mkdir", "path": "E:\\Data\\x"})])
    assert "carries no sequence number" in wire.frames[-1]["message"]


async def _until(cond: Callable[[], bool], what: str) -> None:
    """Wait for a state (bounded): the event loop runs the committer meanwhile."""
    deadline = time.monotonic() + 5
    while not cond():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.001)


def _committer(max_ops: int, interval: float) -> GroupCommit:
    return GroupCommit(FsWorker(), Durability(lambda fd, p: None, lambda p: None),
                       _no_send, max_ops=max_ops, interval=interval)


async def test_unacknowledged_operations_commit_every_max_ops() -> None:
    """A mirror's stream (no acks): no round until ``max_ops`` operations are in
    (the interval here never passes), then one round covering them."""
    commits = _committer(4, 3600)
    runner = asyncio.create_task(commits.run())
    try:
        for _ in range(3):
            commits.queued()
            for _ in range(20):  # the committer runs whenever it can
                await asyncio.sleep(0)
        assert commits.rounds == 0
        commits.queued()
        await _until(lambda: commits.rounds == 1, "a round")
        assert commits.ops == 4
    finally:
        runner.cancel()
        commits.fs.close()


async def test_unacknowledged_operations_commit_after_the_interval() -> None:
    commits = _committer(1000, 0.002)
    runner = asyncio.create_task(commits.run())
    try:
        for _ in range(3):
            commits.queued()
        await _until(lambda: commits.rounds == 1, "a round")
        assert commits.ops == 3
    finally:
        runner.cancel()
        commits.fs.close()


async def _no_send(frame: dict[str, Any]) -> None:
    raise AssertionError(f"nothing to acknowledge: {frame}")


def test_fsync_is_the_default_and_only_the_bench_switch_skips_it(monkeypatch) -> None:
    monkeypatch.delenv(NO_FSYNC_ENV, raising=False)
    dur = Durability()
    assert (dur.sync_file, dur.sync_dir) == (fsync_file, fsync_dir)
    monkeypatch.setenv(NO_FSYNC_ENV, "1")
    assert Durability().sync_file is not fsync_file
