"""What a restore would overwrite, and the copies it keeps (SPEC F-9.3).

Before a restore mirrors the target's data back over the source, the console
compares both sides' :func:`manifest` (content digests, not size + mtime)
and asks the source's engine to :func:`keep` a copy of every file that
differs or that the target lacks, in a quarantine folder at the root of the
file's own volume (``E:\\.appmgr-restore-20261207-061500\\Data\\a.db`` for
``E:\\Data\\a.db``): same volume, so there is room where the data was, and
the relative path is kept so a person can put a file back by hand. The
folders are outside every replication set (:data:`QUARANTINE_PREFIX` in
:mod:`core.engine.rules`), so a later mirror neither copies nor deletes them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from core.engine.pathmap import MappedMatcher, PathMap
from core.engine.rules import QUARANTINE_PREFIX, RuleMatcher
from core.engine.scan import scan
from core.engine.volumes import VolumeError, VolumeMap, join_win, split_win
from core.model.rules import Rule

#: ``.appmgr-restore-`` + a stamp; nothing that could climb out of the volume root
FOLDER_RE = re.compile(re.escape(QUARANTINE_PREFIX) + r"[0-9A-Za-z_-]{1,64}")
_READ = 1 << 20
SYNC_THREADS = 16


def digest(local: str) -> str:
    """blake2b of a file's content (what "differs" means for a restore)."""
    h = hashlib.blake2b(digest_size=20)
    with open(local, "rb") as fh:
        while chunk := fh.read(_READ):
            h.update(chunk)
    return h.hexdigest()


def manifest(rules: list[Rule], volumes: VolumeMap, image: bool) -> list[list[Any]]:
    """``[win, is_dir, size, digest]`` of every entry of the set on this server.

    ``image=False``: the set as a sender holds it (its rules' own paths),
    each named where it lands on the receiver. ``image=True``: the paths of
    this server where a sender's data of ``rules`` lands (the receiver's side).
    Either way the names are the receiver's, so both sides compare directly.
    """
    matcher = RuleMatcher(rules)
    paths = PathMap(rules)
    if image and not paths.identity:
        rows = scan(MappedMatcher(matcher, paths), volumes)
        name: Callable[[str], str] = str
    else:
        rows = scan(matcher, volumes)
        name = paths.to_target
    out: list[list[Any]] = []
    for e in rows:
        if e.is_dir:
            out.append([name(e.win), True, 0, ""])
            continue
        try:
            out.append([name(e.win), False, e.size, digest(e.local)])
        except OSError:
            continue  # vanished while we read: nothing of it to keep
    return out


def _sync(path: str, is_dir: bool = False) -> None:
    if is_dir and os.name == "nt":
        return  # NTFS: directory entries are journalled; a directory cannot be fsynced
    fd = os.open(path, os.O_RDONLY if is_dir else os.O_RDWR)  # Windows fsyncs writable fds only
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_all(files: list[str], dirs: set[str]) -> None:
    """Put the copies and their directory entries on disk before the restore overwrites
    the originals. Concurrent fsyncs share journal commits: measured on ext4 here,
    2,000 × 4 KiB copies took 14 s with one fsync after each, 1.4–2.5 s this way."""
    with ThreadPoolExecutor(SYNC_THREADS) as pool:
        list(pool.map(_sync, files))
        list(pool.map(lambda d: _sync(d, True), dirs))


def _with_parents(dirs: set[str], d: str, top: str) -> None:
    while d not in dirs:
        dirs.add(d)
        if os.path.samefile(d, top) or os.path.dirname(d) == d:
            return
        d = os.path.dirname(d)


def quarantine_path(win: str, folder: str) -> str:
    """Where the copy of ``win`` goes: ``<drive>:\\<folder>\\<rest of the path>``."""
    drive, parts = split_win(win)
    return join_win(drive, [folder, *parts])


def keep(paths: list[str], folder: str, volumes: VolumeMap) -> dict[str, Any]:
    """Copy each file of ``paths`` into ``folder`` on its volume (content and mtime).

    A path that is gone or is not a regular file is skipped (and counted as
    such); a copy that fails raises OSError, so the restore stops before it
    overwrites anything it could not keep.
    """
    if not FOLDER_RE.fullmatch(folder):
        raise VolumeError(f"{folder!r} is not a quarantine folder name")
    size, missing = 0, 0
    done: list[str] = []
    roots: set[str] = set()
    dirs: set[str] = set()  # every directory whose entries changed, up to the volume root
    for win in paths:
        local = os.fspath(volumes.to_local(win))
        if not os.path.isfile(local) or os.path.islink(local):
            missing += 1
            continue
        dest_win = quarantine_path(win, folder)
        dest = os.fspath(volumes.to_local(dest_win))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        _with_parents(dirs, os.path.dirname(dest), os.fspath(volumes.to_local(join_win(
            split_win(win)[0], []))))
        shutil.copy2(local, dest)
        done.append(dest)
        size += os.stat(dest).st_size
        roots.add(join_win(split_win(win)[0], [folder]))
    _sync_all(done, dirs)
    copied = len(done)
    return {"copied": copied, "bytes": size, "missing": missing, "folders": sorted(roots)}
