"""The heartbeat of ``appmgr watch``: tells a console whether anything will fail
over by itself.

The watcher rewrites ``<state>/watch.json`` (atomically) every round and
while a plan runs; it removes it when it stops cleanly. A console reads it
with no remote call: the watcher runs when its last beat is recent (within
:func:`stale_after` of its interval) and, on this host, its process lives.
A watcher killed by ``kill -9`` leaves the file; its age, or its dead pid,
tells the truth.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from core.atomic import write_text
from core.paths import AppPaths

FORMAT = 1


@dataclass(frozen=True)
class WatchBeat:
    host: str
    pid: int
    started: float
    beat: float
    interval: float
    running: str = ""  # the plan it runs now ("failover FS01 -> FS02"), else ""

    def to_dict(self) -> dict[str, object]:
        return {"format": FORMAT, **self.__dict__}


@dataclass(frozen=True)
class WatcherState:
    """What the console says about automatic failover."""

    running: bool
    host: str = ""
    pid: int = 0
    plan: str = ""  # the plan the watcher runs now

    def sentence(self) -> str:
        if not self.running:
            return "appmgr watch: not running — failover will wait for you"
        return f"appmgr watch on {self.host}: running"


def beat_path(paths: AppPaths) -> Path:
    return paths.state / "watch.json"


def write_beat(paths: AppPaths, beat: WatchBeat) -> None:
    write_text(beat_path(paths), json.dumps(beat.to_dict()) + "\n", mode=0o600)


def remove_beat(paths: AppPaths, pid: int) -> None:
    """Remove the heartbeat if it is still this process's (another watcher may have started)."""
    beat = read_beat(paths)
    if beat is not None and beat.pid == pid and beat.host == socket.gethostname():
        beat_path(paths).unlink(missing_ok=True)


def read_beat(paths: AppPaths) -> WatchBeat | None:
    """The last heartbeat; None when absent, unreadable or of another format."""
    try:
        d = json.loads(beat_path(paths).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        return None
    try:
        return WatchBeat(str(d["host"]), int(d["pid"]), float(d["started"]), float(d["beat"]),
                         float(d["interval"]), str(d.get("running", "")))
    except (KeyError, TypeError, ValueError):
        return None


def stale_after(interval: float) -> float:
    """A beat older than this means the watcher stopped (three rounds, at least 10 s)."""
    return max(3 * interval, 10.0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process (the systemd unit's)
    return True


def judge(beat: WatchBeat | None, now: float, host: str, alive: bool) -> WatcherState:
    """Pure: is the watcher of ``beat`` running at ``now``? (``alive``: its pid lives,
    only asked on its own host)."""
    if beat is None or now - beat.beat > stale_after(beat.interval):
        return WatcherState(False)
    if beat.host == host and not alive:
        return WatcherState(False)
    return WatcherState(True, beat.host, beat.pid, beat.running)


def watcher_state(paths: AppPaths, now: float) -> WatcherState:
    beat = read_beat(paths)
    host = socket.gethostname()
    alive = beat is not None and beat.host == host and _alive(beat.pid)
    return judge(beat, now, host, alive)
