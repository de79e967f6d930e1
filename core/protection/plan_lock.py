"""The per-pair plan lock across processes: a console and ``appmgr watch`` never
run one pair's plan twice.

:mod:`core.protection.locks` guards a pair inside one process; this lock is a
file per pair under the state directory (``<state>/locks/<pair>.lock``) held
with ``fcntl.flock`` for as long as failover, failback or restore runs. The
kernel releases it when the holding process dies (a crash, ``kill -9``), so a
stale lock never blocks anyone; the plan's progress is in the pair's record
and the next run resumes it. The holder writes who it is into the file
(process, host, pid, operation), so a refusal and a console opened meanwhile
can say who runs which plan.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.errors import StateError
from core.model.pair import Pair
from core.paths import AppPaths
from core.store import pair_file_name

FORMAT = 1


@dataclass(frozen=True)
class PlanHolder:
    """Who holds a pair's plan lock."""

    actor: str  # "appmgr watch", or "appmgr" for the console and the CLI
    host: str
    pid: int
    operation: str  # "failover", "failback", "restore"
    since: float

    def sentence(self) -> str:
        if not self.pid:  # its file was not written yet (or by a newer build)
            return "another appmgr is running a plan of this pair"
        return f"{self.actor} on {self.host} is running the {self.operation} plan (pid {self.pid})"


def lock_path(paths: AppPaths, pair: Pair) -> Path:
    return paths.state / "locks" / pair_file_name(pair).replace(".json", ".lock")


@functools.lru_cache(maxsize=4096)
def _lock_file(state: Path, pair: Pair) -> str:
    """:func:`lock_path` as text, made once per pair: the dashboard asks every pair's
    holder every second, and building the path cost more than opening the file."""
    return str(state / "locks" / pair_file_name(pair).replace(".json", ".lock"))


def _read(fd: int) -> PlanHolder | None:
    try:
        raw = os.pread(fd, 4096, 0)
        d = json.loads(raw.decode("utf-8")) if raw else None
    except (OSError, ValueError):
        return None
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        return None  # a newer build's holder: the refusal still says the plan runs
    try:
        return PlanHolder(str(d["actor"]), str(d["host"]), int(d["pid"]),
                          str(d["operation"]), float(d["since"]))
    except (KeyError, TypeError, ValueError):
        return None


_UNKNOWN = PlanHolder("another appmgr", "", 0, "", 0.0)


def _refusal(holder: PlanHolder) -> StateError:
    return StateError(f"{holder.sentence()}; wait for it to finish.")


@contextmanager
def plan_lock(paths: AppPaths, pair: Pair, operation: str,
              actor: str, now: float) -> Iterator[None]:
    """Hold the pair's plan lock while ``operation`` runs; StateError (naming the
    holder) at once when another process — or another open of this one — holds it."""
    path = lock_path(paths, pair)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _refusal(_read(fd) or _UNKNOWN) from None
        me = {"format": FORMAT, "actor": actor, "host": socket.gethostname(),
              "pid": os.getpid(), "operation": operation, "since": now}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode("utf-8"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # a reader between unlock and close sees no holder
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def plan_holder(paths: AppPaths, pair: Pair) -> PlanHolder | None:
    """Who runs a plan of the pair now (None: nobody). No remote call: for the console's
    actions and status, read as often as they refresh."""
    path = _lock_file(paths.state, pair)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(fd) or _UNKNOWN
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
