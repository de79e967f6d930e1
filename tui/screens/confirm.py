"""A yes/no question (also the failover prompt of F-9.1).

The keys are shown in the dialog (a modal has no footer of its own): ``y`` answers
yes, ``n`` and Escape no. ``focus_yes=False`` puts the focus on the safe choice, so a
stray Enter cannot start what the question is about (the failure prompt).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "answer(False)", "No", id="confirm.cancel", show=False),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, body: str, *, yes: str = "Yes", no: str = "Cancel",
                 dialog_id: str = "confirm", focus_yes: bool = True) -> None:
        super().__init__()
        self.title_text, self.body, self.yes, self.no = title, body, yes, no
        self.dialog_id = dialog_id
        self.focus_yes = focus_yes

    def compose(self) -> ComposeResult:
        with Vertical(id=self.dialog_id, classes="dialog narrow"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.body, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="primary", compact=True)
                yield Button(self.no, id="no", compact=True)
            yield Static(self.key_hint(), id="confirm-keys", classes="hint")

    def key_hint(self) -> str:
        """``y Fail over · n Not now``: the shown bindings, described by this dialog's answers."""
        answers = {"confirm.yes": self.yes, "confirm.no": self.no}
        shown = [b for b in self.BINDINGS if isinstance(b, Binding) and b.show]
        return " · ".join(f"{b.key} {answers[b.id]}" for b in shown if b.id in answers)

    def on_mount(self) -> None:
        self.query_one("#yes" if self.focus_yes else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
