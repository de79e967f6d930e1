"""Continuous replication: every kind of change reaches the target, in order."""

from __future__ import annotations

import os
import shutil

import pytest

from core.model.rules import Rule

from .harness import PORT, tree, wait_for
from .test_engine_mirror import RULES, SET, populate, protect


def same(src, tgt) -> bool:
    return tree(src.data) == tree(tgt.data)


@pytest.fixture(params=["native", "poll"])
def watcher(request, monkeypatch) -> str:
    """watchdog's native observer (inotify here), then its polling fallback."""
    if request.param == "poll":
        monkeypatch.setenv("APPMGR_ENGINE_WATCHER", "poll")
    return request.param


def test_changes_replicated(pair, watcher) -> None:
    src, tgt = pair
    populate(src.data, files=6)
    s, _ = protect(src, tgt, "checksum", replicate=True)
    assert s.stats(SET).replication_status == "replicating"
    d = src.data
    (d / "new.txt").write_bytes(b"created")  # create
    (d / "newdir" / "inner").mkdir(parents=True)  # mkdir (nested, created at once)
    (d / "newdir" / "inner" / "x.txt").write_bytes(b"in a new dir")
    with open(d / "f0.bin", "r+b") as fh:  # modify in place
        fh.write(b"MODIFIED")
    os.rename(d / "sub" / "f1.bin", d / "sub" / "renamed.bin")  # rename
    os.unlink(d / "sub" / "deeper" / "f2.bin")  # delete
    os.rename(d / "sub" / "deeper", d / "moved-deeper")  # directory rename
    shutil.rmtree(d / "empty")  # directory delete
    wait_for(lambda: same(src, tgt), 5, "target equal to source")
    got = tree(tgt.data)
    assert got["new.txt"] == b"created"
    assert "sub/f1.bin" not in got and "sub/renamed.bin" in got
    assert "empty" not in got and "moved-deeper" in got
    wait_for(lambda: s.stats(SET).queued_ops == 0, 5, "queue drained")


def test_order_of_dependent_ops(pair) -> None:
    """Write, rename, rewrite, delete of related paths: final state must match."""
    src, tgt = pair
    src.data.mkdir(parents=True)
    s, _ = protect(src, tgt, "full", replicate=True)
    d = src.data
    for i in range(20):
        (d / "a.txt").write_bytes(f"v{i}".encode())
        os.replace(d / "a.txt", d / f"b{i % 3}.txt")
    (d / "b0.txt").unlink()
    (d / "c").mkdir()
    os.replace(d / "b1.txt", d / "c" / "b1.txt")
    wait_for(lambda: same(src, tgt), 5, "target equal to source")
    assert s.stats(SET).bytes_sent > 0


def test_changes_during_mirror_are_not_lost(pair) -> None:
    src, tgt = pair
    src.data.mkdir(parents=True)
    for i in range(40):
        (src.data / f"big{i}.bin").write_bytes(os.urandom(256_000))
    s, t = src.client(), tgt.client()
    s.create_set(SET, RULES)
    t.accept(SET, "tok")
    s.connect(SET, tgt.ip, PORT, "tok", mirror_type="full", compression=1)
    # change things while the (compressing, so slower) mirror runs
    (src.data / "during.txt").write_bytes(b"written during the mirror")
    (src.data / "big0.bin").unlink()
    os.rename(src.data / "big39.bin", src.data / "late.bin")
    wait_for(lambda: s.stats(SET).mirror_status == "complete", 10, "mirror")
    wait_for(lambda: same(src, tgt), 5, "target equal to source")


def test_excluded_changes_not_replicated(pair) -> None:
    src, tgt = pair
    (src.data / "tmp").mkdir(parents=True)
    rules = [Rule("E:\\Shares\\Data"), Rule("E:\\Shares\\Data\\tmp", include=False)]
    s, _ = protect(src, tgt, "full", replicate=True, rules=rules)
    (src.data / "tmp" / "scratch.bin").write_bytes(b"x")
    (src.data / "real.txt").write_bytes(b"y")
    wait_for(lambda: (tgt.data / "real.txt").exists(), 5, "real.txt")
    assert not (tgt.data / "tmp" / "scratch.bin").exists()


def test_queue_spills_to_disk_and_recovers(tmp_path) -> None:
    from .harness import Server

    src = Server(tmp_path / "FS01", "127.0.41.1", mem_limit=4).start()
    tgt = Server(tmp_path / "FS02", "127.0.41.2").start()
    try:
        populate(src.data, files=3)
        s, _ = protect(src, tgt, "full", replicate=True)
        tgt.stop()  # target down: ops pile up and spill
        for i in range(30):
            (src.data / f"n{i}.txt").write_bytes(f"n{i}".encode())
        (src.data / "f0.bin").unlink()  # a delete while down must still reach the target
        os.rename(src.data / "sub" / "f1.bin", src.data / "f1-renamed.bin")
        wait_for(lambda: s.stats(SET).queued_ops >= 30, 5, "ops queued")
        assert (src.state / "spill" / f"{SET}.spill").exists()
        tgt.start()
        wait_for(lambda: same(src, tgt), 15, "target equal to source after reconnect")
        assert not (tgt.data / "f0.bin").exists() and not (tgt.data / "sub" / "f1.bin").exists()
        wait_for(lambda: s.stats(SET).replication_status == "replicating", 5, "replicating")
    finally:
        src.stop()
        tgt.stop()


def test_moves_into_and_out_of_the_set(pair, watcher) -> None:
    src, tgt = pair
    populate(src.data, files=3)
    outside = src.vol["E"] / "Outside"
    (outside / "tree" / "leaf").mkdir(parents=True)
    (outside / "tree" / "leaf" / "x.txt").write_bytes(b"moved in")
    protect(src, tgt, "full", replicate=True)
    os.rename(outside / "tree", src.data / "tree")  # a whole tree arrives
    os.rename(src.data / "f0.bin", outside / "f0.bin")  # a file leaves the set
    wait_for(lambda: same(src, tgt), 5, "target equal to source")
    assert (tgt.data / "tree" / "leaf" / "x.txt").read_bytes() == b"moved in"
    assert not (tgt.vol["E"] / "Outside").exists()


def test_restore_is_a_reverse_checksum_mirror(pair) -> None:
    """After failover the target's data changed; restore copies it back exactly."""
    src, tgt = pair
    populate(src.data, files=6)
    s, t = protect(src, tgt, "full", replicate=True)
    wait_for(lambda: same(src, tgt), 5, "protected")
    s.disconnect(SET)
    (tgt.data / "written-on-target.txt").write_bytes(b"during failover")
    (tgt.data / "f0.bin").unlink()
    with open(tgt.data / "sub" / "f1.bin", "r+b") as fh:
        fh.write(b"changed on the target")
    (src.data / "stale-on-source.txt").write_bytes(b"must go")
    t.create_set(SET, RULES)
    s.accept(SET, "restore-token")
    t.connect(SET, src.ip, PORT, "restore-token", mirror_type="checksum", replicate=False,
              delete_orphans=True)
    wait_for(lambda: t.stats(SET).mirror_status == "complete", 5, "restore")
    assert same(src, tgt)
    assert not (src.data / "stale-on-source.txt").exists()
