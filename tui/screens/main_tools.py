"""The main window's Tools of SPEC F-11: Verify Target Data, Delegate Rights, Restore PF
Tree (each runs in a worker behind its own dialog)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.screens.main_actions import MainActions


class MainTools(MainActions):
    def action_verify_target(self) -> None:
        from tui.screens.verify import VerifyScreen

        self.log_action("verify target data")
        self.app.push_screen(VerifyScreen(self.api, self._pair()), lambda _r: self._after_change())

    def action_delegate_rights(self) -> None:
        from tui.screens.delegate_rights import DelegateRightsScreen

        self.log_action("delegate rights")
        self.app.push_screen(DelegateRightsScreen(self.api.domain))

    def action_restore_pf_tree(self) -> None:
        source, api = self.session.source, self.api
        self._confirm("Restore PF Tree",
                      f"Put the target's public stores back in the public folder tree of "
                      f"{source}? Mail for public folders may then be routed to the target.",
                      "Restore", lambda: self._steps("Restore PF Tree",
                                                     lambda progress: _pf_tree(api, source)))


@dataclass(frozen=True)
class _Line:
    """One line of the Steps dialog: ``step`` with its outcome."""

    step: str
    ok: bool
    message: str = ""


def _pf_tree(api: Any, source: str) -> list[_Line]:
    return [_Line(f"{r.target}: public folder tree of {r.source}", True,
                  f"{len(r.changed)} store(s) rejoined, {len(r.already)} already in it")
            for r in api.tools.restore_pf_tree(source)]
