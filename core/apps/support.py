"""The support matrix (SPEC F-1.1) as data, read by every application module.

Rows seeded from the 2009 guide's tables are marked ``ours=False``; rows we
added for current Windows versions are marked ``ours=True``. Only the File
server rows are filled in this release; the other applications get theirs
when they become protectable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SupportRow:
    app: str
    os_family: str  # "2003", "2008", "2008 R2", … (Windows Server family)
    one_to_one: bool = True
    many_to_one: bool = False
    one_to_many: bool = False
    chained: bool = False
    cluster_to_cluster: bool = False
    cluster_to_standalone: bool = False
    standalone_to_cluster: bool = False
    single_forest: bool = True
    parent_child: bool = False
    child_child: bool = True  # File server: only when the child domain has a DNS server
    multiple_forests: bool = False
    ours: bool = False


_FILEPRINT_GUIDE = ("2003", "2008")
_FILEPRINT_OURS = ("2008 R2", "2012", "2012 R2", "2016", "2019", "2022", "2025")

MATRIX: tuple[SupportRow, ...] = tuple(
    [SupportRow("fileprint", fam) for fam in _FILEPRINT_GUIDE]
    + [SupportRow("fileprint", fam, ours=True) for fam in _FILEPRINT_OURS]
)

_FAMILY = re.compile(r"windows(?:\s+server)?\W*\s*(\d{4})(\s+r2)?", re.IGNORECASE)


def os_family(os_name: str) -> str | None:
    """``"Windows Server 2008 R2 Enterprise"`` -> ``"2008 R2"``; None when not a server OS."""
    m = _FAMILY.search(os_name or "")
    if not m:
        return None
    return m.group(1) + (" R2" if m.group(2) else "")


def rows(app: str) -> list[SupportRow]:
    return [r for r in MATRIX if r.app == app]


def supported_families(app: str) -> list[str]:
    """Windows Server families the application is supported on, oldest first."""
    return [r.os_family for r in rows(app)]


def row_for(app: str, os_name: str) -> SupportRow | None:
    """The matrix row for ``app`` on the OS named ``os_name`` (None: not supported)."""
    fam = os_family(os_name)
    return next((r for r in rows(app) if r.os_family == fam), None)
