"""Restore never destroys data silently (SPEC F-9.3).

A restore mirrors the target's data over the source and deletes what the
target lacks. Source files that differ from the target — writes that never
reached it (queued while it was down, or made after ``heal``), or files the
target no longer has — would be lost. Before the restore mirror runs, both
engines list the restore's files with content digests; every source file
that differs or that only the source holds is counted, listed in the pair's
failover log, and copied into a quarantine folder at the root of its volume
(``E:\\.appmgr-restore-<UTC stamp>\\<its path>``) unless the user discards
them explicitly. The folders are outside every replication set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.engine.pathmap import reverse_rules
from core.engine.rules import QUARANTINE_PREFIX
from core.protection.env import PairEnv
from core.protection.runner import log_line

#: paths per quarantine request (a request is one frame header)
BATCH = 1000
CHANGED, ONLY_SOURCE, REPLACED = "changed", "only on the source", "replaced by a folder"


@dataclass(frozen=True)
class Differing:
    path: str  # Windows path on the source
    size: int
    why: str  # CHANGED | ONLY_SOURCE | REPLACED


@dataclass(frozen=True)
class RestoreDiff:
    """The source files a restore would overwrite or delete."""

    source: str
    target: str
    files: tuple[Differing, ...] = ()

    @property
    def count(self) -> int:
        return len(self.files)

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)

    def summary(self) -> str:
        if not self.files:
            return f"no file on {self.source} differs from {self.target}: the restore loses nothing"
        return (f"{self.count} file(s) on {self.source} ({human_bytes(self.bytes)}) differ from "
                f"{self.target} and would be overwritten or deleted by the restore")


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{n} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover - the loop always returns


def compare(source_rows: list[list], target_rows: list[list], source: str = "",
            target: str = "") -> RestoreDiff:
    """The source files (``[win, is_dir, size, digest]`` rows) that differ from the
    target's rows of the same path (compared case-insensitively, as on Windows)."""
    theirs = {str(r[0]).lower(): r for r in target_rows}
    out = []
    for win, is_dir, size, digest in source_rows:
        if is_dir:
            continue  # an empty folder holds no data; its files are listed themselves
        t = theirs.get(str(win).lower())
        if t is None:
            out.append(Differing(win, int(size), ONLY_SOURCE))
        elif t[1]:
            out.append(Differing(win, int(size), REPLACED))
        elif t[3] != digest:
            out.append(Differing(win, int(size), CHANGED))
    return RestoreDiff(source, target, tuple(sorted(out, key=lambda d: d.path.lower())))


def restore_diff(env: PairEnv) -> RestoreDiff:
    """Ask both engines for the restore's files and compare them (reads every file)."""
    rules = reverse_rules(env.facts.rules)
    wait = env.restore_timeout
    theirs = env.engine("target").manifest(rules, image=False, wait=wait)
    mine = env.engine("source").manifest(rules, image=True, wait=wait)
    return compare(mine, theirs, env.cfg.source.upper(), env.cfg.target.upper())


def folder_name(now: float) -> str:
    return QUARANTINE_PREFIX + time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))


def keep_or_discard(env: PairEnv, diff: RestoreDiff, discard: bool) -> str:
    """Log the differing files and keep copies of them on the source (unless
    ``discard``); the one-line outcome for the step log."""
    log_line(env, f"restore: {diff.summary()}")
    for f in diff.files:
        log_line(env, f"restore:   {f.why}: {f.path} ({f.size} bytes)", say=False)
    if not diff.files:
        return "nothing to keep"
    if discard:
        said = f"{diff.count} file(s) ({human_bytes(diff.bytes)}) discarded as asked (--discard)"
        log_line(env, f"restore: {said}")
        return said
    folder = folder_name(env.ctx.clock.now())
    paths = [f.path for f in diff.files]
    copied, size, folders = 0, 0, set()
    src = env.engine("source")
    for i in range(0, len(paths), BATCH):
        got = src.quarantine(paths[i : i + BATCH], folder, wait=env.restore_timeout)
        copied += int(got.get("copied", 0))
        size += int(got.get("bytes", 0))
        folders.update(got.get("folders", []))
    where = ", ".join(sorted(folders)) or folder
    said = f"{copied} file(s) ({human_bytes(size)}) kept in {where}"
    log_line(env, f"restore: {said}")
    return said
