"""The one-line header: application, pair and protection state."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.fmt import STATE_CLASS

_STATE_COLOURS = {"ok": "#a3be8c", "busy": "#88c0d0", "bad": "#bf616a", "idle": "#d8dee9"}


class PairHeader(Static):
    def show(self, app_title: str, source: str, target: str, state: str, lab: bool,
             detail: str = "") -> None:
        """``detail``: why the state is not Protected ("Target unreachable"), shown after it."""
        text = Text.assemble((" appmgr ", "bold #1f232b on #88c0d0"), " ")
        text.append(app_title or "No application selected", style="bold")
        if source or target:
            text.append("  ·  ")
            text.append(f"{source or '?'} → {target or '?'}")
        if state:
            colour = _STATE_COLOURS[STATE_CLASS.get(state, "idle")]
            text.append("  ·  ")
            text.append(state, style=f"bold {colour}")
            if detail:
                text.append(f": {detail}", style=colour)
        if lab:
            text.append("  [lab]", style="#ebcb8b")
        self.update(text)
