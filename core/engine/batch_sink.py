"""Small files in batches, target side: staged, synced, then published.

A batch (:mod:`core.engine.batch`) is written in two steps. *Staging* writes
every file to a temporary name (``TMP_PREFIX``) with its data and time.
*Publishing* waits until the data of all of them is on disk (one ``syncfs``
per file system on Linux, else one sync per file: :meth:`Durability.sync_batch`)
and only then renames each into place, in order. No file is ever visible
under its real name before its data is on disk; a failure at any point
removes the temporary files of what was not published.

:class:`BatchSink` overlaps the data sync of one batch with the staging of
the next (measured on the 20,000 × 4 KiB mirror: the sync was a fifth of the
disk thread's time, during which it created no file). The sync runs in a
helper thread; everything else runs on the receiver's disk thread
(:class:`core.engine.fsworker.FsWorker`), which calls :meth:`BatchSink.settle`
before any other job, so a batch is published before any later operation,
any commit round an ack or a reply waits for, and hence any ack: order and
"an ack means on disk" hold. (A round nobody waits for leaves it staged:
:mod:`core.engine.group_commit`.)

A mirror's batch (``direct``) skips both steps for the files the target lacks:
each is created under its final name (``O_EXCL``, so nothing that exists is
ever touched) and its file system is synced by the next commit round, which
the mirror's end waits for. Nothing is replaced, so there is no good copy to
lose: a crash mid-mirror can leave a new file short, and every restart goes
through a checksum re-mirror, which compares content and sends it again
(README, "Engine restart policy"). A file that exists takes the staged way.
Measured on the 20,000 × 4 KiB mirror: the renames were a quarter of the disk
thread's time, and waiting for each batch's sync before the next one's renames
stalled it for a further fifth.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from core.engine.durability import Durability
from core.engine.fsops import make_room
from core.engine.scan import TMP_PREFIX

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_UTIME_FD = os.utime in os.supports_fd


@dataclass
class Staged:
    """A staged batch: its temporary files (open descriptors until synced)."""
    fds: list[tuple[int, str]] = field(default_factory=list)  # descriptor, temp name
    moves: list[tuple[str, str]] = field(default_factory=list)  # temp name, final name
    published: int = 0  # how many of ``moves`` are renamed into place


def stage(files: list[tuple[str, int, int]], data: bytes | memoryview,
          dur: Durability) -> Staged:
    """Write each file (``(local, size, mtime_ns)``, the bytes one after the other in
    ``data``) to a temporary name next to it; on failure nothing stays behind."""
    view = memoryview(data)
    token = secrets.token_hex(4)  # one per batch: the index tells its files apart
    out = Staged()
    last_parent = None
    try:
        at = 0
        for n, (local, size, mtime_ns) in enumerate(files):
            parent, base = os.path.split(local)
            if parent != last_parent:
                dur.makedirs(parent)
                last_parent = parent
            tmp = os.path.join(parent, f"{TMP_PREFIX}{token}{n:x}.{base}")
            fd = _open_new(tmp, parent, dur)
            out.fds.append((fd, tmp))
            out.moves.append((tmp, local))
            part = view[at : at + size]
            at += size
            while part:
                part = part[os.write(fd, part):]
            os.utime(fd if _UTIME_FD else tmp, ns=(mtime_ns, mtime_ns))
    except BaseException:
        discard(out)
        raise
    return out


def write_direct(files: list[tuple[str, int, int]], data: bytes | memoryview,
                 dur: Durability) -> tuple[list[tuple[str, int, int]], bytes]:
    """Create each file that does not exist under its final name; returns the files
    that exist (and their bytes), for the staged way. A failure removes the file it
    was writing; the ones written before stay, whole."""
    view = memoryview(data)
    rest: list[tuple[str, int, int]] = []
    rest_data: list[memoryview] = []
    last_parent = None
    at = 0
    for local, size, mtime_ns in files:
        part = view[at : at + size]
        at += size
        parent = os.path.dirname(local)
        if parent != last_parent:
            dur.makedirs(parent)
            dur.batch_written(parent)
            last_parent = parent
        try:
            fd = _open_new(local, parent, dur)
        except FileExistsError:  # something is there: replaced the staged way
            rest.append((local, size, mtime_ns))
            rest_data.append(part)
            continue
        try:
            while part:
                part = part[os.write(fd, part):]
            os.utime(fd if _UTIME_FD else local, ns=(mtime_ns, mtime_ns))
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(local)
            raise
        os.close(fd)
    return rest, b"".join(rest_data)


def publish(staged: Staged, dur: Durability) -> None:
    """Rename a synced batch into place in order (its descriptors closed first); the
    renames' directories are synced in the next commit round."""
    _close(staged)
    moves = staged.moves
    last_parent = None
    while staged.published < len(moves):
        tmp, local = moves[staged.published]
        try:
            os.replace(tmp, local)
        except OSError:  # a directory (or something else) in the way
            make_room(local, False, dur)
            os.replace(tmp, local)
        staged.published += 1
        parent = os.path.dirname(local)
        if parent != last_parent:  # one note per directory (a batch comes sorted)
            dur.entry_changed(local)
            last_parent = parent


