"""When each set's newest snapshot was taken, kept in memory (the engine's status replies).

Every status reply of a target's engine says when the set's last snapshot was
taken, and the console's Dashboard asks every engine once a second. Listing
the set's snapshots for that reads each ``snapshot.json`` on every request, so
:class:`SnapshotStore` keeps this index instead: a set's entries are read from
one listing the first time they are asked for, then kept by the store's own
take, delete and delete of the set.

A listing skips a VSS snapshot whose shadow copy VSS dropped (its diff area
was full; :func:`core.engine.snap_vss.alive`), and nothing tells the store
when that happens. So :meth:`NewestIndex.newest` checks that the entry it
answers with is still alive (a stat per volume, no file read) and forgets the
dead ones on its way down: it answers what a listing would.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.engine.snap_vss import Shadow, alive


@dataclass(frozen=True, order=True)
class Entry:
    taken: float
    id: str  # with ``taken``, the order a listing sorts by
    #: VSS shadow copies; none: a copy-on-write tree (the id already tells entries apart)
    shadows: tuple[Shadow, ...] = field(default=(), compare=False)


#: one full listing of a set: its entries, alive when read
Load = Callable[[str], Sequence[Entry]]


class NewestIndex:
    """Per set, its snapshots sorted as a listing sorts them; thread-safe (takes run on
    the set's disk thread, status replies on the engine's loop)."""

    def __init__(self, root: Path, load: Load) -> None:
        self.root = root
        self._load = load
        self._sets: dict[str, list[Entry]] = {}
        # held while a set loads, so a take or delete meanwhile applies after the load,
        # never under it (a take that the listing missed would be lost)
        self._lock = threading.Lock()

    def newest(self, name: str) -> float | None:
        """When the newest snapshot of set ``name`` that a listing shows was taken."""
        with self._lock:
            entries = self._entries(name)
            while entries and not alive(self.root / name / entries[-1].id / "tree",
                                        entries[-1].shadows):
                entries.pop()  # VSS dropped it: never listed again
            return entries[-1].taken if entries else None

    def add(self, name: str, entry: Entry) -> None:
        """A snapshot was taken (already listed); a set not loaded yet is left to its load."""
        with self._lock:
            entries = self._sets.get(name)
            if entries is not None and entry not in entries:  # the load may have seen it
                bisect.insort(entries, entry)

    def remove(self, name: str, sid: str) -> None:
        """Snapshot ``sid`` of set ``name`` is no longer listed."""
        with self._lock:
            entries = self._sets.get(name)
            if entries is not None:
                entries[:] = [e for e in entries if e.id != sid]

    def forget(self, name: str) -> None:
        """Read set ``name`` again from a listing when next asked (deleted, or unsure)."""
        with self._lock:
            self._sets.pop(name, None)

    def _entries(self, name: str) -> list[Entry]:
        entries = self._sets.get(name)
        if entries is None:
            entries = self._sets[name] = sorted(self._load(name))
        return entries
