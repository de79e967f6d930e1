"""A snapshot of a pair's data on the target, as the engine reports it (SPEC F-6.3)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class SnapshotInfo:
    id: str
    set: str
    taken: float  # epoch seconds
    size: int  # bytes of the files it holds (logical; shared blocks are counted)
    files: int
    reason: str  # "on demand" | "schedule" | "verify" (Verify Target Data's own)
    method: str  # reflink | hardlink | copy (the one most files used) | vss (Windows)
    seconds: float  # how long taking it took
    #: the snapshot's file tree on the target, as the target's engine sees it (the drive
    #: letter is its first folder: E:\\x.mdf is <path>/E/x.mdf); never persisted
    path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SnapshotInfo:
        return cls(str(d["id"]), str(d["set"]), float(d["taken"]), int(d["size"]),
                   int(d["files"]), str(d.get("reason", "on demand")),
                   str(d.get("method", "hardlink")), float(d.get("seconds", 0.0)),
                   str(d.get("path", "")))
