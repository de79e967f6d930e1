"""Manage Snapshots (SPEC F-6.3): the target's snapshots of a pair's data.

The snapshot machinery is imported on use, as the protection service's is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.logs import log_action
from core.model.pair import Pair
from core.model.snapshot import SnapshotInfo

if TYPE_CHECKING:
    from core.console.session import Session


class SnapshotsService:
    """List, take and delete the snapshots the target's engine keeps."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def listing(self, pair: Pair) -> list[SnapshotInfo]:
        """Oldest first; empty when the pair is not protected."""
        from core.protection import snapshots as _snapshots

        return _snapshots.listing(self.s.routed_ctx(), self.s.store, pair)

    def take_snapshot(self, pair: Pair) -> SnapshotInfo:
        from core.protection import snapshots as _snapshots

        _, source, target = pair.parts
        snap = _snapshots.take(self.s.routed_ctx(), self.s.store, pair)
        log_action("take snapshot", pair=f"{source}->{target}", id=snap.id)
        return snap

    def delete_snapshot(self, pair: Pair, sid: str) -> None:
        from core.protection import snapshots as _snapshots

        _, source, target = pair.parts
        _snapshots.delete(self.s.routed_ctx(), self.s.store, pair, sid)
        log_action("delete snapshot", pair=f"{source}->{target}", id=sid)
