"""A mirror's batches of new files: written under their final names, synced by the
round the mirror's end waits for (one ``syncfs``), never replacing anything.

Proved by what the receiver calls and in which order (``os.replace`` and
``syncfs`` record themselves in the log the sent frames go to), and by the
files on disk; never by timing.
"""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path
from typing import Any

import pytest

from core.engine import batch_sink as sink_mod
from core.engine import durability as dur_mod
from core.engine.batch_sink import BatchSink
from core.engine.durability import Durability
from core.engine.fsworker import FsWorker
from core.engine.group_commit import GroupCommit
from core.engine.receiver import Receiver
from core.engine.scan import TMP_PREFIX
from core.engine.volumes import VolumeMap
from tests.core.engine.test_engine_batch import files_frame
from tests.core.engine.test_engine_batch_sink import HeldSync, batch, temps
from tests.core.engine.test_engine_durability import RULES, Wire, _until, at, frame

pytestmark = pytest.mark.skipif(
    not Durability().writes_direct,
    reason="writing a mirror's new files in place needs syncfs (Linux) and real fsync")


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """A log of renames into place and file-system syncs, in the order they ran."""
    entries: list[tuple[Any, ...]] = []
    real_replace, real_syncfs = os.replace, dur_mod.syncfs

    def replace(src: Any, dst: Any, *a: Any, **k: Any) -> None:
        entries.append(("replace", os.path.basename(dst)))
        real_replace(src, dst, *a, **k)

    def syncfs(fd: int) -> None:
        real_syncfs(fd)
        entries.append(("syncfs",))

    monkeypatch.setattr(sink_mod.os, "replace", replace)
    monkeypatch.setattr(dur_mod, "syncfs", syncfs)
    return entries


async def receive(tmp_path: Path, frames: list[bytes], log: list[tuple[Any, ...]],
                  ) -> Wire:
    reader = asyncio.StreamReader()
    reader.feed_data(frame({"op": "begin", "rules": RULES}) + b"".join(frames))
    reader.feed_eof()
    wire = Wire(log)
    rx = Receiver("set", VolumeMap({"E": tmp_path / "E"}), reader, wire,  # type: ignore[arg-type]
                  durability=Durability())
    await asyncio.wait_for(rx.run(), 10)
    return wire


async def test_a_mirrors_new_files_land_in_place_and_are_synced_before_mirror_done(
        tmp_path: Path, log: list[tuple[Any, ...]]) -> None:
    data = tmp_path / "E" / "Data"
    (data / "d1").mkdir(parents=True)
    (data / "d1" / "old.bin").write_bytes(b"the target's older copy")
    new = {f"E:\\Data\\d{i % 3}\\f{i}.bin": os.urandom(50 + i) for i in range(30)}
    wire = await receive(tmp_path, [
        files_frame(new, 1),
        files_frame({"E:\\Data\\d1\\old.bin": b"the source's copy"}, 2),
        frame({"op": "mirror_end"}),
        files_frame({"E:\\Data\\after.bin": b"replicated after the mirror"}, 3, ack=1),
        frame({"op": "mirror_end"}),  # a reply: the ack before it goes out first
    ], log)
    assert [f["op"] for f in wire.frames] == ["ready", "mirror_done", "ack", "mirror_done"]
    for win, body in new.items():
        local = data / win.split("\\", 2)[2].replace("\\", os.sep)
        assert local.read_bytes() == body
    assert temps(tmp_path) == []
    renamed = [e[1] for e in log if e[0] == "replace"]
    # the file that existed was replaced the staged way, and so was the batch
    # replicated after the mirror; none of the mirror's new files was renamed
    assert renamed == ["old.bin", "after.bin"]
    assert (data / "d1" / "old.bin").read_bytes() == b"the source's copy"
    assert at(log, ("syncfs",)) < at(log, ("sent", "mirror_done", None))


def test_a_failed_write_removes_the_file_it_was_writing_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write, writes = os.write, []

    def write(fd: int, data: Any) -> int:
        writes.append(fd)
        if len(writes) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(sink_mod.os, "write", write)
    sink = BatchSink(Durability())
    with pytest.raises(OSError, match="No space"):
        sink.write(*batch(tmp_path, ["a1", "a2", "a3"]), direct=True)
    assert (tmp_path / "a1").read_bytes() == b"a1"
    assert not (tmp_path / "a2").exists() and not (tmp_path / "a3").exists()
    assert temps(tmp_path) == []
    sink.close()


async def test_a_round_nobody_waits_for_does_not_wait_for_a_batch_being_synced(
        tmp_path: Path) -> None:
    """Mid-mirror, an interval round must not stall the disk thread on the sync of
    the staged batch; the round a reply waits for publishes it first."""
    held = HeldSync()
    dur = Durability(held, lambda p: None)
    sink = BatchSink(dur)
    fs = FsWorker(before=sink.settle)
    commits = GroupCommit(fs, dur, _no_send, max_ops=1000, interval=0.001)
    runner = asyncio.create_task(commits.run())
    try:
        await fs.submit(lambda: sink.write(*batch(tmp_path, ["a1"])), settle=False)
        commits.queued()
        await asyncio.to_thread(held.started.wait, 10)
        # the interval round runs while the sync is held
        await _until(lambda: commits.rounds == 1, "an interval round")
        assert not (tmp_path / "a1").exists()
        barrier = asyncio.create_task(commits.barrier())
        await asyncio.sleep(0)
        assert not barrier.done()
        held.release.set()
        await asyncio.wait_for(barrier, 10)
        assert (tmp_path / "a1").read_bytes() == b"a1"
        assert not any(p.name.startswith(TMP_PREFIX) for p in tmp_path.iterdir())
    finally:
        held.release.set()
        runner.cancel()
        await asyncio.to_thread(fs.close)
        await asyncio.to_thread(sink.close)


async def _no_send(frame: dict[str, Any]) -> None:
    raise AssertionError(f"nothing to acknowledge: {frame}")


def test_the_bench_switch_writes_a_mirror_alike_but_never_syncs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log: list[tuple[Any, ...]]) -> None:
    """bench/durability.py compares the engine with and without fsync: both must
    take the same way through a mirror, so the difference is the syncs alone."""
    monkeypatch.setenv(dur_mod.NO_FSYNC_ENV, "1")
    dur = Durability()
    sink = BatchSink(dur)
    sink.write(*batch(tmp_path, ["a1", "a2"]), direct=True)
    assert (tmp_path / "a1").read_bytes() == b"a1" and temps(tmp_path) == []
    dur.commit()
    assert ("syncfs",) not in log and ("replace", "a1") not in log
    sink.close()
