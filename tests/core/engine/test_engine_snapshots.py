"""Snapshots of the target's data (SPEC F-6.3): take, list, delete, roll back, schedule.

On this file system (ext4 in CI) the snapshot is a hard-link farm, so these
tests also prove the receiver's copy on write: block patches and settles
that change a file in place after a snapshot leave the snapshot's copy alone.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from core.engine.snap_service import Schedule
from core.engine.state import StateStore
from core.errors import AppmgrError, NotFound, Refused

from .harness import PORT, tree, wait_for
from .test_engine_mirror import SET, populate, protect


def manifest(root: Path) -> dict[str, str]:
    """Relative path → sha256 (\"dir\" for directories)."""
    return {k: "dir" if v is None else hashlib.sha256(v).hexdigest()
            for k, v in tree(root).items()}


def snap_tree(tgt, sid: str) -> Path:
    return tgt.state / "snapshots" / SET / sid / "tree" / "E" / "Shares" / "Data"


def test_take_list_delete_and_copy_on_write(pair) -> None:
    src, tgt = pair
    populate(src.data, files=6)
    big = os.urandom(1 << 20)
    (src.data / "db.mdf").write_bytes(big)
    s, t = protect(src, tgt, "checksum", replicate=True)
    wait_for(lambda: tree(src.data) == tree(tgt.data), 5, "target equal to source")
    before = manifest(tgt.data)
    sent = s.stats(SET).bytes_sent

    snap = t.take_snapshot(SET)
    assert (snap.files, snap.method, snap.reason) == (7, "hardlink", "on demand")
    assert snap.size == sum(len(v) for v in tree(tgt.data).values() if v is not None)
    assert [x.id for x in t.snapshots(SET)] == [snap.id]
    assert manifest(snap_tree(tgt, snap.id)) == before
    # where its tree lies on the target (Verify Target Data hands it to a host operation),
    # said by take and list but never written in snapshot.json
    tree_dir = tgt.state / "snapshots" / SET / snap.id / "tree"
    assert Path(snap.path) == tree_dir and Path(t.snapshots(SET)[0].path) == tree_dir
    assert "path" not in (tree_dir.parent / "snapshot.json").read_text()

    (src.data / "f0.bin").unlink()
    (src.data / "new.txt").write_bytes(b"after the snapshot")
    wait_for(lambda: tree(src.data) == tree(tgt.data), 5, "changes replicated")
    # changed in place while disconnected: the checksum mirror patches the target's blocks
    # of a file it shares with the snapshot
    s.disconnect(SET)
    with open(src.data / "db.mdf", "r+b") as fh:
        fh.seek(300_000)
        fh.write(b"PATCHED IN PLACE")
    s.connect(SET, tgt.ip, PORT, "tok-123", mirror_type="checksum", replicate=True)
    wait_for(lambda: tree(src.data) == tree(tgt.data), 5, "mirror after the patch")
    assert s.stats(SET).bytes_sent - sent < len(big) // 4  # blocks, not the whole file
    assert (tgt.data / "db.mdf").stat().st_nlink == 1  # the link was broken before the write
    assert manifest(snap_tree(tgt, snap.id)) == before  # the snapshot kept the old content

    t.delete_snapshot(SET, snap.id)
    assert t.snapshots(SET) == []
    with pytest.raises(AppmgrError, match="no reason to take a snapshot"):
        t.take_snapshot(SET, "because")
    assert not (tgt.state / "snapshots" / SET / snap.id).exists()
    with pytest.raises(NotFound):
        t.delete_snapshot(SET, snap.id)


def test_rollback_makes_the_data_equal_the_snapshot(pair) -> None:
    src, tgt = pair
    populate(src.data, files=9)
    s, t = protect(src, tgt, "checksum", replicate=True)
    wait_for(lambda: tree(src.data) == tree(tgt.data), 5, "target equal to source")
    snap = t.take_snapshot(SET)
    at_snapshot = manifest(tgt.data)

    (src.data / "f0.bin").write_bytes(b"rewritten")
    (src.data / "sub" / "f1.bin").unlink()
    (src.data / "later").mkdir()
    (src.data / "later" / "x.txt").write_bytes(b"new")
    wait_for(lambda: tree(src.data) == tree(tgt.data), 5, "changes replicated")
    assert manifest(tgt.data) != at_snapshot
    s.disconnect(SET)
    t.accept(SET, "a token the source does not hold")

    done = t.rollback_snapshot(SET, snap.id)
    assert manifest(tgt.data) == at_snapshot
    # later/ and later/x.txt deleted; f0 (rewritten) and f1 (deleted) back; the rest shared
    assert done == {"deleted": 2, "replaced": 2, "kept": 7}
    # the rolled-back files are private copies: changing them leaves the snapshot alone
    (tgt.data / "f0.bin").write_bytes(b"written on the target after failover")
    assert manifest(snap_tree(tgt, snap.id)) == at_snapshot


def test_a_snapshot_written_in_place_after_failover_is_refused_not_served(pair) -> None:
    # the target serves after a failover: an application writes a file in place, and
    # on ext4 that inode is the snapshot's too (hard link); the snapshot moved with it
    src, tgt = pair
    populate(src.data, files=5)
    s, t = protect(src, tgt, "checksum", replicate=True)
    wait_for(lambda: tree(src.data) == tree(tgt.data), 5, "target equal to source")
    snap = t.take_snapshot(SET)
    assert snap.method == "hardlink"
    s.disconnect(SET)
    t.accept(SET, "a token the source does not hold")
    with open(tgt.data / "f0.bin", "r+b") as fh:  # as SQL Server writes a page
        fh.seek(10)
        fh.write(b"served after failover")
    assert (tgt.data / "f0.bin").stat().st_nlink == 2  # shared: the snapshot changed too
    assert t.snapshot_changes(SET, snap.id) == ["E:\\Shares\\Data\\f0.bin"]

    with pytest.raises(Refused) as err:
        t.rollback_snapshot(SET, snap.id)
    said = str(err.value)
    assert f"snapshot {snap.id} is no longer the data it was taken with" in said
    assert "1 of its files" in said and "f0.bin" in said
    assert (tgt.data / "f0.bin").read_bytes()[10:31] == b"served after failover"  # untouched

    # a snapshot taken now is whole again, and rolling back to it is allowed
    again = t.take_snapshot(SET)
    assert t.rollback_snapshot(SET, again.id)["replaced"] == 0

    # a snapshot from before manifests were kept: unknown, not "unchanged"
    (tgt.state / "snapshots" / SET / snap.id / "manifest.json").unlink()
    assert t.snapshot_changes(SET, snap.id) is None


def test_a_verify_snapshot_says_so(pair) -> None:
    src, tgt = pair
    populate(src.data, files=2)
    s, t = protect(src, tgt, "checksum", replicate=True)
    wait_for(lambda: tree(src.data) == tree(tgt.data), 5, "target equal to source")
    snap = t.take_snapshot(SET, "verify")
    assert snap.reason == "verify" and [x.reason for x in t.snapshots(SET)] == ["verify"]
    t.delete_snapshot(SET, snap.id)
    assert t.snapshots(SET) == []
    with pytest.raises(AppmgrError, match="no reason to take a snapshot"):
        t.take_snapshot(SET, "because")


def test_refused_for_a_set_this_engine_does_not_hold(pair) -> None:
    _src, tgt = pair
    t = tgt.client()
    with pytest.raises(NotFound):
        t.take_snapshot("nothing_here")


def test_schedule_takes_snapshots_and_survives_a_restart(pair) -> None:
    src, tgt = pair
    populate(src.data, files=3)
    _s, t = protect(src, tgt, "checksum", replicate=True)
    t.schedule_snapshots(SET, 15, start_at=0.0, keep=2)  # slot 0 long past: taken at once
    wait_for(lambda: [x.reason for x in t.snapshots(SET)] == ["schedule"], 5, "first slot")
    assert StateStore(tgt.state).load()["snapshot_schedules"][SET]["interval_min"] == 15
    tgt.stop()
    tgt.start()
    assert SET in tgt.svc.snaps.schedules  # resumed from the persisted state
    tgt.client().schedule_snapshots(SET, None)
    assert tgt.svc.snaps.schedules == {}


def test_next_slot() -> None:
    sched = Schedule(15, start_at=1_000.0)
    assert sched.next_due(None) == 1_000.0
    assert sched.next_due(1_000.0) == 1_900.0
    assert sched.next_due(1_950.0) == 2_800.0  # a late take: the next slot, not a burst


def test_state_without_schedules_still_loads(tmp_path: Path) -> None:
    (tmp_path / "engine.json").write_text('{"format": 1, "sets": {}, "accepts": {}, '
                                          '"connections": {}, "monitors": {}}')
    assert StateStore(tmp_path).load()["snapshot_schedules"] == {}
