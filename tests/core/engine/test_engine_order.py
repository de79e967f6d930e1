"""One sequence per replication set, between two in-process engines on 127.0.70.x.

The target records the sequence numbers and operations it applies: they run
1, 2, 3 … without a gap, in the order the source detected the changes. A
number the source skips (a lost operation) is refused by the target, and the
source re-mirrors: the reason is logged, and the re-mirror deletes an orphan
that only a re-mirror removes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from core.engine.channel import Channel
from core.engine.receiver import Receiver

from .harness import Server, free_port, wait_for
from .test_engine_restart_safety import converge, populate, protect

NET = "127.0.70"
PORT = free_port(NET)


@pytest.fixture
def pair(tmp_path: Path):
    src = Server(tmp_path / "FS01", f"{NET}.1", port=PORT).start()
    tgt = Server(tmp_path / "FS02", f"{NET}.2", port=PORT).start()
    yield src, tgt
    src.stop()
    tgt.stop()


@pytest.fixture
def applied(monkeypatch) -> list[tuple[int, str, str]]:
    """(seq, op, path) of every change the target took, in the order it took them."""
    seen: list[tuple[int, str, str]] = []
    in_turn = Receiver._in_turn

    def record(self: Receiver, h: dict[str, Any]) -> None:
        in_turn(self, h)
        seen.append((h["seq"], h["op"], str(h.get("path"))))

    monkeypatch.setattr(Receiver, "_in_turn", record)
    return seen


def test_changes_arrive_numbered_in_the_order_they_were_detected(pair, applied) -> None:
    src, tgt = pair
    populate(src.data)
    s, _ = protect(src, tgt)
    converge(s, src, tgt)
    first = len(applied)
    (src.data / "n1.txt").write_bytes(b"one")
    wait_for(lambda: (tgt.data / "n1.txt").exists(), 10, "n1 replicated")
    os.rename(src.data / "n1.txt", src.data / "n2.txt")
    wait_for(lambda: (tgt.data / "n2.txt").exists(), 10, "rename replicated")
    (src.data / "sub" / "f1.bin").unlink()
    wait_for(lambda: not (tgt.data / "sub" / "f1.bin").exists(), 10, "delete replicated")
    converge(s, src, tgt)
    seqs = [a[0] for a in applied]
    assert seqs == list(range(1, len(seqs) + 1))  # one sequence, no gap, no reordering
    later = [(op, path.rsplit("\\", 1)[-1]) for _, op, path in applied[first:]]
    assert later == [("file", "n1.txt"), ("rename", "n1.txt"), ("delete", "f1.bin")]


def test_a_gap_in_the_sequence_forces_a_remirror(pair, applied, monkeypatch, caplog) -> None:
    src, tgt = pair
    populate(src.data)
    s, _ = protect(src, tgt)
    converge(s, src, tgt)
    orphan = tgt.data / "orphan.txt"  # only a re-mirror (orphans deleted) removes it
    orphan.write_bytes(b"not on the source")
    stamp, lose = Channel.stamp, [True]

    def lose_one(self: Channel, header: dict[str, Any]) -> dict[str, Any]:
        out = stamp(self, header)
        if "seq" in out and lose and lose.pop():  # this operation's number is skipped
            self.sent_seq += 1
            out = {**out, "seq": self.sent_seq}
        return out

    monkeypatch.setattr(Channel, "stamp", lose_one)
    caplog.set_level(logging.WARNING)
    (src.data / "after.txt").write_bytes(b"sent with a gap before it")
    wait_for(lambda: not orphan.exists(), 20, "the re-mirror")
    wait_for(lambda: (tgt.data / "after.txt").exists(), 10, "after.txt replicated")
    converge(s, src, tgt)
    said = "\n".join(r.getMessage() for r in caplog.records)
    assert "re-mirror required: the target saw operations out of order" in said
    assert "arrived when" in said and "(a gap in the replication order)" in said
    assert not lose  # the gap was made


def test_several_operations_fly_at_once_and_land_in_order(pair, applied, monkeypatch) -> None:
    """Issue 9: one ack at a time capped replication at one op per round trip. Ops go
    out while earlier ones await their acks (up to a window), still numbered in
    order; a write and then a delete of the same path land in that order."""
    src, tgt = pair
    populate(src.data)
    s, _ = protect(src, tgt)
    converge(s, src, tgt)
    unacked: list[int] = []
    acked = Channel.acked

    async def counting(self: Channel, number: int) -> dict[str, Any]:
        unacked.append(self.last_ack - number + 1)  # this one and those sent after it
        return await acked(self, number)

    monkeypatch.setattr(Channel, "acked", counting)
    first = len(applied)
    for i in range(40):
        (src.data / "sub" / f"w{i:02d}.txt").write_bytes(os.urandom(100 + i))
    (src.data / "late.txt").write_bytes(b"short-lived")
    wait_for(lambda: (tgt.data / "late.txt").exists(), 10, "the write replicated")
    (src.data / "late.txt").unlink()
    (src.data / "sub" / "f1.bin").unlink()
    # (a polling watcher sees the deletes up to a second later: converge would see
    # "complete" with nothing queued yet while the trees differ)
    wait_for(lambda: not (tgt.data / "late.txt").exists()
             and not (tgt.data / "sub" / "f1.bin").exists(), 10, "the deletes replicated")
    converge(s, src, tgt)
    assert max(unacked) > 1, unacked
    seqs = [seq for seq, _, _ in applied[first:]]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    ops = [(op, path) for _, op, path in applied[first:]]
    late = "E:\\Shares\\Data\\late.txt"
    assert ops.index(("file", late)) < ops.index(("delete", late))
