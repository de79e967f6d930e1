"""The mirror, source side: make the target's copy of a set equal the source's.

Full sends every file. Checksum compares content: the target lists its copy
with a digest of each file made from its 64 KiB block digests while the
source hashes its own (both at once); a file whose digests match is
skipped, a file the target lacks is sent whole, and for a file that differs
block digests are exchanged and only the differing blocks are sent. Same
size and same modification time prove nothing (a preallocated database file
changes in place and its timestamp may be put back): only the explicit
``quick`` mirror type takes them as equal.

Orphans (target entries of the set the source lacks) are deleted when
``delete_orphans`` is set (a re-mirror, a restore), and in any case for
paths the source is known to have deleted while the channel was down
(``known_deleted``). Orphan deletes are "prunes": a directory goes only once
empty, so what the set's rules exclude inside it stays.
"""

from __future__ import annotations

import asyncio
import os
import threading

from core.engine import blocks, delta
from core.engine.batch import FileBatch
from core.engine.block_index import MIN_SIZE, BlockIndex
from core.engine.channel import Channel
from core.engine.counters import Counters
from core.engine.rules import RuleMatcher
from core.engine.scan import Entry, scan, scan_dir
from core.engine.volumes import VolumeMap
from core.model.rules import Rule


def _under_any(path: str, prefixes: set[str]) -> bool:
    return path in prefixes or any(path.startswith(p.rstrip("\\") + "\\") for p in prefixes)


async def run_mirror(
    ch: Channel, rules: list[Rule], volumes: VolumeMap, mirror_type: str,
    delete_orphans: bool, counters: Counters, known_deleted: set[str] | None = None,
    *, index: BlockIndex,
) -> None:
    """Mirror the set over ``ch``; returns when the target confirmed the end.

    ``index`` is cleared first and rebuilt from what the mirror establishes (see
    :mod:`core.engine.delta`): a file whose digest equals the target's keeps the
    leaf digests hashed here; a file sent gets the digests of what was sent."""
    index.clear()
    known_deleted = known_deleted or set()
    matcher = RuleMatcher(rules)
    entries = await asyncio.to_thread(lambda: list(scan(matcher, volumes)))
    counters.mirror_total = sum(e.size for e in entries if not e.is_dir)
    counters.mirror_done = 0
    counters.mirror_bound = mirror_type != "full"
    await ch.send({"op": "begin", "rules": [r.to_dict() for r in rules]})
    await ch.reply()
    target: dict[str, tuple[bool, int, int, str]] = {}
    mine: dict[str, str] = {}
    if mirror_type == "checksum":
        # both sides hash at once: the target its copy, this engine the source; once
        # the listing is in, only files the target holds at the same size still need it
        stop = threading.Event()
        files = [e for e in entries if not e.is_dir]
        hashing = asyncio.create_task(asyncio.to_thread(_digests, files, mine, stop, index,
                                                           index.generation))
        try:
            target = await ch.listing_digests()
        except BaseException:
            stop.set()  # the thread ends after its current file; nobody waits for it
            hashing.add_done_callback(lambda t: t.cancelled() or t.exception())
            raise
        stop.set()
        await hashing
        rest = [e for e in files if e.win not in mine and _same_size(target.get(e.win), e)]
        await asyncio.to_thread(_digests, rest, mine, threading.Event(), index,
                                index.generation)
    elif mirror_type == "quick" or delete_orphans or known_deleted:
        target = await ch.listing_digests(False)
    have = {e.win for e in entries}
    orphans = [
        p for p in target
        if p not in have and (delete_orphans or _under_any(p, known_deleted))
    ]
    for p in sorted(orphans, reverse=True):  # children before their directory
        await ch.send({"op": "delete", "path": p, "orphan": True})
    batch = FileBatch(ch, index)
    for e in entries:
        t = target.get(e.win)
        whole = not e.is_dir and (mirror_type == "full" or t is None or t[0])
        if whole and batch.fits(e.size):
            await batch.add(e.win, e.local, e.size)
            counters.mirror_done += e.size
            continue
        if e.is_dir:  # a mirror's paths are distinct: its batch need not go first
            if t is None or not t[0]:
                await ch.send({"op": "mkdir", "path": e.win})
            continue
        await batch.flush()  # what was collected goes first: order holds
        if whole or t is None:  # (t is None only when whole)
            await delta.send_whole(ch, index, e.win, e.local, ack=False)
        elif mirror_type == "quick":
            if (t[1], t[2]) != (e.size, e.mtime_ns):
                await delta.send_checksum(ch, index, e)
        elif not mine.get(e.win) or mine[e.win] != t[3]:
            await delta.send_checksum(ch, index, e)
        elif t[2] != e.mtime_ns:  # same content: the copy takes the source's time
            await ch.send({"op": "settle", "path": e.win, "size": e.size,
                           "mtime_ns": e.mtime_ns})
        counters.mirror_done += e.size
    await batch.flush()
    await ch.send({"op": "mirror_end"})
    await ch.reply()


def _digests(files: list[Entry], out: dict[str, str], stop: threading.Event,
             index: BlockIndex, generation: int) -> None:
    """Each file's digest; a large file's leaf digests go to ``index`` at once (kept
    only if the target's digest is the same: otherwise its send replaces them); a
    thread outliving its failed mirror puts nothing into the next one's index."""
    for e in files:
        if stop.is_set():
            return
        got = blocks.file_leaves(e.local)
        out[e.win] = blocks.digest_of(*got) if got else ""
        if got and got[1] >= MIN_SIZE:
            index.put(e.win, got[1], got[0], generation)


def _same_size(t: tuple[bool, int, int, str] | None, e: Entry) -> bool:
    return t is not None and not t[0] and t[1] == e.size


async def send_tree(ch: Channel, matcher: RuleMatcher, win: str, local: str,
                    index: BlockIndex) -> None:
    """Send a directory (or file) that appeared in the set, with all it holds
    (what ``index`` held below ``win`` is replaced by the digests of what was sent)."""
    index.drop(win)
    if os.path.isdir(local) and not os.path.islink(local):
        if matcher.includes(win):
            await ch.send({"op": "mkdir", "path": win})
        entries = await asyncio.to_thread(lambda: list(scan_dir(matcher, local, win)))
        batch = FileBatch(ch, index)
        for e in entries:
            if e.is_dir:  # the tree's paths are distinct: its batch need not go first
                await ch.send({"op": "mkdir", "path": e.win})
            elif batch.fits(e.size):
                await batch.add(e.win, e.local, e.size)
            else:
                await batch.flush()  # what was collected goes first: order holds
                await delta.send_whole(ch, index, e.win, e.local, ack=False)
        await batch.flush()
    elif matcher.includes(win):
        await delta.send_whole(ch, index, win, local, ack=False)
    await ch.ack()
