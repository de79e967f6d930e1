"""How a set's directories are watched, behind one small interface.

The replicator only sees :class:`Watcher`: ``start``/``stop``, ops handed to
``emit`` on the event loop in the order the changes were detected
(``{"kind": "mkdir"|"write"|"delete"|"rename", "path", "new"?}``, local
paths), and ``lost(reason)`` when changes may have been missed (a queue
overflow, the watching thread dying): the caller must then rescan.

The implementation is ``watchdog`` (core/engine/fswatch.py): its native
observer (inotify on Linux, ReadDirectoryChangesW on Windows), or its polling
observer as the explicit fallback (``APPMGR_ENGINE_WATCHER=poll``, or when the
native one cannot start).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

Emit = Callable[[dict[str, Any]], None]
Lost = Callable[[str], None]


@dataclass(frozen=True)
class WatchRoot:
    """A directory to watch: recursively (a folder rule), or only its own entries
    (the folder of a file rule, or the parent of a folder rule still to come)."""

    path: str
    recursive: bool
    #: roots just below ``path`` that do not exist yet: a folder there is watched whole
    awaits: tuple[str, ...] = ()


class Watcher(Protocol):
    kind: str  # "native" or "poll": which observer runs, for logs and tests

    async def start(self) -> None:
        """Watch from now on (returns once the watches are in place)."""

    async def stop(self) -> None:
        """Stop watching; returns once nothing of the watcher runs any more."""


def make_watcher(
    plan: Callable[[], list[WatchRoot]], wants_dir: Callable[[str], bool], emit: Emit,
    lost: Lost, poll_interval: float = 1.0,
) -> Watcher:
    """The watcher for this platform (``start`` it inside the event loop).

    ``plan`` is asked for the roots at start and again whenever the watcher has
    to be rebuilt; ``wants_dir`` prunes what is scanned in a new directory."""
    from core.engine.fswatch import WatchdogWatcher

    poll = os.environ.get("APPMGR_ENGINE_WATCHER", "") == "poll"
    return WatchdogWatcher(plan, wants_dir, emit, lost, poll=poll, poll_interval=poll_interval)
