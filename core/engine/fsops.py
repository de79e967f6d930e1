"""File-system changes the target applies (run in the FsWorker thread)."""

from __future__ import annotations

import errno
import os
import shutil
from typing import BinaryIO


def make_room(local: str, want_dir: bool) -> None:
    """Clear a path of the wrong type (a file where a directory goes, or back)."""
    if os.path.isdir(local) and not os.path.islink(local):
        if not want_dir:
            shutil.rmtree(local)
    elif os.path.lexists(local) and want_dir:
        os.unlink(local)


def mkdir(local: str) -> None:
    make_room(local, want_dir=True)
    os.makedirs(local, exist_ok=True)


def delete(local: str) -> None:
    if os.path.isdir(local) and not os.path.islink(local):
        shutil.rmtree(local, ignore_errors=True)
    elif os.path.lexists(local):
        os.unlink(local)


def prune(local: str) -> None:
    """Delete a mirror's orphan: a file, or a directory once empty (whatever is left
    in it is outside the set, or was already pruned: its children come first)."""
    if os.path.isdir(local) and not os.path.islink(local):
        try:
            os.rmdir(local)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                raise
    elif os.path.lexists(local):
        os.unlink(local)


def open_tmp(local: str, tmp: str) -> BinaryIO:
    os.makedirs(os.path.dirname(local), exist_ok=True)
    make_room(local, want_dir=False)
    return open(tmp, "wb", buffering=0)  # noqa: SIM115 - closed by finish_tmp/abort_tmp


def finish_tmp(fh: BinaryIO, tmp: str, local: str, mtime_ns: int) -> None:
    fh.close()
    os.utime(tmp, ns=(mtime_ns, mtime_ns))
    os.replace(tmp, local)


def abort_tmp(fh: BinaryIO | None, tmp: str) -> None:
    if fh is not None:
        fh.close()
    if os.path.exists(tmp):
        os.unlink(tmp)


def write_at(local: str, offset: int, data: bytes) -> None:
    os.makedirs(os.path.dirname(local), exist_ok=True)
    with open(local, "r+b" if os.path.isfile(local) else "wb") as out:
        out.seek(offset)
        out.write(data)


def settle(local: str, size: int, mtime_ns: int) -> None:
    with open(local, "r+b") as out:
        out.truncate(size)
    os.utime(local, ns=(mtime_ns, mtime_ns))


def rename(old: str, new: str, size: int | None, mtime_ns: int | None) -> bool:
    """Rename ``old`` to ``new``; True when the content must be sent instead
    (``old`` missing, or the result differs from the source's size/mtime)."""
    if not os.path.lexists(old):
        return True
    if os.path.isdir(new) and not os.path.islink(new):
        shutil.rmtree(new)
    os.makedirs(os.path.dirname(new), exist_ok=True)
    try:
        os.replace(old, new)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        delete(old)  # mapped paths may put old and new on two volumes: send the content
        return True
    if size is None:
        return False
    st = os.stat(new)
    return (st.st_size, st.st_mtime_ns) != (size, mtime_ns)
