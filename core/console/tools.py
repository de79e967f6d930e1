"""The Tools and Actions of SPEC F-11 beyond snapshots: Verify Target Data, and the
Exchange directory tools (Delegate Rights, Restore Public Folder Tree)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from core.directory.exchange_tools import PfTreeRestored, RightsGranted
from core.errors import StateError
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
        report = _verify.verify(self.s.routed_ctx(), self.s.store, pair,
                                lambda: self.s.source_inventory(app, source), snapshot,
                                progress)
        log_action("verify target data", pair=f"{source}->{target}",
                   usable=report.usable, snapshot=report.snapshot,
                   failed=",".join(i.label for i in report.not_usable))
        return report

    def delegate_rights(self, account: str) -> RightsGranted:
        """Delegate Rights (Exchange): ``account`` becomes an Exchange organization
        administrator, a change in the domain's directory."""
        from core.directory import exchange_tools

        directory = self.s.ctx.directory(read_only=False)
        try:
            done = exchange_tools.delegate_rights(directory, account, self.s.domain)
        finally:
            directory.close()
        log_action("delegate rights", account=account, group=done.group, added=done.added)
        return done

    def restore_pf_tree(self, source: str) -> list[PfTreeRestored]:
        """Restore PF Tree (Exchange, advanced): the targets of ``source``'s Exchange pairs
        rejoin the public folder tree of ``source``'s public stores."""
        from core.directory import exchange_tools

        targets = [r.target for r in self.s.store.pairs_with_source(source)
                   if r.app == "exchange"]
        if not targets:
            raise StateError(f"{source.upper()} is the source of no Exchange pair: "
                             "there is no target to give its public folder tree")
        directory = self.s.ctx.directory(read_only=False)
        try:
            out = [exchange_tools.restore_pf_tree(directory, source, t) for t in targets]
        finally:
            directory.close()
        for r in out:
            log_action("restore pf tree", pair=f"{r.source}->{r.target}", tree=r.tree_dn,
                       changed=len(r.changed))
        return out
