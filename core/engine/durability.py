"""What the target must put on disk before it acknowledges an operation.

An ack means "on disk": the data of a copied file is fsynced in its temporary
file before the rename that publishes it, and every directory whose entries
changed (a file renamed into it, created, deleted; a directory made or
removed) is fsynced before the ack of the operation that changed it. A file
patched in place (blocks, settle) is fsynced too.

Directory fsyncs and the fsyncs of in-place writes are batched: each
operation only notes what it dirtied, and one commit round (see
:mod:`core.engine.group_commit`) syncs everything noted since the last round,
each directory once, before the acks of all the operations it covers go out.

Small files arrive in batches (:mod:`core.engine.batch_sink`): their
data is synced together before their renames, with one ``syncfs`` per file
system on Linux (measured: 20,000 fsyncs of 4 KiB files cost more than the
whole copy), else one sync per file. A mirror's batch of files the target
lacks is written under the final names instead (nothing to replace, so
nothing to rename): its file systems are noted (:meth:`Durability.batch_written`)
and the next round syncs each with one ``syncfs``, which covers the files'
data and their directory entries.

A round has two halves: :meth:`Durability.take` runs on the disk thread
behind the operations it covers (it syncs files written in place there, as
one may be renamed next); :meth:`Durability.sync_taken` syncs the noted
directories and file systems on any thread, so the disk thread goes on
writing meanwhile.

A :class:`Durability` is used on the receiver's disk thread only (FsWorker),
so it needs no lock; :meth:`Durability.sync_batch` and
:meth:`Durability.sync_taken` read no state that changes, so they run on
other threads (one round at a time). The fsync functions are injected: tests record the order
of calls; ``bench/durability.py`` measures the cost with :func:`unsafe_no_fsync`,
which nothing else uses (it is not a setting: an ack always means on disk).
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)

#: the bench's switch to measure what durability costs (never a user setting)
NO_FSYNC_ENV = "APPMGR_BENCH_UNSAFE_NO_FSYNC"

SyncFile = Callable[[int, str], None]
SyncDir = Callable[[str], None]
#: what a round took on the disk thread: directories, and a directory on each
#: file system written to by a batch under final names
Taken = tuple[set[str], set[str]]


def fsync_file(fd: int, path: str) -> None:
    os.fsync(fd)


def fsync_dir(path: str) -> None:
    """fsync a directory, making its entries (creates, renames, deletes) durable.
    Windows cannot open a directory for fsync; NTFS journals its metadata and
    FlushFileBuffers on the file already covers its own entry."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except FileNotFoundError:
        return  # removed since (its own parent's fsync covers that)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _load_syncfs() -> Callable[[int], int] | None:
    """Linux's ``syncfs(2)`` (not in the os module), or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


_SYNCFS = _load_syncfs()
#: a batch of at least this many new files is synced with syncfs, not file by file
SYNCFS_MIN = 8


def syncfs(fd: int) -> None:
    """Write out everything dirty of the file system holding ``fd`` (Linux)."""
    assert _SYNCFS is not None
    if _SYNCFS(fd) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def _skip_file(fd: int, path: str) -> None:
    return None


def _skip_dir(path: str) -> None:
    return None


def unsafe_no_fsync() -> bool:
    """Whether the bench asked this process to skip fsync (to measure its cost)."""
    return os.environ.get(NO_FSYNC_ENV) == "1"


class Durability:
    def __init__(self, sync_file: SyncFile | None = None, sync_dir: SyncDir | None = None,
                 ) -> None:
        skip = unsafe_no_fsync()
        if skip and not (sync_file and sync_dir):
            log.warning("%s=1: fsync skipped, acks do not mean on disk (bench only)",
                        NO_FSYNC_ENV)
        self.sync_file = sync_file or (_skip_file if skip else fsync_file)
        self.sync_dir = sync_dir or (_skip_dir if skip else fsync_dir)
        self._dirs: set[str] = set()
        self._files: set[str] = set()
        self._written: set[str] = set()  # directories of files written under final names
        #: directories known to exist (no stat per file of a batch): forgotten
        #: whenever anything is removed or renamed (:meth:`forget_dirs`)
        self._known: set[str] = set()
        #: syncfs only with the real fsync (tests inject recorders; the bench skips)
        self._batch_syncfs = _SYNCFS is not None and self.sync_file is fsync_file
        #: the bench's no-fsync variant writes a mirror's files as shipped, minus syncfs
        self._unsafe = self.sync_file is _skip_file
        self._direct = _SYNCFS is not None and (self._batch_syncfs or self._unsafe)
        #: commit rounds run (each syncs all that was noted since the one before)
        self.rounds = 0

    # --- noted by the operations ----------------------------------------------------
    def sync_data(self, fd: int, path: str) -> None:
        """A new file's data, before the rename that makes it visible: synced now."""
        self.sync_file(fd, path)

    def sync_batch(self, files: list[tuple[int, str]]) -> None:
        """The data of many new files (open descriptors), before their renames: one
        syncfs per file system holding them where available, else one sync each."""
        if not self._batch_syncfs or len(files) < SYNCFS_MIN:
            for fd, path in files:
                self.sync_file(fd, path)
            return
        devices: dict[int, int] = {}
        parents: set[str] = set()
        for fd, path in files:  # one stat per directory, not per file
            parent = os.path.dirname(path)
            if parent not in parents:
                parents.add(parent)
                devices.setdefault(os.stat(parent or ".").st_dev, fd)
        for fd in devices.values():
            syncfs(fd)

    @property
    def writes_direct(self) -> bool:
        """Whether a round can sync new files written under their final names (one
        ``syncfs`` per file system): Linux with the real fsync."""
        return self._direct

    def batch_written(self, parent: str) -> None:
        """Files in ``parent`` were created under their final names: the next round
        syncs its file system (their data and entries)."""
        self._written.add(parent)

    def entry_changed(self, path: str) -> None:
        """``path`` was created, renamed or removed: its directory is synced next round."""
        self._dirs.add(os.path.dirname(os.path.abspath(path)))

    def file_changed(self, path: str) -> None:
        """``path`` was written in place: synced next round (or before it moves)."""
        self._files.add(path)

    def makedirs(self, path: str) -> None:
        """``os.makedirs`` that notes each directory it creates (its parent changed)."""
        p = os.path.abspath(path)
        if p in self._known:
            return
        missing: list[str] = []
        known = p
        while not os.path.isdir(p):
            missing.append(p)
            parent = os.path.dirname(p)
            if parent == p:
                break
            p = parent
        for d in reversed(missing):
            try:
                os.mkdir(d)
            except FileExistsError:
                if not os.path.isdir(d):
                    raise
            self.entry_changed(d)
        self._known.add(known)

    def forget_dirs(self) -> None:
        """Something was removed or renamed: directories are checked again."""
        self._known.clear()

    # --- the round ------------------------------------------------------------------
    def sync_files(self) -> None:
        """Sync the files written in place; before one is renamed or deleted too, so
        its data cannot be left behind under a name that is gone."""
        files, self._files = self._files, set()
        for path in sorted(files):
            try:
                fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
            except OSError as exc:
                if exc.errno in (errno.ENOENT, errno.EISDIR):
                    continue  # deleted or replaced since: its directory's sync covers it
                raise
            try:
                self.sync_file(fd, path)
            finally:
                os.close(fd)

    def commit(self) -> None:
        """One round: everything noted since the last round reaches the disk."""
        self.sync_taken(self.take())

    def take(self) -> Taken:
        """A round's first half, on the disk thread: files written in place are synced
        now; the directories and file systems to sync are returned."""
        self.sync_files()
        dirs, self._dirs = self._dirs, set()
        written, self._written = self._written, set()
        return dirs, written

    def sync_taken(self, taken: Taken) -> None:
        """A round's second half (any thread): one ``syncfs`` per file system written
        to under final names, then each noted directory not on one of those."""
        dirs, written = taken
        synced: set[int] = set()
        for parent in sorted(written):
            path = _existing(parent)
            dev = os.stat(path).st_dev
            if dev in synced:
                continue
            if not self._unsafe:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
                try:
                    syncfs(fd)
                finally:
                    os.close(fd)
            synced.add(dev)
        for d in sorted(dirs):
            if synced:
                try:
                    if os.stat(d).st_dev in synced:
                        continue
                except FileNotFoundError:
                    continue  # removed since (its own parent's sync covers that)
            self.sync_dir(d)
        self.rounds += 1

    @property
    def dirty(self) -> bool:
        return bool(self._dirs or self._files or self._written)


def _existing(path: str) -> str:
    """``path`` or its nearest ancestor that exists (a directory may go meanwhile)."""
    while not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path
