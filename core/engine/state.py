"""The engine's persistent state under ``--state DIR``.

Layout::

    DIR/engine.json   sets, accepted sets (derived keys), connections, monitors
    DIR/engine.ready  {"pid", "listen", "port", "version"} while listening
    DIR/engine.pid    the process id while running
    DIR/spill/        queue overflow files, one per connection
    DIR/blockindex/   per connection, the block digests of what its target holds
                      (core.engine.block_index; versioned per entry)
    DIR/snapshots/    snapshots of accepted sets (core.engine.snapshots)

Every write is atomic (core.atomic) and readable by the owner only, since
derived keys are credentials.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from core import atomic

FORMAT = 1


class StateStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    @property
    def file(self) -> Path:
        return self.root / "engine.json"

    @property
    def spill_dir(self) -> Path:
        return self.root / "spill"

    @property
    def index_dir(self) -> Path:
        return self.root / "blockindex"

    def drop_index(self, name: str) -> None:
        """Forget what the target of connection ``name`` holds (it is disconnected)."""
        shutil.rmtree(self.index_dir / name, ignore_errors=True)

    def load(self) -> dict[str, Any]:
        data = atomic.read_json(self.file, default=None) or {}
        accepts = dict(data.get("accepts", {}))
        connections = dict(data.get("connections", {}))
        # heartbeat keys came with protocol 2; a file without them gets them from the
        # set keys it already holds (the same keys a newer file would hold)
        hb = {k: v["key"] for k, v in connections.items() if v.get("key")}
        hb.update({k: v["key"] for k, v in accepts.items() if v.get("key")})
        hb.update(data.get("heartbeat_keys", {}))
        return {
            "sets": dict(data.get("sets", {})),
            "accepts": accepts,
            "heartbeat_keys": hb,
            "connections": connections,
            "monitors": dict(data.get("monitors", {})),
            # identity failover (F-9.5) came later: a file without it has none registered
            "identities": dict(data.get("identities", {})),
            # snapshot schedules came later: a file without them has none
            "snapshot_schedules": dict(data.get("snapshot_schedules", {})),
        }

    def save(self, data: dict[str, Any]) -> None:
        atomic.write_json(self.file, {"format": FORMAT, **data}, mode=0o600)

    def mark_ready(self, info: dict[str, Any]) -> None:
        atomic.write_json(self.root / "engine.ready", info, mode=0o644)
        atomic.write_text(self.root / "engine.pid", f"{info['pid']}\n")

    def clear_ready(self) -> None:
        for name in ("engine.ready", "engine.pid"):
            (self.root / name).unlink(missing_ok=True)
