"""Snapshots of a replication set's data on the target (SPEC F-6.3), on Linux/the lab.

A snapshot is a copy-on-write tree of the set's files as they lie on this
server, under ``ROOT/<set>/<id>/tree/<drive>/<path>`` next to its
``snapshot.json``. Each file is cloned with the cheapest method the file
system offers:

- ``reflink`` (FICLONE: btrfs, XFS, …): the blocks are shared until either
  side writes; fully independent copies.
- ``hardlink`` (ext4 and the rest): the snapshot shares the inode. The engine
  never writes such a file in place: :func:`core.engine.fsops.own` breaks the
  link first (copy on write at the receiver), and whole files arrive under a
  temporary name and are renamed over the old entry, which the snapshot keeps.
  Applications writing in place on the target (after a failover) do reach
  such a snapshot: its manifest (:mod:`core.engine.snap_manifest`) shows it,
  and rolling back to it is refused.
- ``copy`` when neither works (the snapshot root on another file system).

A snapshot is written as ``<id>.partial`` and renamed when complete, so a
crash never leaves a half snapshot that lists. On Windows the store is given
a :class:`core.engine.snap_vss.Vss` and takes VSS shadow copies instead
(``vss``): see that module.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from core import atomic
from core.engine import snap_manifest
from core.engine.scan import Matcher, scan
from core.engine.snap_newest import Entry, NewestIndex
from core.engine.snap_vss import Shadow, Vss, VssError, alive
from core.engine.volumes import VolumeMap, join_win, split_win
from core.model.snapshot import SnapshotInfo

FORMAT = 1
ID_RE = re.compile(r"\d{8}T\d{6}Z(-\d{1,3})?")
FICLONE = 0x40049409  # _IOW(0x94, 9, int), linux/fs.h
#: errors that mean "this file system cannot do that": try the next method
_UNSUPPORTED = {errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS,
                errno.EPERM, errno.EMLINK}


class SnapshotError(Exception):
    """A snapshot that does not exist, or cannot be taken or rolled back."""


def reflink(src: str, dst: str) -> bool:
    """Clone ``src`` to a new ``dst`` sharing its blocks (FICLONE) with its times;
    False (and no ``dst``) where the file system or the platform cannot."""
    try:
        import fcntl  # not on Windows, where VSS takes the snapshots
    except ImportError:
        return False
    try:
        with open(src, "rb") as s, open(dst, "wb") as d:
            fcntl.ioctl(d.fileno(), FICLONE, s.fileno())
        shutil.copystat(src, dst)
        return True
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(dst)
        if exc.errno not in _UNSUPPORTED:
            raise
        return False


def clone(src: str, dst: str) -> str:
    """Make ``dst`` a copy-on-write copy of ``src``; returns the method used."""
    if reflink(src, dst):
        return "reflink"
    try:
        os.link(src, dst)
        return "hardlink"
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            raise
    shutil.copy2(src, dst)
    return "copy"


def _new_id(now: float, taken: set[str]) -> str:
    base = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    sid, n = base, 1
    while sid in taken:
        sid, n = f"{base}-{n}", n + 1
    return sid


class SnapshotStore:
    """The snapshots of every set this (target) engine holds, under ``root``."""

    def __init__(self, root: Path, volumes: VolumeMap, vss: Vss | None = None) -> None:
        self.root = root
        self.volumes = volumes
        #: VSS on Windows; None: copy-on-write trees
        self.vss = vss
        #: when each set's newest snapshot was taken, without reading every snapshot.json
        self.index = NewestIndex(root, self._entries)

    def _dir(self, name: str, sid: str) -> Path:
        if not ID_RE.fullmatch(sid):
            raise SnapshotError(f"{sid!r} is not a snapshot id (like 20250131T220000Z)")
        return self.root / name / sid

    def list(self, name: str) -> list[SnapshotInfo]:
        """Set ``name``'s snapshots, oldest first (not those whose shadow copy VSS dropped)."""
        return [info for info, _ in self._read(name)]

    def newest(self, name: str) -> float | None:
        """When set ``name``'s last listed snapshot was taken (None: it has none), from
        memory: the status reply's figure, asked for every second."""
        return self.index.newest(name)

    def _read(self, name: str) -> Sequence[tuple[SnapshotInfo, tuple[Shadow, ...]]]:
        """Every complete snapshot of the set with its shadow copies, oldest first."""
        out = []
        base = self.root / name
        for d in sorted(base.iterdir()) if base.is_dir() else []:
            if not ID_RE.fullmatch(d.name):
                continue  # <id>.partial: a take that never finished
            doc = atomic.read_json(d / "snapshot.json", default=None)
            if not isinstance(doc, dict) or int(doc.get("format", 0)) > FORMAT:
                continue
            shadows = tuple(_shadows(doc))
            if not alive(d / "tree", shadows):
                continue  # VSS dropped its shadow copy (diff area full): gone
            out.append((SnapshotInfo.from_dict({**doc, "path": os.fspath(d / "tree")}), shadows))
        return sorted(out, key=lambda x: (x[0].taken, x[0].id))

    def _entries(self, name: str) -> Sequence[Entry]:
        return [Entry(i.taken, i.id, sh) for i, sh in self._read(name)]

    def get(self, name: str, sid: str) -> SnapshotInfo:
        for s in self.list(name):
            if s.id == sid:
                return s
        raise SnapshotError(f"set {name} has no snapshot {sid}")

    def take(self, name: str, matcher: Matcher, now: float, reason: str) -> SnapshotInfo:
        """A new snapshot of the set's files as ``matcher`` selects them, taken at ``now``."""
        if self.vss:
            info, shadows = self._take_vss(name, matcher, now, reason)
        else:
            info, shadows = self._take_tree(name, matcher, now, reason), ()
        self.index.add(name, Entry(info.taken, info.id, tuple(shadows)))
        return info

    def _start(self, name: str, now: float) -> tuple[str, Path, Path]:
        """A new snapshot's id, its ``.partial`` directory (with an empty tree) and its
        final directory."""
        sid = _new_id(now, {s.id for s in self.list(name)})
        final = self._dir(name, sid)
        part = final.with_name(sid + ".partial")
        shutil.rmtree(part, ignore_errors=True)
        tree = part / "tree"
        tree.mkdir(parents=True)
        return sid, part, final

    def _take_tree(self, name: str, matcher: Matcher, now: float, reason: str) -> SnapshotInfo:
        t0 = time.monotonic()
        sid, part, final = self._start(name, now)
        tree = part / "tree"
        size = files = 0
        methods: dict[str, int] = {}
        for e in scan(matcher, self.volumes):
            drive, parts = split_win(e.win)
            dst = tree.joinpath(drive, *parts)
            if e.is_dir:
                dst.mkdir(parents=True, exist_ok=True)
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                m = clone(e.local, os.fspath(dst))
            except FileNotFoundError:
                continue  # deleted while we looked: the snapshot is as of after that
            methods[m] = methods.get(m, 0) + 1
            size, files = size + e.size, files + 1
        method = max(methods, key=lambda k: methods[k]) if methods else "hardlink"
        info = SnapshotInfo(sid, name, now, size, files, reason, method,
                            round(time.monotonic() - t0, 3))
        doc = {k: v for k, v in info.to_dict().items() if k != "path"}  # where it lies now
        atomic.write_json(part / "snapshot.json", {"format": FORMAT, **doc})
        snap_manifest.record(part)
        os.replace(part, final)
        return replace(info, path=os.fspath(final / "tree"))

    def _take_vss(self, name: str, matcher: Matcher, now: float,
                  reason: str) -> tuple[SnapshotInfo, Sequence[Shadow]]:
        assert self.vss is not None
        t0 = time.monotonic()
        sid, part, final = self._start(name, now)
        tree = part / "tree"
        try:
            shadows = self.vss.take(matcher, tree)
        except (VssError, OSError) as exc:
            shutil.rmtree(part, ignore_errors=True)
            raise SnapshotError(str(exc)) from exc
        size = files = 0
        for e in scan(matcher, _tree_volumes(tree, shadows), root_links=True):
            if not e.is_dir:
                size, files = size + e.size, files + 1
        info = SnapshotInfo(sid, name, now, size, files, reason, "vss",
                            round(time.monotonic() - t0, 3))
        doc = {k: v for k, v in info.to_dict().items() if k != "path"}
        atomic.write_json(part / "snapshot.json",
                          {"format": FORMAT, **doc, "shadows": [x.to_dict() for x in shadows]})
        os.replace(part, final)
        return replace(info, path=os.fspath(final / "tree")), shadows

    def delete(self, name: str, sid: str) -> None:
        """Delete snapshot ``sid`` of set ``name`` (releasing its shadow copies)."""
        d = self._dir(name, sid)
        if not d.is_dir():
            raise SnapshotError(f"set {name} has no snapshot {sid}")
        gone = d.with_name(sid + ".partial")  # no longer listed, even if rmtree stops halfway
        os.replace(d, gone)
        self.index.remove(name, sid)
        shadows = _shadows(atomic.read_json(gone / "snapshot.json", default=None))
        if shadows:
            if self.vss is None:
                raise SnapshotError(f"snapshot {sid} is a VSS shadow copy; this engine "
                                    "cannot reach VSS")
            try:
                self.vss.release(shadows, gone / "tree")
            except VssError as exc:
                os.replace(gone, d)  # still there, still listed: say so, keep it
                self.index.forget(name)  # listed again: read it again, as a listing would
                raise SnapshotError(str(exc)) from exc
        shutil.rmtree(gone)

    def delete_set(self, name: str) -> None:
        """Delete every snapshot of set ``name``."""
        shutil.rmtree(self.root / name, ignore_errors=True)
        self.index.forget(name)

    def changed(self, name: str, sid: str) -> Sequence[str] | None:
        """Files of snapshot ``sid`` written since it was taken (see
        :mod:`core.engine.snap_manifest`); None when it keeps no manifest."""
        d = self._dir(name, sid)
        if not d.is_dir():
            raise SnapshotError(f"set {name} has no snapshot {sid}")
        if _shadows(atomic.read_json(d / "snapshot.json", default=None)):
            return []  # shadow copies are read-only: nothing reaches them after the take
        return snap_manifest.changed(d)

    def files(self, name: str, sid: str, matcher: Matcher) -> dict[str, str]:
        """Windows path → file in the snapshot, for every file and directory it holds
        (directories map to ""); of a VSS snapshot, those ``matcher`` includes."""
        tree = self._dir(name, sid) / "tree"
        shadows = _shadows(atomic.read_json(tree.parent / "snapshot.json", default=None))
        if shadows:
            return {e.win: "" if e.is_dir else e.local
                    for e in scan(matcher, _tree_volumes(tree, shadows), root_links=True)}
        out: dict[str, str] = {}
        for dirpath, dirnames, filenames in os.walk(tree):
            rel = Path(dirpath).relative_to(tree).parts
            if len(rel) >= 1:
                out[join_win(rel[0], list(rel[1:]))] = ""
            for f in filenames:
                out[join_win(rel[0], [*rel[1:], f])] = os.path.join(dirpath, f)
            dirnames.sort()
        return out


def _shadows(doc: object) -> list[Shadow]:
    """The VSS shadow copies a ``snapshot.json`` names (none: a copy-on-write tree)."""
    if not isinstance(doc, dict):
        return []
    return [Shadow.from_dict(x) for x in doc.get("shadows", [])]


def _tree_volumes(tree: Path, shadows: Sequence[Shadow]) -> VolumeMap:
    """The snapshot's volumes: each drive letter is its link to the shadow copy."""
    return VolumeMap({s.volume: tree / s.volume for s in shadows})
