"""Replication set rules: which paths the engine replicates, and where they land."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    path: str  # Windows path on the source: "E:\\Shares\\Data"
    include: bool = True
    recursive: bool = True
    #: Windows path on the target where ``path`` lands ("" = the same path); what is
    #: below ``path`` lands below it. Only include rules map (SQL database-only remap).
    target: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = {"path": self.path, "include": self.include, "recursive": self.recursive}
        if self.target:  # absent when unmapped: older readers and state files stay alike
            d["target"] = self.target
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Rule:
        return cls(str(d["path"]), bool(d.get("include", True)), bool(d.get("recursive", True)),
                   str(d.get("target") or ""))


def set_name(prefix: str, source: str, target: str) -> str:
    """Replication set name, e.g. ``fileprint_FS01_FS02``."""
    return f"{prefix}_{source.upper()}_{target.upper()}"
