"""Per-pair locks, so the public API is thread-safe (ARCHITECTURE rule 3).

Two kinds, both per pair key and per process:
- the *operation* lock: one lifecycle operation (enable, disable, failover,
  failback, restore, monitoring toggle) at a time per pair; a second one is
  refused at once with a StateError rather than queued behind a long restore;
- the *record* lock: short, around a read-compare-write of the pair's
  record, so a status poll never overwrites the progress an operation saved
  (status writes only if the state is still the one it read).
Across processes (the CLI next to the console) only the record's
compare-and-write narrows the window; the console's workers are exclusive.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from core.errors import StateError

_guard = threading.Lock()
_records: dict[str, threading.RLock] = {}
_operations: dict[str, str] = {}


def record_lock(key: str) -> threading.RLock:
    with _guard:
        return _records.setdefault(key, threading.RLock())


@contextmanager
def operation(key: str, name: str) -> Iterator[None]:
    """Hold the pair's operation lock while ``name`` runs; StateError if another runs."""
    with _guard:
        running = _operations.get(key)
        if running is not None:
            raise StateError(f"{running} is running on this pair; wait for it to finish.")
        _operations[key] = name
    try:
        yield
    finally:
        with _guard:
            _operations.pop(key, None)
