"""Choose how a set's directories are watched: inotify on Linux, else polling.

Both watchers call ``emit`` with ops on local paths
(``{"kind": "mkdir"|"write"|"delete"|"rename"|"resync", "path", "new"?}``)
from the event loop, in the order the changes happened.
``APPMGR_ENGINE_WATCHER=poll`` forces the polling scanner.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, Protocol

Emit = Callable[[dict[str, Any]], None]
Snapshot = Callable[[], dict[str, tuple[bool, int, int]]]


class Watcher(Protocol):
    def start(self) -> None: ...
    async def stop(self) -> None:
        """Stop watching; returns once nothing of the watcher runs any more."""


def make_watcher(
    roots: list[str], wants_dir: Callable[[str], bool], snapshot: Snapshot, emit: Emit,
    poll_interval: float = 1.0,
) -> Watcher:
    """The best watcher for this platform (call ``start`` inside the event loop)."""
    from core.engine import inotify
    from core.engine.poller import PollWatcher

    forced = os.environ.get("APPMGR_ENGINE_WATCHER", "")
    if sys.platform.startswith("linux") and forced != "poll" and inotify.available():
        return inotify.InotifyWatcher(roots, wants_dir, emit)
    return PollWatcher(snapshot, emit, poll_interval)
