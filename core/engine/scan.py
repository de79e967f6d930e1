"""Walk the local files of a replication set, yielding them with Windows paths.

Directories come before their contents (so replaying the list creates
parents first). Symbolic links are not followed nor replicated, and the
engine's own partial files (``TMP_PREFIX``) are never part of a set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from core.engine.rules import RuleMatcher, child_included
from core.engine.volumes import VolumeError, VolumeMap

log = logging.getLogger(__name__)
TMP_PREFIX = ".~appmgr."


@dataclass(frozen=True)
class Entry:
    win: str
    local: str
    is_dir: bool
    size: int = 0
    mtime_ns: int = 0


class Matcher(Protocol):
    """What a scan asks of the set (RuleMatcher, or MappedMatcher on a target)."""

    def includes(self, win_path: str) -> bool: ...
    def wants_dir(self, win_path: str) -> bool: ...
    def roots(self) -> list[str]: ...


def win_child(parent: str, name: str) -> str:
    return parent.rstrip("\\") + "\\" + name


def scan(matcher: Matcher, volumes: VolumeMap, root_links: bool = False) -> Iterator[Entry]:
    """Every file and directory of the set that exists on this server (``root_links``: a
    root reached through a directory link is followed, as a VSS snapshot's drive is)."""
    for root in matcher.roots():
        try:
            local = os.fspath(volumes.to_local(root))
            st = os.lstat(local)
        except (VolumeError, OSError):
            continue
        if os.path.isdir(local) and (root_links or not os.path.islink(local)):
            if matcher.includes(root):
                yield Entry(root, local, True)
            yield from scan_dir(matcher, local, root)
        elif matcher.includes(root) and os.path.isfile(local):
            yield Entry(root, local, False, st.st_size, st.st_mtime_ns)


def scan_dir(matcher: Matcher, local_dir: str, win_dir: str) -> Iterator[Entry]:
    """The set's entries strictly below one directory."""
    try:
        with os.scandir(local_dir) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        log.warning("cannot list %s: %s", local_dir, exc)
        return
    # all children in the set (judged by name, not rule by rule): the usual case
    whole = isinstance(matcher, RuleMatcher) and matcher.children_included(win_dir)
    for e in entries:
        if e.name.startswith(TMP_PREFIX):
            continue
        win = win_child(win_dir, e.name)
        try:
            if e.is_symlink():
                continue
            if e.is_dir(follow_symlinks=False):
                if matcher.includes(win):
                    yield Entry(win, e.path, True)
                if matcher.wants_dir(win):
                    yield from scan_dir(matcher, e.path, win)
            elif e.is_file(follow_symlinks=False) and _includes(matcher, whole, e.name, win):
                st = e.stat(follow_symlinks=False)
                yield Entry(win, e.path, False, st.st_size, st.st_mtime_ns)
        except OSError:
            continue  # vanished while we looked: the watcher reports it


def _includes(matcher: Matcher, whole: bool, name: str, win: str) -> bool:
    by_name = child_included(name) if whole else None
    return matcher.includes(win) if by_name is None else by_name


def sweep_tmp(matcher: Matcher, volumes: VolumeMap) -> int:
    """Remove the partial files (``TMP_PREFIX``) of interrupted transfers in the set:
    only those standing for a path the set includes. Returns how many went."""
    removed = 0
    for root in matcher.roots():
        try:
            local = os.fspath(volumes.to_local(root))
        except VolumeError:
            continue
        if os.path.isdir(local) and not os.path.islink(local):
            removed += sweep_dir(matcher, local, root)
        else:  # a file rule: its partial copies sit next to it
            parent, base = os.path.split(local)
            removed += sweep_dir(matcher, parent, root.rsplit("\\", 1)[0], only=base,
                                  recurse=False)
    return removed


def sweep_dir(matcher: Matcher, local_dir: str, win_dir: str, only: str | None = None,
              recurse: bool = True) -> int:
    """:func:`sweep_tmp` for one directory (and below unless not ``recurse``)."""
    removed = 0
    try:
        with os.scandir(local_dir) as it:
            entries = list(it)
    except OSError:
        return 0
    for e in entries:
        try:
            if e.is_symlink():
                continue
            if e.name.startswith(TMP_PREFIX) and e.is_file(follow_symlinks=False):
                # .~appmgr.<hex>.<name>: the partial copy of <name>
                real = e.name[len(TMP_PREFIX):].partition(".")[2]
                if (only is None or real == only) and matcher.includes(win_child(win_dir, real)):
                    os.unlink(e.path)
                    removed += 1
            elif recurse and e.is_dir(follow_symlinks=False):
                win = win_child(win_dir, e.name)
                if matcher.wants_dir(win):
                    removed += sweep_dir(matcher, e.path, win)
        except OSError as exc:
            log.warning("cannot remove partial file %s: %s", e.path, exc)
    return removed
