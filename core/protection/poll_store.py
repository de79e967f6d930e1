"""The pair store as the dashboard's poll reads it, once a second for every pair.

Each read of a pair record or configuration is a file read, a JSON parse and, for
a configuration, building it; every poll reads every record several times and every
configuration twice. Here a file is parsed again only when it changed — another
inode, size or modification time: every save is an atomic rename — so an unchanged
estate costs a ``stat`` per file. Each caller still gets its own record (its dicts and
lists copied), since the poll itself writes records (the lifecycle moves it sees)
and must not change what the next read returns. A configuration is shared: nothing
on the poll's path changes one.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from core.atomic import read_json
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.paths import AppPaths
from core.store import PairRecord, PairStore

_FIELDS = frozenset(PairRecord.__dataclass_fields__)
Stamp = tuple[int, int, int]


class PollStore(PairStore):
    def __init__(self, paths: AppPaths) -> None:
        super().__init__(paths)
        # keyed by the file's name as text: a stat of a str skips pathlib's formatting
        self._json: dict[str, tuple[Stamp, Any]] = {}
        self._configs_made: dict[str, tuple[Stamp, ProtectionConfig | None]] = {}
        self._paths: dict[tuple[Path, Pair], str] = {}
        self._lock = threading.Lock()

    def _path(self, folder: Path, pair: Pair) -> str:
        """The pair's file (its name checked once, not at every read)."""
        key = (folder, pair)
        path = self._paths.get(key)
        if path is None:
            path = self._paths[key] = str(self._file(folder, pair))
        return path

    @staticmethod
    def _stamp(path: str) -> Stamp | None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def _read(self, path: str) -> Any:
        stamp = self._stamp(path)
        if stamp is None:
            return None
        with self._lock:
            hit = self._json.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        data = read_json(Path(path))
        with self._lock:
            self._json[path] = (stamp, data)
        return data

    def record(self, pair: Pair) -> PairRecord:
        return _record(self._read(self._path(self._records, pair)), pair, own=True)

    def peek(self, pair: Pair) -> PairRecord:
        """The record to read only (shares the parsed file's values: change nothing)."""
        return _record(self._read(self._path(self._records, pair)), pair, own=False)

    def records(self) -> list[PairRecord]:
        """Every record, to read only (as :meth:`peek`)."""
        try:
            with os.scandir(self._records) as listing:
                names = sorted(e.path for e in listing  # as glob("*.json"): no hidden
                               if e.name.endswith(".json") and not e.name.startswith("."))
        except FileNotFoundError:
            return []
        return [_record(self._read(path) or {}, None, own=False) for path in names]

    def load_config(self, pair: Pair) -> ProtectionConfig | None:
        path = self._path(self._configs, pair)
        stamp = self._stamp(path)
        if stamp is None:
            return None
        with self._lock:
            hit = self._configs_made.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        d = read_json(Path(path))
        cfg = ProtectionConfig.from_dict(d) if d else None
        with self._lock:
            self._configs_made[path] = (stamp, cfg)
        return cfg


def _record(data: Any, pair: Pair | None, own: bool) -> PairRecord:
    """A record from the parsed file (``pair``'s, or a new one when there is none);
    ``own``: one the caller may change and save — what reading a status changes
    (``state``, ``updated``, a key of ``extra``) is its own."""
    if not data:
        app, source, target = pair.parts if pair is not None else ("", "", "")
        return PairRecord(app, source.upper(), target.upper())
    rec = PairRecord(**{k: v for k, v in data.items() if k in _FIELDS})
    if own:
        rec.extra = dict(rec.extra)
        rec.facts = dict(rec.facts)
        rec.steps_done = list(rec.steps_done)
        rec.source_ips, rec.target_ips = list(rec.source_ips), list(rec.target_ips)
    return rec
