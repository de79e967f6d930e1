"""When a modified file is sent: after it went quiet, or anyway every bounded interval.

A file that is closed after writing is sent at once (the watcher sees the
close). A file modified but kept open (a database, a log) has no close: it is
sent once it has been quiet for ``SETTLE`` seconds, and, while it keeps
changing, at least every ``BUSY_MAX_DELAY`` seconds after its first unsent
change. Each send carries the file as it is at that moment (a prefix of a
file being appended), so the target lags a busy file by a bounded time
instead of waiting for the writes to stop.
"""

from __future__ import annotations

import os

#: quiet time after the last change before a modified, still-open file is sent
SETTLE = 0.5
#: a file changed continuously is still sent at least this often (seconds): each send
#: is a block delta; bench/busy_lag.py (512 MiB, random 64 KiB rewrites at 20 MB/s)
#: measured a lag p99 of 0.63 s with 0.5 (1.18 s with 1.0, on 128 MiB)
BUSY_MAX_DELAY = 0.5


class Settler:
    """Paths changed but not sent yet; ``due`` says which to send now."""

    def __init__(self, settle: float = SETTLE, max_delay: float = BUSY_MAX_DELAY) -> None:
        self.settle = settle
        self.max_delay = max(settle, max_delay)
        self._dirty: dict[str, tuple[float, float]] = {}  # path -> (first, last) change

    def __len__(self) -> int:
        return len(self._dirty)

    def touch(self, path: str, now: float) -> None:
        first = self._dirty.get(path, (now, now))[0]
        self._dirty[path] = (first, now)

    def discard(self, path: str) -> bool:
        """Forget ``path`` (it was sent or deleted); True if it was pending."""
        return self._dirty.pop(path, None) is not None

    def take_under(self, path: str) -> list[str]:
        """Remove and return the pending paths at or below ``path`` (before it is
        renamed or deleted, so their writes go out under their old names first)."""
        pre = path + os.sep
        hit = sorted(p for p in self._dirty if p == path or p.startswith(pre))
        for p in hit:
            del self._dirty[p]
        return hit

    def due(self, now: float) -> list[str]:
        """Remove and return the paths to send now: quiet, or busy for too long."""
        out = [p for p, (first, last) in self._dirty.items()
               if now - last >= self.settle or now - first >= self.max_delay]
        for p in out:
            del self._dirty[p]
        return out

    def next_deadline(self) -> float | None:
        """When the next path becomes due (None when nothing is pending)."""
        if not self._dirty:
            return None
        return min(min(last + self.settle, first + self.max_delay)
                   for first, last in self._dirty.values())

