"""The newest snapshot of each set, kept in memory (core/engine/snap_newest.py).

Every status reply of a target's engine says when the set's last snapshot was
taken, and the console's Dashboard asks every engine once a second: the
answer comes from memory, not from reading every ``snapshot.json`` again, and
it is always what a listing would say (``max`` of ``list``), whatever takes,
deletes and VSS did.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

from core import atomic
from core.engine.clock import FakeClock
from core.engine.identity import HostOpFailed
from core.engine.protocol import RemoteError
from core.engine.rules import RuleMatcher
from core.engine.scan import Matcher
from core.engine.snap_service import SnapshotManager
from core.engine.snap_vss import Vss
from core.engine.snapshots import SnapshotError, SnapshotStore
from core.engine.volumes import VolumeMap
from core.model.rules import Rule

from .test_snap_vss import FakeVss, estate  # noqa: F401 (estate: a fixture used below)

SET = "fileprint_FS01_FS02"


async def _no_channel(name: str, work: Any) -> tuple[bool, Any]:
    return False, None  # no data channel open: takes run on a thread of their own


def manager(root: Path, matcher: Matcher, clock: FakeClock) -> SnapshotManager:
    return SnapshotManager(root, VolumeMap({"E": root.parent / "E"}), clock, {},
                           lambda name: matcher, _no_channel, lambda: None)


@pytest.fixture
def matcher(tmp_path: Path) -> Matcher:
    data = tmp_path / "E" / "Shares" / "Data"
    data.mkdir(parents=True)
    (data / "a.txt").write_bytes(b"some data")
    return RuleMatcher([Rule("E:\\Shares\\Data")])


def snapshot_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every ``snapshot.json`` read from now on."""
    reads: list[Path] = []
    read_json = atomic.read_json

    def counting(path: Path, default: Any = None) -> Any:
        if path.name == "snapshot.json":
            reads.append(path)
        return read_json(path, default)

    monkeypatch.setattr(atomic, "read_json", counting)
    return reads


def assert_last_is_listed(snaps: SnapshotManager) -> None:
    assert_newest_is_listed(snaps.store, SET)


def assert_newest_is_listed(store: SnapshotStore, name: str) -> None:
    listed = store.list(name)
    assert store.newest(name) == (max(s.taken for s in listed) if listed else None)


def test_status_replies_read_the_snapshots_once_not_on_every_request(
        tmp_path: Path, matcher: Matcher, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock(1_700_000_000.0)
    first = manager(tmp_path / "snapshots", matcher, clock)
    for _ in range(3):
        asyncio.run(first.take(SET))
        clock.advance(60)
    # the engine started again: a new manager over the snapshots on disk
    snaps = manager(tmp_path / "snapshots", matcher, clock)
    reads = snapshot_reads(monkeypatch)
    answers = {snaps.last(SET) for _ in range(500)}  # the Dashboard's polls
    assert len(reads) == 3  # one listing, for the first answer
    assert answers == {snaps.list(SET)[-1].taken}
    assert snaps.last("a set without snapshots") is None

    reads.clear()
    taken = asyncio.run(snaps.take(SET))
    assert {snaps.last(SET) for _ in range(500)} == {taken.taken}
    asyncio.run(snaps.delete(SET, taken.id))
    assert {snaps.last(SET) for _ in range(500)} == {taken.taken - 60}
    assert len(reads) <= 3 + 1  # the take's own listing (its id) and the delete's read


def test_takes_and_deletes_keep_last_equal_to_the_newest_listed(
        tmp_path: Path, matcher: Matcher) -> None:
    clock = FakeClock(1_700_000_000.0)
    snaps = manager(tmp_path / "snapshots", matcher, clock)
    assert_last_is_listed(snaps)  # none yet; read before the takes, kept since
    a = asyncio.run(snaps.take(SET))
    b = asyncio.run(snaps.take(SET))  # the same second: a later id, the same time
    assert b.id == a.id + "-1"
    assert_last_is_listed(snaps)
    clock.advance(60)
    c = asyncio.run(snaps.take(SET))
    assert_last_is_listed(snaps)
    clock.advance(-3600)  # the clock was stepped back: the newest is not the last taken
    d = asyncio.run(snaps.take(SET))
    assert snaps.last(SET) == c.taken
    assert_last_is_listed(snaps)
    for gone in (c, d, a):  # the newest, the oldest, one of two of the same time
        asyncio.run(snaps.delete(SET, gone.id))
        assert_last_is_listed(snaps)
    with pytest.raises(RemoteError):
        asyncio.run(snaps.delete(SET, c.id))
    assert snaps.last(SET) == b.taken
    asyncio.run(snaps.delete(SET, b.id))
    assert snaps.last(SET) is None
    assert_last_is_listed(snaps)
    asyncio.run(snaps.take(SET))
    assert_last_is_listed(snaps)
    snaps.store.delete_set(SET)  # the set deleted on this engine
    assert snaps.last(SET) is None
    assert_last_is_listed(snaps)


class RefusesDelete:
    """VSS that refuses to delete shadow copies."""

    def __init__(self, fake: FakeVss) -> None:
        self.fake = fake

    def run(self, op: str, params: dict[str, Any]) -> Any:
        if params["action"] == "delete":
            raise HostOpFailed("snapshot_vss failed: access denied")
        return self.fake.run(op, params)


def test_a_shadow_copy_vss_dropped_is_not_the_last_snapshot(estate) -> None:  # noqa: F811
    store, fake, _volumes, matcher = estate
    one = store.take("s", matcher, 1_700_000_000.0, "on demand")
    two = store.take("s", matcher, 1_700_000_060.0, "schedule")
    assert store.newest("s") == two.taken
    # VSS dropped the second snapshot's F: copy (its diff area was full): not listed,
    # not the newest; then the first's E: copy
    shutil.rmtree(fake.live.pop("{00000004-1111-2222-3333-444455556666}"))
    assert [s.id for s in store.list("s")] == [one.id]
    assert store.newest("s") == one.taken
    shutil.rmtree(fake.live.pop("{00000001-1111-2222-3333-444455556666}"))
    assert store.list("s") == [] and store.newest("s") is None
    three = store.take("s", matcher, 1_700_000_120.0, "on demand")
    assert store.newest("s") == three.taken == store.list("s")[-1].taken


def test_a_delete_vss_refuses_leaves_last_as_a_listing_says(estate) -> None:  # noqa: F811
    store, fake, _volumes, matcher = estate
    store.take("s", matcher, 1_700_000_000.0, "on demand")
    two = store.take("s", matcher, 1_700_000_060.0, "schedule")
    refusing = SnapshotStore(store.root, store.volumes, Vss(RefusesDelete(fake), fake.mount))
    assert refusing.newest("s") == two.taken
    with pytest.raises(SnapshotError, match="access denied"):
        refusing.delete("s", two.id)
    assert_newest_is_listed(refusing, "s")
