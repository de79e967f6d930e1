"""Snapshots of a set's data on a Windows target, through VSS (SPEC F-6.3).

On Windows the target's engine does not clone files: it asks the Volume Shadow
Copy Service for a shadow copy of each volume the set's rules name
(``snapshot_vss`` host operation, ``Win32_ShadowCopy.Create``), run where the
engine runs (as LocalSystem) through the same :class:`HostRunner` as identity
failover. VSS keeps only the blocks that change afterwards (copy on write in
its diff area), so taking one costs seconds and space grows with later writes,
not with the set's size.

The snapshot's ``tree`` then holds one directory symbolic link per volume,
named by its drive letter (``tree\\E`` → ``\\\\?\\GLOBALROOT\\Device\\
HarddiskVolumeShadowCopyN\\``), so every user of a snapshot (rollback, Verify
Target Data's host operations) reads ``<tree>\\<drive>\\<path>`` as with the
copy-on-write trees of Linux. Shadow copies are read-only: nothing written
after the take can reach one, so they never need the manifest of
:mod:`core.engine.snap_manifest`. VSS deletes the oldest shadow copies when
its diff area is full; a snapshot whose link leads nowhere is no longer listed.

The target's application is not running on the replicated files, so no VSS
writer is involved: the data is consistent because the take runs on the set's
disk thread, between two applied operations (:mod:`core.engine.snap_service`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from core.engine.identity import HostOpFailed, HostRunner
from core.engine.scan import Matcher
from core.engine.volumes import split_win

#: shadow copy ids as VSS writes them
_ID_CHARS = set("0123456789abcdefABCDEF-{}")


class Runner(Protocol):
    """Runs one host operation where the engine runs (:class:`core.engine.identity.HostRunner`)."""

    def run(self, op: str, params: dict[str, Any]) -> Any: ...


class VssError(Exception):
    """VSS refused, or answered something that is not a shadow copy."""


@dataclass(frozen=True)
class Shadow:
    volume: str  # drive letter, "E"
    id: str  # "{GUID}"
    device: str  # \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN

    def to_dict(self) -> dict[str, str]:
        return {"volume": self.volume, "id": self.id, "device": self.device}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Shadow:
        return cls(str(d["volume"]), str(d["id"]), str(d["device"]))


def vss_on(runner: HostRunner) -> Vss | None:
    """VSS for an engine on Windows that can run host operations; None elsewhere (Linux
    and the lab's servers take copy-on-write trees)."""
    return Vss(runner) if os.name == "nt" and runner.argv is not None else None


def volumes_of(matcher: Matcher) -> list[str]:
    """The drive letters the set's rules name, each once."""
    return sorted({split_win(root)[0] for root in matcher.roots()})


def _shadows(answer: Any) -> list[dict[str, Any]]:
    got = answer.get("snapshots") if isinstance(answer, dict) else None
    if isinstance(got, dict):  # ConvertTo-Json may write a lone element as an object
        got = [got]
    if not isinstance(got, list) or not all(isinstance(s, dict) for s in got):
        raise VssError("snapshot_vss answered without a list of shadow copies")
    return got


class Vss:
    """Shadow copies of this server's volumes, through the ``snapshot_vss`` host operation."""

    def __init__(self, runner: Runner, mount: Callable[[str], str] | None = None) -> None:
        self.runner = runner
        #: what a link to a shadow copy names: its device with a trailing separator (without
        #: it the link names the device, not its root directory); tests on a host without
        #: VSS point it at a directory
        self.mount = mount or (lambda device: device.rstrip("\\/") + "\\")

    def create(self, drive: str) -> Shadow:
        try:
            answer = self.runner.run("snapshot_vss", {"action": "create", "volume": f"{drive}:"})
        except HostOpFailed as exc:
            raise VssError(f"VSS could not snapshot {drive}: {exc}") from exc
        made = _shadows(answer)
        if len(made) != 1:
            raise VssError(f"VSS answered {len(made)} shadow copies for one of {drive}:")
        sid, device = str(made[0].get("id", "")), str(made[0].get("device", ""))
        if not sid or not set(sid) <= _ID_CHARS or not device.startswith("\\\\?\\GLOBALROOT\\"):
            raise VssError(f"VSS answered a shadow copy of {drive}: that is not one "
                           f"(id {sid!r}, device {device!r})")
        return Shadow(drive, sid, device)

    def delete(self, shadow: Shadow) -> None:
        try:
            self.runner.run("snapshot_vss", {"action": "delete", "id": shadow.id})
        except HostOpFailed as exc:
            if "no shadow copy" not in str(exc):  # VSS dropped it already: what we wanted
                raise VssError(f"VSS could not delete shadow copy {shadow.id}: {exc}") from exc

    def take(self, matcher: Matcher, tree: Path) -> list[Shadow]:
        """A shadow copy of every volume of the set, linked as ``tree/<drive>``; on a
        failure, the shadow copies already made are deleted again."""
        made: list[Shadow] = []
        try:
            for drive in volumes_of(matcher):
                made.append(self.create(drive))
                os.symlink(self.mount(made[-1].device), tree / drive, target_is_directory=True)
        except BaseException:
            self.release(made, tree)
            raise
        return made

    def release(self, shadows: Sequence[Shadow], tree: Path) -> None:
        """Delete ``shadows`` and their links (each one tried, the first failure raised)."""
        first: VssError | None = None
        for s in shadows:
            unlink(tree / s.volume)
            try:
                self.delete(s)
            except VssError as exc:
                first = first or exc
        if first:
            raise first


def unlink(at: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        try:
            os.unlink(at)
        except (IsADirectoryError, PermissionError):
            os.rmdir(at)  # Windows removes a directory link with rmdir


def alive(tree: Path, shadows: Sequence[Shadow]) -> bool:
    """Every shadow copy of the snapshot still there (VSS drops the oldest when full)."""
    return all(os.path.isdir(tree / s.volume) for s in shadows)
