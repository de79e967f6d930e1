"""Where a replication set's paths land on the target.

An include rule may name a target path (SQL database-only mode puts a
database's files in another folder of the target). A source path lands
through the most specific such rule at or above it: the rule's path is
replaced by its target and the rest is kept (``E:\\SQL\\Sales.mdf`` under
``E:\\SQL → F:\\Remap`` lands at ``F:\\Remap\\Sales.mdf``); a path no such rule
covers lands at the same path. The mapping applies to the rule's whole
subtree, recursive or not; inclusion is still decided by the rules alone.
Paths compare case-insensitively, as on Windows; the rest of a path keeps
its spelling.

The data channel speaks source paths and the target's receiver maps them
(:class:`PathMap`); the target's listing, made on its own disk, is filtered
to the paths that are images of the set (:class:`MappedMatcher`). A restore
sends the other way with :func:`reverse_rules`.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.engine.rules import RuleMatcher
from core.engine.volumes import join_win, split_win
from core.model.rules import Rule

_Map = tuple[tuple[str, ...], str, list[str]]  # (key of the prefix, drive, parts it becomes)


def win_key(win_path: str) -> tuple[str, ...]:
    """Case-insensitive identity of a Windows path (drive + lower-case parts)."""
    drive, parts = split_win(win_path)
    return (drive.lower(), *(p.lower() for p in parts))


def is_mapped(rule: Rule) -> bool:
    return rule.include and bool(rule.target)


def _through(maps: list[_Map], win: str) -> str:
    drive, parts = split_win(win)
    key = (drive.lower(), *(p.lower() for p in parts))
    for prefix, to_drive, to_parts in maps:  # most specific first
        if key[: len(prefix)] == prefix:
            return join_win(to_drive, [*to_parts, *parts[len(prefix) - 1 :]])
    return win


class PathMap:
    """Source path ↔ target path for the rules that name a target."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        fwd: list[_Map] = []
        back: list[_Map] = []
        for r in rules:
            if is_mapped(r):
                (sd, sp), (td, tp) = split_win(r.path), split_win(r.target)
                fwd.append((win_key(r.path), td, tp))
                back.append((win_key(r.target), sd, sp))
        # longest prefix first (stable: the first of equal rules wins)
        self._fwd = sorted(fwd, key=lambda m: -len(m[0]))
        self._back = sorted(back, key=lambda m: -len(m[0]))

    @property
    def identity(self) -> bool:
        """No rule maps: every path lands where it is (plain file replication)."""
        return not self._fwd

    def targets(self) -> list[str]:
        return [join_win(d, p) for _, d, p in self._fwd]

    def to_target(self, win: str) -> str:
        return _through(self._fwd, win) if self._fwd else win

    def to_source(self, win: str) -> str:
        return _through(self._back, win) if self._back else win


class MappedMatcher:
    """The set seen on the target's disk: a target path belongs to it when it is
    the image of a source path of the set. Same interface as RuleMatcher, so
    :func:`core.engine.scan.scan` walks the target's copy with it."""

    def __init__(self, matcher: RuleMatcher, paths: PathMap) -> None:
        self.matcher = matcher
        self.paths = paths
        self._target_keys = [win_key(t) for t in paths.targets()]

    def _source_of(self, win: str) -> str | None:
        src = self.paths.to_source(win)
        return src if win_key(self.paths.to_target(src)) == win_key(win) else None

    def includes(self, win_path: str) -> bool:
        src = self._source_of(win_path)
        return src is not None and self.matcher.includes(src)

    def wants_dir(self, win_path: str) -> bool:
        src = self._source_of(win_path)
        if src is not None and self.matcher.wants_dir(src):
            return True
        key = win_key(win_path)
        return any(len(t) > len(key) and t[: len(key)] == key for t in self._target_keys)

    def roots(self) -> list[str]:
        cands = [self.paths.to_target(r) for r in self.matcher.roots()] + self.paths.targets()
        out: list[tuple[tuple[str, ...], str]] = []
        for key, path in sorted((win_key(c), c) for c in cands):
            if not any(key[: len(k)] == k for k, _ in out):
                out.append((key, path))
        return [p for _, p in out]


def reverse_rules(rules: Iterable[Rule]) -> list[Rule]:
    """The rules of a restore (target → source): each rule at the path where its
    data lands on the target, a mapped rule naming its source path as target.
    What lands elsewhere is left out of the restore at its source path (the
    target may hold something unrelated there)."""
    rules = list(rules)
    paths = PathMap(rules)
    out = [Rule(paths.to_target(r.path), r.include, r.recursive,
                join_win(*split_win(r.path)) if is_mapped(r) else "") for r in rules]
    taken = {win_key(r.path) for r in out}
    for r in rules:
        if is_mapped(r) and win_key(r.path) not in taken:
            out.append(Rule(r.path, include=False, recursive=True))
            taken.add(win_key(r.path))
    return out
