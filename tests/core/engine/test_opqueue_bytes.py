"""The queue's figures for status: bytes still to send and since when it waits."""

from __future__ import annotations

from core.engine.opqueue import OpQueue


def _state(q: OpQueue) -> tuple[int, float | None, int]:
    """Bytes queued, since when, ops queued."""
    return q.bytes, q.since, len(q)


def test_bytes_and_since_follow_push_pop_and_spill(tmp_path) -> None:
    t = [100.0]
    q = OpQueue(tmp_path / "q.spill", mem_limit=2, now=lambda: t[0])
    assert (q.bytes, q.since) == (0, None)
    q.push({"kind": "write", "path": "a", "size": 10})
    t[0] = 105.0
    q.push({"kind": "mkdir", "path": "d"})
    q.push({"kind": "write", "path": "b", "size": 300})  # spilled to disk
    q.push({"kind": "write", "path": "c", "size": 5})
    assert q.spilled == 2 and q.bytes == 315 and q.since == 100.0  # since the FIRST op
    q.pop()
    assert q.bytes == 305
    while q.head() is not None:
        q.pop()
    assert _state(q) == (0, None, 0)
    q.close()


def test_a_write_merged_into_the_tail_keeps_the_newest_size(tmp_path) -> None:
    q = OpQueue(tmp_path / "q.spill", now=lambda: 1.0)
    q.push({"kind": "write", "path": "head", "size": 1})
    q.push({"kind": "write", "path": "grow", "size": 10})
    q.push({"kind": "write", "path": "grow", "size": 4000})  # merged: sent once, at 4000
    assert len(q) == 2 and q.bytes == 4001
    q.close()


def test_a_delta_is_a_bound_until_known(tmp_path) -> None:
    """A write of a file the target holds digests of: its whole size is only a bound
    until hashed; then the delta's bytes replace it (merges and pops keep both sums)."""
    q = OpQueue(tmp_path / "q.spill", now=lambda: 1.0)
    q.push({"kind": "write", "path": "new", "size": 100})  # sent whole: exact
    q.push({"kind": "write", "path": "db", "size": 8000, "upto": True})
    assert (q.bytes, q.upto) == (8100, 8000)
    q.push({"kind": "write", "path": "db", "size": 9000, "upto": True})  # merged, grew
    assert (q.bytes, q.upto, len(q)) == (9100, 9000, 2)
    q.pop()
    head = q.head()
    assert head is not None and head["path"] == "db"
    q.known(head, 4096)  # hashed: one leaf differs
    assert (q.bytes, q.upto) == (4096, 0)
    q.push({"kind": "write", "path": "db", "size": 9000, "upto": True})  # head is sent
    assert (q.bytes, q.upto, len(q)) == (13096, 9000, 2)
    q.pop()
    q.pop()
    assert (q.bytes, q.upto) == (0, 0)
    q.close()


def test_what_a_checksum_mirror_has_left_is_a_bound() -> None:
    """A Full mirror sends every byte it has left; a checksum (or quick) mirror only what
    differs, so its remainder is reported as an upper bound, with the queue's bound."""
    from core.engine.clock import FakeClock
    from core.engine.counters import Counters

    c = Counters(FakeClock(0.0))
    c.mirror_status, c.mirror_total, c.mirror_done = "mirroring", 10_000, 4_000
    st = c.stats(2, 500, 0.0, None, 300)
    assert (st.bytes_remaining, st.bytes_remaining_upto, st.queued_bytes_upto) == (6_500, 300, 300)
    c.mirror_bound = True
    st = c.stats(2, 500, 0.0, None, 300)
    assert (st.bytes_remaining, st.bytes_remaining_upto) == (6_500, 6_300)
    c.mirror_status = "complete"  # nothing left of the mirror: only the queue's bound
    assert c.stats(2, 500, 0.0, None, 300).bytes_remaining_upto == 300
