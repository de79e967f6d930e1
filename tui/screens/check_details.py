"""Details of one validation result (Enter on a row)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.fmt import CHECK_GLYPHS


class CheckDetailsScreen(ModalScreen[bool]):
    """Dismisses with True when the user asks for the fix."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("f", "fix", "Fix", show=False)]

    def __init__(self, result: Any) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        glyph, colour = CHECK_GLYPHS.get(r.status, ("?", "#d8dee9"))
        can_fix = bool(r.fixable) and r.status != "passed"
        body = Text()
        body.append(f"{glyph} {r.status}", style=f"bold {colour}")
        body.append(f"   group: {getattr(r, 'group', '') or '—'}   check: {r.id}\n\n")
        body.append(r.reason or "No further detail.")
        if can_fix:
            body.append("\n\nThe console can repair this: press f or Fix.", style="italic")
        with Vertical(id="check-details", classes="dialog narrow"):
            yield Static(r.title, classes="dialog-title")
            yield Static(body, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                if can_fix:
                    yield Button("Fix", id="details-fix", variant="primary", compact=True)
                yield Button("Close", id="details-close", compact=True)

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed, "#details-fix")
    def action_fix(self) -> None:
        if self.result.fixable and self.result.status != "passed":
            self.dismiss(True)

    @on(Button.Pressed, "#details-close")
    def action_close(self) -> None:
        self.dismiss(False)
