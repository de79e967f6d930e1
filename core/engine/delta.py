"""Block-delta replication of a modified file (source side).

A file the target holds an entry for (:mod:`core.engine.block_index`) is
hashed here (4 KiB leaves, a worker thread) and compared with that entry in
two levels (64 KiB blocks, then the 4 KiB leaves inside those that differ);
only the differing leaves go out, as ``block`` frames, then a ``settle``
that truncates or extends the copy to the size hashed and gives it the
source's time. The entry is then replaced by the digests of exactly what
the target holds: the leaves that were equal, and the digests of the bytes
sent (hashed as read, so a file changing meanwhile never leaves a wrong
entry: its next change is compared with what was really sent).

A file without an entry (new, small, or its entry lost or corrupt) is sent
whole, as before, and hashed while it is read: that creates its entry.

Everything that could make the target differ from an entry without the
source knowing (a broken channel, a restart) goes through a re-mirror, and
every mirror clears the index first and rebuilds it from facts.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import BinaryIO

from core.engine import blocks
from core.engine.block_index import MIN_SIZE, BlockIndex
from core.engine.channel import Channel
from core.engine.scan import Entry
from core.engine.tasks import cancel_and_wait


class HashingReader:
    """Reads the first ``size`` bytes of ``fh`` for sending and hashes exactly what it
    returns: a file that shrank meanwhile reads as zeros (what the target gets)."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        self.size = size
        self._left = size
        self._eof = False
        self._leaves = bytearray()
        self._rest = b""  # bytes of a leaf not complete yet

    def read(self, n: int = -1) -> bytes:
        n = self._left if n < 0 else min(n, self._left)
        data = b"" if self._eof else self.fh.read(n)
        if len(data) < n:
            self._eof = True
            data += bytes(n - len(data))
        self._left -= n
        buf = self._rest + data if self._rest else data
        whole = len(buf) - len(buf) % blocks.LEAF
        self._leaves += blocks.leaf_sums(memoryview(buf)[:whole])
        self._rest = bytes(buf[whole:])
        return data

    def leaves(self) -> bytes:
        """The leaf digests of everything returned (all ``size`` bytes must have been)."""
        if self._left:
            raise ValueError("the file was not read to its end")
        return bytes(self._leaves) + (blocks.leaf_sums(self._rest) if self._rest else b"")


#: an op sent and not yet acknowledged: its ack number (None: nothing was sent) and
#: what to do once it is acknowledged (the block index trusts only acked content)
Posted = tuple[int | None, Callable[[], Awaitable[None]] | None]


async def send_whole(ch: Channel, index: BlockIndex, win: str, local: str,
                     ack: bool = True) -> bool:
    """Send ``local`` whole; a file large enough gets its entry from the bytes sent.
    False when it no longer exists (nothing was sent)."""
    posted = await post_whole(ch, index, win, local, ack)
    if posted is None:
        return False
    await landed(ch, posted)
    return True


async def post_whole(ch: Channel, index: BlockIndex, win: str, local: str,
                     ack: bool = True) -> Posted | None:
    """:func:`send_whole` without waiting for the ack: see :func:`landed`."""
    index.drop(win)
    reader: list[HashingReader] = []

    def wrap(fh: BinaryIO, size: int) -> BinaryIO | HashingReader:
        if size < MIN_SIZE:
            return fh
        reader.append(HashingReader(fh, size))
        return reader[0]

    if not await ch.send_file(win, local, ack=ack, wrap=wrap, wait=False):
        return None

    async def put() -> None:  # trusted once acked, or (in a mirror) once it completed
        await asyncio.to_thread(index.put, win, reader[0].size, reader[0].leaves())

    return (ch.last_ack if ack else None), (put if reader else None)


async def landed(ch: Channel, posted: Posted) -> None:
    """Wait for a posted op's ack (the oldest unacked: acks come in order), then
    record what it established."""
    number, after = posted
    if number is not None:
        await ch.acked(number)
    if after is not None:
        await after()


async def send_write(ch: Channel, index: BlockIndex, win: str, local: str) -> bool:
    """Send a modified file: only the leaves that differ from its entry, or whole.
    False when it no longer exists."""
    posted = await post_write(ch, index, win, local)
    if posted is None:
        return False
    await landed(ch, posted)
    return True


