"""What Verify Target Data found (SPEC F-11): one line per database or store."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class VerifiedItem:
    kind: str  # "database" | "store"
    name: str  # "Sales", "First Storage Group\\Mailbox Database"
    instance: str  # the SQL Server instance ("" for a store)
    usable: bool
    errors: tuple[str, ...] = ()
    pages: int = 0  # pages checked (0: the host did not say)
    copy: str = ""  # the name the copy was attached under (SQL)

    @property
    def label(self) -> str:
        return f"{self.instance}\\{self.name}" if self.instance else self.name

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "errors": list(self.errors)}


@dataclass(frozen=True)
class VerifyReport:
    source: str
    target: str
    app: str
    snapshot: str  # the snapshot id the copies came from
    kept_snapshot: bool  # False: taken for this check and deleted after
    items: tuple[VerifiedItem, ...]

    @property
    def usable(self) -> bool:
        return bool(self.items) and all(i.usable for i in self.items)

    @property
    def not_usable(self) -> list[VerifiedItem]:
        return [i for i in self.items if not i.usable]

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "app": self.app,
                "snapshot": self.snapshot, "kept_snapshot": self.kept_snapshot,
                "usable": self.usable, "items": [i.to_dict() for i in self.items]}