def discard(staged: Staged) -> None:
    """Remove what a failed or abandoned batch left: its temporary files."""
    _close(staged)
    for tmp, _ in staged.moves[staged.published:]:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    staged.published = len(staged.moves)


def write_files(files: list[tuple[str, int, int]], data: bytes | memoryview,
                dur: Durability) -> None:
    """Stage, sync and publish one batch at once (no overlap)."""
    staged = stage(files, data, dur)
    try:
        dur.sync_batch(staged.fds)
        publish(staged, dur)
    except BaseException:
        discard(staged)
        raise


class BatchSink:
    """Batches written on the disk thread, each one's sync overlapping the next one's
    staging (at most one batch is staged and unpublished at a time)."""

    def __init__(self, dur: Durability) -> None:
        self.dur = dur
        self._syncer = ThreadPoolExecutor(1, thread_name_prefix="engine-sync")
        self._pending: tuple[Staged, Future[None]] | None = None

    def write(self, files: list[tuple[str, int, int]], data: bytes | memoryview,
              direct: bool = False) -> None:
        """Stage a batch, publish the one before it, and start syncing this one; with
        ``direct`` (a mirror's batch) the files the target lacks are written under
        their final names first, and only the others are staged."""
        if direct and self.dur.writes_direct:
            self.settle()  # a staged batch before this one goes first
            files, data = write_direct(files, data, self.dur)
            if not files:
                return
        staged = stage(files, data, self.dur)
        try:
            self.settle()
        except BaseException:
            discard(staged)
            raise
        self._pending = staged, self._syncer.submit(self.dur.sync_batch, staged.fds)

    def settle(self) -> None:
        """Publish the staged batch (its data synced first), if any; before any other
        operation, commit round or reply."""
        if self._pending is None:
            return
        staged, synced = self._pending
        self._pending = None
        try:
            synced.result()
            publish(staged, self.dur)
        except BaseException:
            discard(staged)
            raise

    def close(self) -> None:
        """The channel ended: what is staged and unpublished goes (never acknowledged)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            staged, synced = pending
            with contextlib.suppress(Exception):
                synced.result()
            discard(staged)
        self._syncer.shutdown(wait=True)


def _open_new(tmp: str, parent: str, dur: Durability) -> int:
    try:
        return os.open(tmp, _FLAGS, 0o666)
    except (FileNotFoundError, NotADirectoryError):
        dur.forget_dirs()  # a directory known to exist went meanwhile (not by us)
        dur.makedirs(parent)
        return os.open(tmp, _FLAGS, 0o666)


def _close(staged: Staged) -> None:
    while staged.fds:
        with contextlib.suppress(OSError):
            os.close(staged.fds.pop()[0])
