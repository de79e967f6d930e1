"""Block-delta replication between two real engines (in-process, real sockets, real files).

Each case asserts on the target's bytes (byte-identical to the source) and on
the source engine's byte counter (what it really sent), never on its beliefs.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from core.engine import blocks
from core.engine.block_index import SUFFIX

from .harness import Server, wait_for
from .test_engine_mirror import SET, protect

MIB = 1 << 20
LEAF = blocks.LEAF


def sent(s) -> int:  # noqa: ANN001
    return s.stats(SET).bytes_sent


def synced(s, src: Server, tgt: Server, name: str, timeout: float = 15.0) -> None:  # noqa: ANN001
    """Wait until the target's copy of ``name`` equals the source's and the queue drained."""
    a, b = src.data / name, tgt.data / name

    def equal() -> bool:
        return (b.exists() and a.read_bytes() == b.read_bytes()
                and s.stats(SET).queued_ops == 0)

    wait_for(equal, timeout, f"{name} byte-identical on the target")


def index(src: Server):  # noqa: ANN201
    assert src.svc is not None
    return src.svc.replicators[SET].index


def patch(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def big_file(src: Server, name: str = "big.bin", size: int = 8 * MIB) -> Path:
    src.data.mkdir(parents=True, exist_ok=True)
    p = src.data / name
    p.write_bytes(random.Random(7).randbytes(size))
    return p


@pytest.mark.parametrize("compression", [0, 3])
def test_a_one_byte_change_sends_one_leaf(pair, compression: int) -> None:
    src, tgt = pair
    p = big_file(src)
    s, _ = protect(src, tgt, "checksum", compression, replicate=True)
    synced(s, src, tgt, "big.bin")
    before = sent(s)
    patch(p, 5 * MIB + 1234, b"\x01")
    synced(s, src, tgt, "big.bin")
    assert 0 < sent(s) - before <= LEAF  # not 8 MiB, not 64 KiB


def test_page_rewrites_send_about_the_changed_bytes(pair) -> None:
    src, tgt = pair
    p = big_file(src)
    s, _ = protect(src, tgt, "full", replicate=True)
    synced(s, src, tgt, "big.bin")
    before = sent(s)
    rnd = random.Random(3)
    pages = rnd.sample(range(p.stat().st_size // 8192), 20)
    with open(p, "r+b") as fh:  # 20 random 8 KiB database pages, one close
        for page in pages:
            fh.seek(page * 8192)
            fh.write(rnd.randbytes(8192))
    synced(s, src, tgt, "big.bin")
    assert sent(s) - before <= 1.5 * 20 * 8192


def test_append_and_truncate_and_grow(pair) -> None:
    src, tgt = pair
    p = big_file(src, size=2 * MIB + 100)  # ends inside a leaf
    s, _ = protect(src, tgt, "checksum", replicate=True)
    synced(s, src, tgt, "big.bin")
    before = sent(s)
    with open(p, "ab") as fh:
        fh.write(os.urandom(100_000))
    synced(s, src, tgt, "big.bin")
    assert 100_000 <= sent(s) - before <= 100_000 + 2 * LEAF
    before = sent(s)
    os.truncate(p, MIB + 77)  # shrink to inside a leaf: that leaf differs
    synced(s, src, tgt, "big.bin")
    assert sent(s) - before <= LEAF
    assert (tgt.data / "big.bin").stat().st_size == MIB + 77
    before = sent(s)
    os.truncate(p, 3 * MIB)  # grow: the new bytes are zeros, and they are sent
    synced(s, src, tgt, "big.bin")
    assert 2 * MIB - 77 <= sent(s) - before <= 2 * MIB + LEAF


def test_rename_then_modify_stays_a_delta(pair) -> None:
    src, tgt = pair
    p = big_file(src)
    (src.data / "dir").mkdir()
    s, _ = protect(src, tgt, "checksum", replicate=True)
    synced(s, src, tgt, "big.bin")
    os.rename(p, src.data / "dir" / "moved.bin")
    synced(s, src, tgt, "dir/moved.bin")
    os.rename(src.data / "dir", src.data / "dir2")  # the directory's entries move too
    synced(s, src, tgt, "dir2/moved.bin")
    wait_for(lambda: "E:\\Shares\\Data\\dir2\\moved.bin" in index(src), 5, "entry moved")
    assert "E:\\Shares\\Data\\big.bin" not in index(src)
    before = sent(s)
    patch(src.data / "dir2" / "moved.bin", 3 * MIB, b"changed")
    synced(s, src, tgt, "dir2/moved.bin")
    assert 0 < sent(s) - before <= 2 * LEAF
    assert not (tgt.data / "big.bin").exists() and not (tgt.data / "dir").exists()


def test_delete_drops_the_entry_and_a_new_file_is_sent_whole(pair) -> None:
    src, tgt = pair
    p = big_file(src)
    s, _ = protect(src, tgt, "checksum", replicate=True)
    synced(s, src, tgt, "big.bin")
    win = "E:\\Shares\\Data\\big.bin"
    assert win in index(src)
    p.unlink()
    wait_for(lambda: not (tgt.data / "big.bin").exists(), 5, "deleted on the target")
    wait_for(lambda: win not in index(src), 5, "entry dropped")
    before = sent(s)
    p.write_bytes(random.Random(8).randbytes(4 * MIB))  # same name, new content
    synced(s, src, tgt, "big.bin")
    assert sent(s) - before >= 4 * MIB  # no entry: whole, which makes one
    wait_for(lambda: win in index(src), 5, "entry made by the whole send")


def test_a_corrupt_entry_means_a_whole_send_never_wrong_data(pair) -> None:
    src, tgt = pair
    p = big_file(src)
    s, _ = protect(src, tgt, "checksum", replicate=True)
    synced(s, src, tgt, "big.bin")
    entries = list(index(src).root.glob("*" + SUFFIX))
    assert len(entries) == 1
    raw = bytearray(entries[0].read_bytes())
    raw[-1] ^= 0xFF  # one digest altered: the entry's check fails
    entries[0].write_bytes(bytes(raw))
    before = sent(s)
    patch(p, MIB, b"x")
    synced(s, src, tgt, "big.bin")
    assert sent(s) - before >= 8 * MIB


def test_the_index_persists_and_a_restart_rebuilds_it_from_facts(pair) -> None:
    src, tgt = pair
    p = big_file(src)
    s, _ = protect(src, tgt, "checksum", replicate=True)
    synced(s, src, tgt, "big.bin")
    root = index(src).root
    src.stop()
    assert len(list(root.glob("*" + SUFFIX))) == 1  # kept on disk over the stop
    # while the source engine is down: a same-size change, and an entry that lies
    # (it claims the target already holds the new content)
    patch(p, 6 * MIB, b"while down")
    from core.engine.block_index import BlockIndex

    lie = BlockIndex(root)
    got = blocks.file_leaves(str(p))
    assert got is not None
    lie.put("E:\\Shares\\Data\\big.bin", got[1], got[0])
    src.start()
    s = src.client()
    synced(s, src, tgt, "big.bin", 20)  # the re-mirror cleared the lie: correct bytes
    wait_for(lambda: s.stats(SET).mirror_status == "complete", 10, "re-mirror")
    before = sent(s)
    patch(p, 2 * MIB, b"\x02")  # the rebuilt entry makes this a delta again
    synced(s, src, tgt, "big.bin")
    assert 0 < sent(s) - before <= LEAF


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_a_missing_or_unreadable_index_after_a_restart_is_rebuilt(pair, damage: str) -> None:
    import shutil

    src, tgt = pair
    p = big_file(src)
    s, _ = protect(src, tgt, "checksum", replicate=True)
    synced(s, src, tgt, "big.bin")
    root = index(src).root
    src.stop()
    if damage == "missing":
        shutil.rmtree(root)
    else:
        for f in root.glob("*" + SUFFIX):
            f.write_bytes(b"\x00garbage")
    patch(p, 7 * MIB, b"while down")
    src.start()
    s = src.client()
    wait_for(lambda: s.stats(SET).mirror_status == "complete"
             and not s.stats(SET).remirror_reason, 20, "re-mirror")
    synced(s, src, tgt, "big.bin")
    before = sent(s)
    patch(p, 4 * MIB, b"\x03")
    synced(s, src, tgt, "big.bin")
    assert 0 < sent(s) - before <= LEAF


def test_a_busy_file_is_sent_while_written_as_deltas(pair) -> None:
    """Kept open and rewritten every 20 ms for 3 s: the target gets copies while the
    writes go on (at least every BUSY_MAX_DELAY), each a delta, not the whole file."""
    src, tgt = pair
    p = big_file(src)
    s, _ = protect(src, tgt, "checksum", replicate=True)
    synced(s, src, tgt, "big.bin")
    before = sent(s)
    target = tgt.data / "big.bin"
    first = target.stat().st_mtime_ns
    rnd = random.Random(5)
    updates: set[int] = set()
    with open(p, "r+b", buffering=0) as fh:
        for _ in range(150):
            fh.seek(rnd.randrange(0, 8 * MIB - 8192))
            fh.write(rnd.randbytes(8192))
            m = target.stat().st_mtime_ns
            if m != first:
                updates.add(m)
            time.sleep(0.02)  # the workload's pace, not a wait for the engine
        assert len(updates) >= 2, "the busy file was not sent while written"
    synced(s, src, tgt, "big.bin")
    written = 150 * 8192
    assert sent(s) - before <= 3 * written  # whole sends would be >= 2 x 8 MiB


def test_an_atomic_save_over_the_file_keeps_deltas_right(pair) -> None:
    """Write a temp file, rename it over the original (how many programs save): the
    original's entry is replaced by the temp file's, and the next change is a delta
    against what the target really holds."""
    src, tgt = pair
    p = big_file(src)
    s, _ = protect(src, tgt, "checksum", replicate=True)
    synced(s, src, tgt, "big.bin")
    original = p.read_bytes()
    saved = bytearray(original)
    saved[100:200] = os.urandom(100)
    tmp = src.data / "big.bin.tmp"
    tmp.write_bytes(bytes(saved))
    synced(s, src, tgt, "big.bin.tmp")
    os.replace(tmp, p)
    synced(s, src, tgt, "big.bin")
    assert not (tgt.data / "big.bin.tmp").exists()
    before = sent(s)
    # back to the original bytes: an entry left from before the save would call this
    # leaf unchanged and leave the saved bytes on the target
    patch(p, 100, original[100:200])
    synced(s, src, tgt, "big.bin")
    assert 0 < sent(s) - before <= LEAF
