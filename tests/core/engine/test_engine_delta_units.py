"""Block-delta's parts: two-level runs, hashing what is sent, the persisted index."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from core.engine import blocks
from core.engine.block_index import FORMAT, SUFFIX, BlockIndex
from core.engine.delta import HashingReader

LEAF, BLOCK = blocks.LEAF, blocks.BLOCK


def leaves(data: bytes) -> bytes:
    return blocks.leaf_sums(data)


def test_leaf_runs_find_the_changed_leaves_inside_a_block() -> None:
    data = bytearray(os.urandom(BLOCK * 4 + 100))
    old = leaves(bytes(data))
    data[BLOCK + 5] ^= 1  # leaf 16
    data[BLOCK + 3 * LEAF] ^= 1  # leaf 19
    data[-1] ^= 1  # the partial last leaf
    runs = blocks.differing_leaf_runs(leaves(bytes(data)), old, len(data))
    assert runs == [(BLOCK, LEAF), (BLOCK + 3 * LEAF, LEAF), (BLOCK * 4, 100)]
    # adjacent leaves merge; growth past the old end differs
    grown = bytes(data) + os.urandom(LEAF * 2)
    runs = blocks.differing_leaf_runs(leaves(grown), leaves(bytes(data)), len(grown))
    assert runs == [(BLOCK * 4, 100 + 2 * LEAF)]


def test_block_sums_are_made_of_leaf_sums(tmp_path: Path) -> None:
    data = os.urandom(BLOCK * 2 + 10)
    p = tmp_path / "f"
    p.write_bytes(data)
    assert blocks.file_sums(str(p)) == blocks.block_sums(leaves(data))
    assert blocks.file_digest(str(p)) == blocks.digest_of(leaves(data), len(data))


def test_the_hashing_reader_hashes_what_it_returns_even_when_the_file_shrank() -> None:
    data = os.urandom(3 * LEAF + 7)
    r = HashingReader(io.BytesIO(data[:LEAF + 1]), len(data))  # shrank before the read
    got = r.read(1000) + r.read(-1)
    assert got == data[:LEAF + 1] + bytes(len(data) - LEAF - 1)
    assert r.leaves() == leaves(got)


def test_the_index_round_trips_and_moves(tmp_path: Path) -> None:
    idx = BlockIndex(tmp_path / "set")
    a = os.urandom(5 * LEAF)
    idx.put("E:\\D\\a.bin", 5 * LEAF, leaves(a))
    idx.put("E:\\D\\sub\\b.bin", LEAF - 1, leaves(a[: LEAF - 1]))
    again = BlockIndex(tmp_path / "set")  # as after a restart
    assert len(again) == 2
    entry = again.get("E:\\D\\a.bin")
    assert entry is not None and entry.size == 5 * LEAF and entry.leaves == leaves(a)
    moved = again.take("E:\\D\\sub")
    again.place(moved, "E:\\D\\sub", "E:\\D\\new")
    assert "E:\\D\\sub\\b.bin" not in again and again.get("E:\\D\\new\\b.bin") is not None
    again.drop("E:\\D")
    assert len(again) == 0 and not list((tmp_path / "set").glob("*" + SUFFIX))


def test_a_corrupt_or_foreign_entry_is_never_trusted(tmp_path: Path) -> None:
    idx = BlockIndex(tmp_path / "set")
    idx.put("E:\\a", 2 * LEAF, leaves(os.urandom(2 * LEAF)))
    idx.put("E:\\b", 2 * LEAF, leaves(os.urandom(2 * LEAF)))
    idx.put("E:\\c", 2 * LEAF, leaves(os.urandom(2 * LEAF)))
    files = {BlockIndex._name(p): p for p in ("E:\\a", "E:\\b", "E:\\c")}
    for name, win in files.items():
        f = tmp_path / "set" / name
        raw = f.read_bytes()
        head, _, body = raw.partition(b"\n")
        if win == "E:\\a":  # a digest flipped
            f.write_bytes(head + b"\n" + bytes([body[0] ^ 1]) + body[1:])
        elif win == "E:\\b":  # a newer format this engine does not know
            h = json.loads(head)
            h["format"] = FORMAT + 1
            f.write_bytes(json.dumps(h).encode() + b"\n" + body)
        else:
            f.write_bytes(b"garbage")
    assert idx.get("E:\\a") is None and idx.get("E:\\b") is None and idx.get("E:\\c") is None
    again = BlockIndex(tmp_path / "set")  # unreadable headers are dropped at load
    assert "E:\\b" not in again and "E:\\c" not in again and again.get("E:\\a") is None


def test_a_put_of_a_cleared_generation_is_ignored(tmp_path: Path) -> None:
    """A mirror's hashing thread that outlives its failed mirror must not put a
    candidate into the next mirror's index."""
    idx = BlockIndex(tmp_path / "set")
    gen = idx.generation
    idx.clear()  # the next mirror starts
    idx.put("E:\\late", LEAF, leaves(os.urandom(LEAF)), gen)
    assert "E:\\late" not in idx and idx.get("E:\\late") is None
    idx.put("E:\\now", LEAF, leaves(os.urandom(LEAF)), idx.generation)
    assert "E:\\now" in idx
