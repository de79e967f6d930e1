"""Small files in batches: one ``files`` frame for many files (protocol 4).

The receiver writes a batch in one job on its disk thread: every file to a
temporary name, the data of all synced, then each renamed into place; the ack
follows the commit round. Fed through a StreamReader as in
test_engine_durability, with recording fsyncs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from core.engine import batch, batch_sink, durability
from core.engine.durability import Durability
from core.engine.scan import TMP_PREFIX
from tests.core.engine.test_engine_durability import at, feed, frame


def files_frame(files: dict[str, bytes], seq: int, ack: int | None = None,
                **extra: Any) -> bytes:
    rows = [[p, len(d), 10**18 + i] for i, (p, d) in enumerate(files.items())]
    data = b"".join(files.values())
    h: dict[str, Any] = {"op": "files", "files": rows, "raw": len(data), "z": False,
                         "seq": seq, **extra}
    if ack is not None:
        h["ack"] = ack
    return frame(h, data)


async def test_a_batch_lands_whole_synced_before_its_renames_and_its_ack(
        tmp_path: Path) -> None:
    files = {f"E:\\Data\\d{i % 3}\\f{i}.bin": os.urandom(100 + i) for i in range(20)}
    (tmp_path / "E" / "Data" / "d1" / "f4.bin").mkdir(parents=True)  # a directory in the way
    log, wire, rx = await feed(tmp_path, [files_frame(files, 1, ack=1),
                                          frame({"op": "mirror_end"})])
    assert [f["op"] for f in wire.frames] == ["ready", "ack", "mirror_done"]
    for i, (p, d) in enumerate(files.items()):
        local = tmp_path / "E" / Path(*p.split("\\")[1:])
        assert local.read_bytes() == d
        assert local.stat().st_mtime_ns == 10**18 + i
    syncs = [e for e in log if e[0] == "fsync"]
    assert len(syncs) == 20  # synced before renamed (f4.bin's name held the directory)
    assert all(e[3] is False for e in syncs if e[2] != "f4.bin")
    assert all(os.path.basename(e[1]).startswith(TMP_PREFIX) for e in syncs)
    ack = at(log, ("sent", "ack", 1))
    assert max(log.index(e) for e in syncs) < ack
    assert at(log, ("fsync-dir", os.path.join("Data", "d2"))) < ack
    assert rx.next_seq == 2  # one batch, one number in the set's sequence
    assert not list((tmp_path / "E").rglob(TMP_PREFIX + "*"))


@pytest.mark.parametrize("bad, why", [
    ({"raw": 5}, "wrong length"),
    ({"files": [["E:\\Data\\a", -1, 0]]}, "malformed"),
    ({"files": [["E:\\Data\\a", 1, 0]] * 1025}, "too large"),
    ({"files": [["E:\\Other\\a", 3, 0]]}, "outside replication set"),
    ({"files": [["E:\\Data\\.appmgr-restore-1", 3, 0]]}, "outside replication set"),
    ({"files": [["E:\\Data\\d\\..\\..\\x", 3, 0]]}, "must not contain"),
])
async def test_a_malformed_batch_is_refused_and_nothing_written(
        tmp_path: Path, bad: dict[str, Any], why: str) -> None:
    rows = bad.pop("files", [["E:\\Data\\a", 3, 0]])
    data = b"abc"
    h = {"op": "files", "files": rows, "raw": len(data), "z": False, "seq": 1, **bad}
    _, wire, _ = await feed(tmp_path, [frame(h, data)])
    assert wire.frames[-1]["op"] == "error" and why in wire.frames[-1]["message"]
    assert not (tmp_path / "E" / "Data" / "a").exists()


def test_a_batch_that_fails_leaves_no_partial_file(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_bytes(b"a file where a directory must go")
    dur = Durability(lambda fd, p: None, lambda p: None)
    good, bad = str(tmp_path / "ok" / "a"), str(tmp_path / "blocker" / "b")
    with pytest.raises(OSError):
        batch_sink.write_files([(good, 2, 0), (bad, 2, 0)], b"aabb", dur)
    assert not os.path.exists(good)
    assert [p.name for p in (tmp_path / "ok").iterdir()] == []  # the temp file went too


def test_a_directory_removed_behind_the_cache_is_made_again(tmp_path: Path) -> None:
    dur = Durability(lambda fd, p: None, lambda p: None)
    batch_sink.write_files([(str(tmp_path / "d" / "a"), 1, 0)], b"a", dur)
    os.unlink(tmp_path / "d" / "a")
    os.rmdir(tmp_path / "d")  # not by the engine: its cache still says it exists
    batch_sink.write_files([(str(tmp_path / "d" / "b"), 1, 0)], b"b", dur)
    assert (tmp_path / "d" / "b").read_bytes() == b"b"


def test_a_large_batch_syncs_its_file_system_once(tmp_path: Path, monkeypatch) -> None:
    if durability._SYNCFS is None:
        pytest.skip("syncfs is Linux's")
    calls: list[int] = []
    monkeypatch.setattr(durability, "syncfs", lambda fd: calls.append(fd))
    monkeypatch.delenv(durability.NO_FSYNC_ENV, raising=False)
    synced: list[str] = []
    monkeypatch.setattr(durability, "fsync_file", lambda fd, p: synced.append(p))
    dur = Durability()
    dur.sync_file = durability.fsync_file  # the real one is what selects syncfs
    dur._batch_syncfs = True
    n = durability.SYNCFS_MIN
    batch_sink.write_files([(str(tmp_path / f"f{i}"), 1, 0) for i in range(n)], b"x" * n, dur)
    assert len(calls) == 1 and not synced
    batch_sink.write_files([(str(tmp_path / "g"), 1, 0)], b"y", dur)  # a few: one fsync each
    assert len(calls) == 1 and len(synced) == 1


def test_a_source_batch_reads_small_files_and_sets_aside_large_or_gone_ones(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch, "SMALL", 100)
    (tmp_path / "a").write_bytes(b"a" * 10)
    (tmp_path / "big").write_bytes(b"b" * 101)
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "dir").mkdir()
    items = [(f"E:\\{n}", str(tmp_path / n)) for n in ("a", "big", "gone", "dir", "empty")]

    class Raw:  # a channel that does not compress
        def pack(self, data: bytes) -> tuple[bytes, bool]:
            return data, False

    rows, wire, raw, z, large, leaves = batch._read(items, Raw())  # type: ignore[arg-type]
    mtime = (tmp_path / "a").stat().st_mtime_ns
    assert rows == [["E:\\a", 10, mtime], ["E:\\empty", 0, (tmp_path / "empty").stat().st_mtime_ns]]
    assert wire == b"a" * 10 and raw == 10 and not z and leaves == []
    assert large == [("E:\\big", str(tmp_path / "big"))]


def test_a_small_file_that_grows_while_read_is_read_whole_or_set_aside(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch, "SMALL", 100)
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    real_fstat = os.fstat

    def fstat_then_grow(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        with open(path, "ab") as out:  # grows after its size was taken
            out.write(b"y" * grow)
        return st

    monkeypatch.setattr(batch.os, "fstat", fstat_then_grow)
    grow = 20
    data, _ = batch._read_small(str(path)) or (b"", None)
    assert data == b"x" * 10 + b"y" * 20  # read to its end, not to its old size
    path.write_bytes(b"x" * 10)
    grow = 200
    with pytest.raises(batch._Large):
        batch._read_small(str(path))
