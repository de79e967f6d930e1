"""Roll a set's data on this server back to one of its snapshots (fail over to a snapshot).

Afterwards the set's files equal the snapshot's: files the snapshot lacks are
deleted (what the rules exclude stays), files that differ are replaced by a
private copy of the snapshot's (a reflink where the file system has them,
else a real copy, so later writes on the target never reach the snapshot),
and files still sharing the snapshot's inode are left as they are. Every
replacement is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from dataclasses import dataclass

from core.engine.scan import TMP_PREFIX, Matcher, scan
from core.engine.snapshots import reflink
from core.engine.volumes import VolumeMap


@dataclass(frozen=True)
class Rollback:
    replaced: int
    deleted: int
    kept: int

    def to_dict(self) -> dict[str, int]:
        return {"replaced": self.replaced, "deleted": self.deleted, "kept": self.kept}


def private_copy(src: str, dst: str) -> None:
    """``dst`` := a copy of ``src`` that shares nothing writable with it."""
    if not reflink(src, dst):
        shutil.copy2(src, dst)


def _same(live: str, snap: str) -> bool:
    try:
        a, b = os.stat(live), os.stat(snap)
    except FileNotFoundError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _put(snap: str, live: str) -> None:
    parent, base = os.path.split(live)
    os.makedirs(parent, exist_ok=True)
    if os.path.isdir(live) and not os.path.islink(live):
        shutil.rmtree(live)
    tmp = os.path.join(parent, f"{TMP_PREFIX}{secrets.token_hex(4)}.{base}")
    try:
        private_copy(snap, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, live)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def rollback(snapshot: dict[str, str], matcher: Matcher, volumes: VolumeMap) -> Rollback:
    """Make the set's data equal ``snapshot`` (Windows path → snapshot file, "" for a
    directory; see :meth:`core.engine.snapshots.SnapshotStore.files`)."""
    deleted = 0
    for e in reversed(list(scan(matcher, volumes))):  # children before their directory
        if e.win in snapshot and (snapshot[e.win] == "") == e.is_dir:
            continue
        if e.is_dir:
            with contextlib.suppress(OSError):  # kept when it holds files outside the set
                os.rmdir(e.local)
                deleted += 1
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(e.local)
                deleted += 1
    replaced = kept = 0
    for win, snap in sorted(snapshot.items()):
        live = os.fspath(volumes.to_local(win))
        if snap == "":
            if os.path.lexists(live) and not os.path.isdir(live):
                os.unlink(live)
            os.makedirs(live, exist_ok=True)
        elif _same(live, snap):
            kept += 1
        else:
            _put(snap, live)
            replaced += 1
    _sync_dirs({os.path.dirname(os.fspath(volumes.to_local(w))) for w in snapshot})
    return Rollback(replaced, deleted, kept)


def _sync_dirs(dirs: set[str]) -> None:
    for d in dirs:
        try:
            fd = os.open(d, os.O_RDONLY)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.EACCES):
                continue
            raise
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