async def post_write(ch: Channel, index: BlockIndex, win: str, local: str,
                     on_known: Callable[[int], None] | None = None) -> Posted | None:
    """:func:`send_write` without waiting for the ack (see :func:`landed`); None when
    the file no longer exists. ``on_known`` hears the bytes a delta sends once the
    file is hashed (before they go)."""
    entry = await asyncio.to_thread(index.get, win) if win in index else None
    if entry is None:
        return await post_whole(ch, index, win, local)
    try:
        fh = open(local, "rb")  # noqa: SIM115 - closed below; reads see one file throughout
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        index.drop(win)
        return None
    try:
        # the time before the hashing: a write meanwhile leaves the copy looking older
        # than the source (the quick mirror resends it), never newer than its content
        mtime = os.fstat(fh.fileno()).st_mtime_ns
        leaves, size = await asyncio.to_thread(leaves_of, fh)
        if size < MIN_SIZE:  # shrunk to a small file: whole, without entry
            fh.close()
            return await post_whole(ch, index, win, local)
        runs = blocks.differing_leaf_runs(leaves, entry.leaves, size)
        if on_known is not None:
            on_known(sum(length for _, length in runs))
        index.drop(win)  # until the target acknowledged, its copy is in between
        new = bytearray(leaves)
        for off, length in runs:
            await send_run(ch, win, fh, off, length, new)
    finally:
        fh.close()
    number = await ch.post({"op": "settle", "path": win, "size": size, "mtime_ns": mtime})

    async def put() -> None:
        await asyncio.to_thread(index.put, win, size, bytes(new))

    return number, put


async def send_checksum(ch: Channel, index: BlockIndex, e: Entry) -> None:
    """The checksum mirror's send of a file that differs: only the blocks whose
    digests differ from the target's; its entry is made of the facts (the target's
    equal blocks, the bytes sent)."""
    await ch.send({"op": "sums", "path": e.win, "block": blocks.BLOCK})
    mine = asyncio.create_task(asyncio.to_thread(_open_leaves, e.local))
    try:
        _, theirs = await ch.reply()
    except BaseException:  # broken channel or the engine stopping: the sums are not needed
        await cancel_and_wait([mine], f"hashing {e.local}")
        raise
    got = await mine
    if got is None:
        index.drop(e.win)
        return  # deleted meanwhile: the queued delete follows
    fh, mtime, leaves, size = got
    try:
        new = bytearray(leaves)
        for off, length in blocks.differing_runs(blocks.block_sums(leaves), theirs, size):
            await send_run(ch, e.win, fh, off, length, new)
    finally:
        fh.close()
    await ch.send({"op": "settle", "path": e.win, "size": size, "mtime_ns": mtime})
    if size >= MIN_SIZE:  # trusted once the mirror completed (a failed one is redone)
        await asyncio.to_thread(index.put, e.win, size, bytes(new))
    else:
        index.drop(e.win)


async def send_run(ch: Channel, win: str, fh: BinaryIO, off: int, length: int,
                   leaves: bytearray) -> None:
    """Send ``length`` bytes at ``off`` as one block frame; ``leaves`` gets their digests."""
    data, sums = await asyncio.to_thread(_read_hashed, fh, off, length)
    at = off // blocks.LEAF * blocks.LEAF_DIGEST
    leaves[at : at + len(sums)] = sums
    await ch.send_data({"op": "block", "path": win, "offset": off}, data)


def _open_leaves(local: str) -> tuple[BinaryIO, int, bytes, int] | None:
    """(open file, its mtime before hashing, leaf digests, bytes hashed)."""
    try:
        fh = open(local, "rb")  # noqa: SIM115 - the caller closes it
    except OSError:
        return None
    try:
        return (fh, os.fstat(fh.fileno()).st_mtime_ns, *leaves_of(fh))
    except BaseException:
        fh.close()
        raise


def leaves_of(fh: BinaryIO) -> tuple[bytes, int]:
    fh.seek(0)
    out = bytearray()
    size = 0
    while data := fh.read(blocks.READ):
        size += len(data)
        out += blocks.leaf_sums(data)
    return bytes(out), size


def _read_hashed(fh: BinaryIO, off: int, length: int) -> tuple[bytes, bytes]:
    """``length`` bytes at ``off`` (zeros past a shrunk end: what the target gets)
    and their leaf digests."""
    fh.seek(off)
    data = fh.read(length)
    if len(data) < length:
        data += bytes(length - len(data))
    return data, blocks.leaf_sums(data)
