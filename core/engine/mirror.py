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

from core.engine import blocks
from core.engine.channel import Channel
from core.engine.counters import Counters
from core.engine.rules import RuleMatcher
from core.engine.scan import Entry, scan, scan_dir
from core.engine.tasks import cancel_and_wait
from core.engine.volumes import VolumeMap
from core.model.rules import Rule


def _under_any(path: str, prefixes: set[str]) -> bool:
    return path in prefixes or any(path.startswith(p.rstrip("\\") + "\\") for p in prefixes)


async def run_mirror(
    ch: Channel, rules: list[Rule], volumes: VolumeMap, mirror_type: str,
    delete_orphans: bool, counters: Counters, known_deleted: set[str] | None = None,
) -> None:
    """Mirror the set over ``ch``; returns when the target confirmed the end."""
    known_deleted = known_deleted or set()
    matcher = RuleMatcher(rules)
    entries = await asyncio.to_thread(lambda: list(scan(matcher, volumes)))
    counters.mirror_total = sum(e.size for e in entries if not e.is_dir)
    counters.mirror_done = 0
    await ch.send({"op": "begin", "rules": [r.to_dict() for r in rules]})
    await ch.reply()
    target: dict[str, tuple[bool, int, int, str]] = {}
    mine: dict[str, str] = {}
    if mirror_type == "checksum":
        # both sides hash at once: the target its copy, this engine the source; once
        # the listing is in, only files the target holds at the same size still need it
        stop = threading.Event()
        files = [e for e in entries if not e.is_dir]
        hashing = asyncio.create_task(asyncio.to_thread(_digests, files, mine, stop))
        try:
            target = await ch.listing_digests()
        except BaseException:
            stop.set()  # the thread ends after its current file; nobody waits for it
            hashing.add_done_callback(lambda t: t.cancelled() or t.exception())
            raise
        stop.set()
        await hashing
        rest = [e for e in files if e.win not in mine and _same_size(target.get(e.win), e)]
        await asyncio.to_thread(_digests, rest, mine, threading.Event())
    elif mirror_type == "quick" or delete_orphans or known_deleted:
        target = await ch.listing_digests(False)
    have = {e.win for e in entries}
    orphans = [
        p for p in target
        if p not in have and (delete_orphans or _under_any(p, known_deleted))
    ]
    for p in sorted(orphans, reverse=True):  # children before their directory
        await ch.send({"op": "delete", "path": p, "orphan": True})
    for e in entries:
        t = target.get(e.win)
        if e.is_dir:
            if t is None or not t[0]:
                await ch.send({"op": "mkdir", "path": e.win})
        elif mirror_type == "full" or t is None or t[0]:
            await ch.send_file(e.win, e.local)
        elif mirror_type == "quick":
            if (t[1], t[2]) != (e.size, e.mtime_ns):
                await checksum_file(ch, e)
        elif not mine.get(e.win) or mine[e.win] != t[3]:
            await checksum_file(ch, e)
        elif t[2] != e.mtime_ns:  # same content: the copy takes the source's time
            await ch.send({"op": "settle", "path": e.win, "size": e.size,
                           "mtime_ns": e.mtime_ns})
        counters.mirror_done += e.size
    await ch.send({"op": "mirror_end"})
    await ch.reply()


def _digests(files: list[Entry], out: dict[str, str], stop: threading.Event) -> None:
    for e in files:
        if stop.is_set():
            return
        out[e.win] = blocks.file_digest(e.local)


def _same_size(t: tuple[bool, int, int, str] | None, e: Entry) -> bool:
    return t is not None and not t[0] and t[1] == e.size


async def checksum_file(ch: Channel, e: Entry) -> None:
    """Send only the blocks of ``e`` that differ from the target's copy."""
    await ch.send({"op": "sums", "path": e.win, "block": blocks.BLOCK})
    mine = asyncio.create_task(asyncio.to_thread(blocks.file_sums, e.local))
    try:
        _, theirs = await ch.reply()
    except BaseException:  # broken channel or the engine stopping: the sums are not needed
        await cancel_and_wait([mine], f"hashing {e.local}")
        raise
    src = await mine
    try:
        size = os.stat(e.local).st_size
        mtime = os.stat(e.local).st_mtime_ns
    except FileNotFoundError:
        return  # deleted meanwhile: the queued delete follows
    runs = blocks.differing_runs(src, theirs, size)
    for off, length in runs:
        data = await asyncio.to_thread(blocks.read_at, e.local, off, length)
        await ch.send_data({"op": "block", "path": e.win, "offset": off}, data)
    await ch.send({"op": "settle", "path": e.win, "size": size, "mtime_ns": mtime})


async def send_tree(ch: Channel, matcher: RuleMatcher, win: str, local: str) -> None:
    """Send a directory (or file) that appeared in the set, with all it holds."""
    if os.path.isdir(local) and not os.path.islink(local):
        if matcher.includes(win):
            await ch.send({"op": "mkdir", "path": win})
        entries = await asyncio.to_thread(lambda: list(scan_dir(matcher, local, win)))
        for e in entries:
            if e.is_dir:
                await ch.send({"op": "mkdir", "path": e.win})
            else:
                await ch.send_file(e.win, e.local)
    elif matcher.includes(win):
        await ch.send_file(win, local)
    await ch.ack()
