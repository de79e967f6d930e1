"""Windows and local path relations the replicator orders its operations by."""

from __future__ import annotations

import os


def related(a: str, b: str) -> bool:
    """The same path, or one below the other (Windows paths, case-insensitive)."""
    a, b = a.lower().rstrip("\\"), b.lower().rstrip("\\")
    return a == b or a.startswith(b + "\\") or b.startswith(a + "\\")


def outermost(paths: list[str]) -> list[str]:
    """The paths that are not below (or equal to) another one of them."""
    out: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(o.rstrip(os.sep) + os.sep) for o in out):
            out.append(p)
    return out


def below_or_at(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
