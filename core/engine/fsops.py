"""File-system changes the target applies (run in the FsWorker thread).

Each change tells ``dur`` (:class:`core.engine.durability.Durability`) what it
made dirty; a new file's data is synced before its rename. The ack of the
operation waits for the commit round that syncs the rest.
"""

from __future__ import annotations

import errno
import os
import shutil
from typing import BinaryIO

from core.engine.durability import Durability
from core.engine.scan import TMP_PREFIX


def make_room(local: str, want_dir: bool, dur: Durability) -> None:
    """Clear a path of the wrong type (a file where a directory goes, or back)."""
    if os.path.isdir(local) and not os.path.islink(local):
        if not want_dir:
            shutil.rmtree(local)
            dur.forget_dirs()
            dur.entry_changed(local)
    elif os.path.lexists(local) and want_dir:
        os.unlink(local)
        dur.entry_changed(local)


def mkdir(local: str, dur: Durability) -> None:
    make_room(local, True, dur)
    dur.makedirs(local)


def delete(local: str, dur: Durability) -> None:
    dur.sync_files()  # what was patched in place is not left behind unsynced
    if os.path.isdir(local) and not os.path.islink(local):
        shutil.rmtree(local, ignore_errors=True)
        dur.forget_dirs()
    elif os.path.lexists(local):
        os.unlink(local)
    else:
        return
    dur.entry_changed(local)


def prune(local: str, dur: Durability) -> None:
    """Delete a mirror's orphan: a file, or a directory once empty (whatever is left
    in it is outside the set, or was already pruned: its children come first)."""
    if os.path.isdir(local) and not os.path.islink(local):
        try:
            os.rmdir(local)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                raise
            return
        dur.forget_dirs()
    elif os.path.lexists(local):
        os.unlink(local)
    else:
        return
    dur.entry_changed(local)


def open_tmp(local: str, tmp: str, dur: Durability) -> BinaryIO:
    dur.makedirs(os.path.dirname(local))
    make_room(local, False, dur)
    return open(tmp, "wb", buffering=0)  # noqa: SIM115 - closed by finish_tmp/abort_tmp


def finish_tmp(fh: BinaryIO, tmp: str, local: str, mtime_ns: int, dur: Durability) -> None:
    """Publish a received file: its data (and time) synced first, then renamed into
    place; the rename is synced with its directory in the next commit round."""
    os.utime(fh.fileno() if os.utime in os.supports_fd else tmp, ns=(mtime_ns, mtime_ns))
    dur.sync_data(fh.fileno(), tmp)
    fh.close()
    os.replace(tmp, local)
    dur.entry_changed(local)


def abort_tmp(fh: BinaryIO | None, tmp: str) -> None:
    if fh is not None:
        fh.close()
    if os.path.exists(tmp):
        os.unlink(tmp)


def own(local: str, dur: Durability) -> None:
    """Copy on write: a file that shares its inode with a snapshot (a hard link, see
    :mod:`core.engine.snapshots`) gets a private copy before it is changed in place,
    so the snapshot keeps the old content. One stat when it is not shared."""
    try:
        if os.stat(local).st_nlink <= 1:
            return
    except FileNotFoundError:
        return
    parent, base = os.path.split(local)
    tmp = os.path.join(parent, f"{TMP_PREFIX}cow.{base}")
    shutil.copy2(local, tmp)
    with open(tmp, "rb") as fh:
        dur.sync_data(fh.fileno(), tmp)
    os.replace(tmp, local)
    dur.entry_changed(local)


def write_at(local: str, offset: int, data: bytes, dur: Durability) -> None:
    dur.makedirs(os.path.dirname(local))
    own(local, dur)
    exists = os.path.isfile(local)
    with open(local, "r+b" if exists else "wb") as out:
        out.seek(offset)
        out.write(data)
    if not exists:
        dur.entry_changed(local)
    dur.file_changed(local)


def settle(local: str, size: int, mtime_ns: int, dur: Durability) -> None:
    own(local, dur)
    with open(local, "r+b") as out:
        out.truncate(size)
    os.utime(local, ns=(mtime_ns, mtime_ns))
    dur.file_changed(local)


def rename(old: str, new: str, size: int | None, mtime_ns: int | None,
           dur: Durability) -> bool:
    """Rename ``old`` to ``new``; True when the content must be sent instead
    (``old`` missing, or the result differs from the source's size/mtime)."""
    if not os.path.lexists(old):
        return True
    dur.sync_files()  # a file patched in place is synced under the name it had
    dur.forget_dirs()  # old may be a directory
    if os.path.isdir(new) and not os.path.islink(new):
        shutil.rmtree(new)
    dur.makedirs(os.path.dirname(new))
    try:
        os.replace(old, new)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        delete(old, dur)  # mapped paths may put old and new on two volumes: send the content
        return True
    dur.entry_changed(old)
    dur.entry_changed(new)
    if size is None:
        return False
    st = os.stat(new)
    return (st.st_size, st.st_mtime_ns) != (size, mtime_ns)
