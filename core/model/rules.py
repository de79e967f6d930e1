"""Replication set rules: which paths the engine replicates."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    path: str  # Windows path on the source: "E:\\Shares\\Data"
    include: bool = True
    recursive: bool = True

    def to_dict(self) -> dict:
        return {"path": self.path, "include": self.include, "recursive": self.recursive}

    @classmethod
    def from_dict(cls, d: dict) -> Rule:
        return cls(str(d["path"]), bool(d.get("include", True)), bool(d.get("recursive", True)))


def set_name(prefix: str, source: str, target: str) -> str:
    """Replication set name, e.g. ``fileprint_FS01_FS02``."""
    return f"{prefix}_{source.upper()}_{target.upper()}"
