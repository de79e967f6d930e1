"""Which paths a replication set holds.

Each rule names a Windows directory (or file), include or exclude, recursive
or not. For a path, the candidate rules are those at or above it that cover
it (a non-recursive rule covers only the directory itself and its direct
children); the most specific candidate (longest path) decides, and on a tie
exclude wins. Paths compare case-insensitively, as on Windows.

A restore's quarantine folders (``QUARANTINE_PREFIX``, see
:mod:`core.engine.quarantine`) are never part of any set, whatever the
rules say: they are neither mirrored to the target nor deleted as orphans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.engine.volumes import join_win, split_win
from core.model.rules import Rule

#: the name of a restore's quarantine folder starts so (any level of a path)
QUARANTINE_PREFIX = ".appmgr-restore-"


def _key(win_path: str) -> tuple[str, ...]:
    drive, parts = split_win(win_path)
    return (drive.lower(), *(p.lower() for p in parts))


@dataclass(frozen=True)
class _R:
    key: tuple[str, ...]
    include: bool
    recursive: bool
    path: str


def _best(cands: Iterable[_R]) -> _R | None:
    best: _R | None = None
    for r in cands:
        if (
            best is None
            or len(r.key) > len(best.key)
            or (len(r.key) == len(best.key) and not r.include)
        ):
            best = r
    return best


def _quarantined(key: tuple[str, ...]) -> bool:
    return any(p.startswith(QUARANTINE_PREFIX) for p in key[1:])


def _is_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return len(a) <= len(b) and b[: len(a)] == a


class RuleMatcher:
    """Answers "is this path in the set?" and "must a scan enter this directory?"."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = [
            _R(_key(r.path), r.include, r.recursive, join_win(*split_win(r.path))) for r in rules
        ]

    def includes(self, win_path: str) -> bool:
        """Whether ``win_path`` (file or directory) belongs to the set."""
        k = _key(win_path)
        if _quarantined(k):
            return False
        cands = (
            r for r in self.rules
            if _is_prefix(r.key, k) and (r.recursive or len(k) <= len(r.key) + 1)
        )
        best = _best(cands)
        return best is not None and best.include

    def wants_dir(self, win_path: str) -> bool:
        """Whether anything below directory ``win_path`` may belong to the set."""
        k = _key(win_path)
        if _quarantined(k):
            return False
        if any(r.include and _is_prefix(k, r.key) and len(r.key) > len(k) for r in self.rules):
            return True
        above = [r for r in self.rules if _is_prefix(r.key, k)]
        child = _best(r for r in above if r.recursive or r.key == k)
        deep = _best(r for r in above if r.recursive)
        return bool((child and child.include) or (deep and deep.include))

    def children_included(self, win_dir: str) -> bool:
        """Whether every direct child of directory ``win_dir`` belongs to the set, but
        for those named like a quarantine folder (:func:`child_included`): no rule
        lies below the directory, and the rule deciding for its children includes.
        Lets a scan or a batch judge a directory's files by name (per directory,
        not per file: a mirror of many small files asks it for every file)."""
        k = _key(win_dir)
        if _quarantined(k) or any(
                len(r.key) > len(k) and _is_prefix(k, r.key) for r in self.rules):
            return False
        best = _best(r for r in self.rules
                     if _is_prefix(r.key, k) and (r.recursive or r.key == k))
        return best is not None and best.include

    def roots(self) -> list[str]:
        """Include-rule paths not below another include rule: where scans start."""
        incl = sorted({r.key: r.path for r in self.rules if r.include}.items())
        out: list[tuple[tuple[str, ...], str]] = []
        for key, path in incl:
            if not any(_is_prefix(k, key) for k, _ in out):
                out.append((key, path))
        return [p for _, p in out]


def child_included(name: str) -> bool | None:
    """Whether a child named ``name`` of a directory whose children all belong to the
    set (:meth:`RuleMatcher.children_included`) belongs to it too; None when only
    the rules can tell (a backslash in a name makes more than one path part)."""
    if "\\" in name:
        return None
    return not name.lower().startswith(QUARANTINE_PREFIX)


def rules_from_json(items: Iterable[dict]) -> list[Rule]:
    return [Rule.from_dict(d) for d in items]
