"""Verify Target Data (SPEC F-11): the check's progress, then one line per database or
store — usable, or not and why — and the verdict."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import RichLog

from core.model.pair import Pair
from core.model.verify import VerifyReport
from tui.screens.steps import StepsScreen


class VerifyScreen(StepsScreen):
    """Runs ``api.tools.verify_target_data`` in a worker (the mirror keeps running)."""

    def __init__(self, api: Any, pair: Pair) -> None:
        super().__init__(f"Verify Target Data — {pair.source.upper()} → {pair.target.upper()}",
                         lambda progress: api.tools.verify_target_data(pair, None, progress))
        self.report: VerifyReport | None = None

    def api_steps(self, result: Any, _tag: Any) -> None:
        if not isinstance(result, VerifyReport):
            super().api_steps(result, _tag)
            return
        self.report = result
        log = self.query_one(RichLog)
        for item in result.items:
            glyph, colour = ("✔", "#a3be8c") if item.usable else ("✖", "#bf616a")
            line = Text(f"{glyph} ", style=colour)
            line.append(item.label, style="bold")
            line.append(f" — {'usable' if item.usable else 'NOT usable'}")
            if item.pages:
                line.append(f" ({item.pages} pages checked)")
            log.write(line)
            for err in item.errors:
                log.write(Text(f"    {err}", style="#bf616a"))
        kept = "kept" if result.kept_snapshot else "deleted after the check"
        log.write(Text(f"Checked in snapshot {result.snapshot} ({kept}).", style="#81a1c1"))
        if result.usable:
            self._finish(True, "The target's data is usable.")
        else:
            names = ", ".join(i.label for i in result.not_usable)
            self._finish(False, f"NOT usable: {names}.")
