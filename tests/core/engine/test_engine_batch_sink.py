"""The target's batch sink: one batch's data sync overlaps the next batch's writes,
yet no file is renamed into place before its data is synced, nothing else runs
before a staged batch is published, and a failure leaves no temporary file.

Syncs are injected and held on an Event, so the overlap is shown by what
exists on disk while a sync is held, never by timing.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.engine.batch_sink import BatchSink
from core.engine.durability import Durability
from core.engine.scan import TMP_PREFIX
from tests.core.engine.test_engine_batch import files_frame
from tests.core.engine.test_engine_durability import at, feed, frame


class HeldSync:
    """sync_file that records what it synced and waits for ``release`` first."""

    def __init__(self, fail: bool = False) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.synced: list[str] = []
        self.fail = fail

    def __call__(self, fd: int, path: str) -> None:
        self.started.set()
        assert self.release.wait(10)
        if self.fail:
            raise OSError(errno.EIO, "Input/output error", path)
        os.fsync(fd)
        self.synced.append(os.path.basename(path))


def wait_for(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "state not reached"
        time.sleep(0.001)


def batch(root: Path, names: list[str]) -> tuple[list[tuple[str, int, int]], bytes]:
    return [(str(root / n), len(n), 10**18) for n in names], "".join(names).encode()


def temps(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(TMP_PREFIX + "*"))


def test_the_next_batch_is_written_while_the_last_one_syncs_and_renames_wait(
        tmp_path: Path) -> None:
    held = HeldSync()
    sink = BatchSink(Durability(held, lambda p: None))
    sink.write(*batch(tmp_path, ["a1", "a2"]))
    assert held.started.wait(10)
    # while batch a's sync is held: its files exist only under temporary names
    second = threading.Thread(target=sink.write, args=batch(tmp_path, ["b1"]))
    second.start()
    wait_for(lambda: len(temps(tmp_path)) == 3)  # batch b is staged meanwhile
    assert not (tmp_path / "a1").exists() and not (tmp_path / "b1").exists()
    held.release.set()
    second.join(10)
    assert (tmp_path / "a1").read_bytes() == b"a1"  # published once synced
    assert held.synced[:2] == sorted(held.synced[:2]) and len(held.synced) >= 2
    assert not (tmp_path / "b1").exists()  # b waits for the next settle
    sink.settle()
    assert (tmp_path / "b1").read_bytes() == b"b1"
    assert temps(tmp_path) == []
    sink.close()


def test_a_failed_sync_publishes_nothing_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    held = HeldSync(fail=True)
    held.release.set()
    sink = BatchSink(Durability(held, lambda p: None))
    sink.write(*batch(tmp_path, ["a1", "a2"]))
    with pytest.raises(OSError):
        sink.settle()
    assert temps(tmp_path) == [] and not (tmp_path / "a1").exists()
    sink.close()


def test_a_failed_write_removes_its_own_and_the_staged_batch_stays_intact(
        tmp_path: Path) -> None:
    sink = BatchSink(Durability(lambda fd, p: None, lambda p: None))
    sink.write(*batch(tmp_path, ["a1"]))
    (tmp_path / "blocker").write_bytes(b"a file where a directory must go")
    files = [(str(tmp_path / "ok"), 2, 0), (str(tmp_path / "blocker" / "x"), 2, 0)]
    with pytest.raises(OSError):
        sink.write(files, b"okxx")
    assert not (tmp_path / "ok").exists()
    assert len(temps(tmp_path)) == 1  # only a1's, staged before
    sink.settle()  # the batch before the failed one is still whole
    assert (tmp_path / "a1").read_bytes() == b"a1" and temps(tmp_path) == []
    sink.close()


def test_closing_with_a_staged_batch_removes_it(tmp_path: Path) -> None:
    sink = BatchSink(Durability(lambda fd, p: None, lambda p: None))
    sink.write(*batch(tmp_path, ["a1", "a2"]))
    sink.close()
    assert temps(tmp_path) == [] and not (tmp_path / "a1").exists()


async def test_an_operation_after_a_batch_runs_once_the_batch_is_published(
        tmp_path: Path) -> None:
    files = {f"E:\\Data\\f{i}.bin": b"x" * i for i in range(1, 12)}
    log, wire, _ = await feed(tmp_path, [
        files_frame(files, 1),
        files_frame({"E:\\Data\\g.bin": b"g" * 9}, 2),
        frame({"op": "rename", "path": "E:\\Data\\g.bin", "new": "E:\\Data\\h.bin",
               "seq": 3, "ack": 1}),
        frame({"op": "mirror_end"}),
    ])
    data = tmp_path / "E" / "Data"
    # g.bin's batch was staged when the rename came: published first, then renamed
    assert (data / "h.bin").read_bytes() == b"g" * 9 and not (data / "g.bin").exists()
    assert wire.frames[1]["need"] is False
    assert (data / "f4.bin").read_bytes() == b"xxxx"
    ack = at(log, ("sent", "ack", 1))
    assert max(i for i, e in enumerate(log) if e[0] == "fsync") < ack
    assert [e for e in log if e[0] == "fsync" and e[3]] == []  # none synced once visible
    assert temps(tmp_path) == []
    assert [f["op"] for f in wire.frames] == ["ready", "ack", "mirror_done"]
