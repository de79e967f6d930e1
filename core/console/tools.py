"""The Tools and Actions of SPEC F-11 beyond snapshots: Verify Target Data, and the
Exchange directory tools (Delegate Rights, Restore Public Folder Tree)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from core.logs import log_action
from core.model.pair import Pair
from core.model.verify import VerifyReport

if TYPE_CHECKING:
    from core.console.session import Session


class ToolsService:
    def __init__(self, session: Session) -> None:
        self.s = session

    def verify_target_data(self, pair: Pair, snapshot: str | None = None,
                           progress: Callable[[str], None] | None = None) -> VerifyReport:
        """Check each database (SQL) or store (Exchange) in a snapshot of the target's
        data without stopping the mirror; ``snapshot`` names one to use (else one is
        taken for the check and deleted after)."""
        from core.protection import verify as _verify

        app, source, target = pair.parts
        report = _verify.verify(self.s.routed_ctx(), self.s.store, app, source, target,
                                lambda: self.s.source_inventory(app, source), snapshot,
                                progress)
        log_action("verify target data", pair=f"{source}->{target}",
                   usable=report.usable, snapshot=report.snapshot,
                   failed=",".join(i.label for i in report.not_usable))
        return report
