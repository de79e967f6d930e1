"""The failover question (SPEC F-9.2): fail over now, or gracefully, or cancel.

A graceful (soft) failover is offered only for the applications that have one
(not SharePoint, not File server): it drains the replication queue (bounded),
stops the source's services, then starts the target's, so the two never both
serve. Keys are shown in the dialog: ``y`` fail over, ``g`` graceful, ``n`` and
Escape cancel. While the source still answers, graceful is the only failover
and has the focus.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

NOW, GRACEFUL = "now", "graceful"
#: the bound the console gives the drain (the CLI's --drain-timeout default)
DRAIN_SECONDS = 60


def failover_text(source: str, target: str, graceful: bool, source_up: bool) -> str:
    lines = [f"Fail over {source} to {target} now?",
             f"Clients of {source} will be sent to {target}."]
    if graceful:
        lines += ["", f"Graceful: wait for the replication queue to drain (at most "
                      f"{DRAIN_SECONDS} s), stop {source}'s services, then start {target}'s."]
        if source_up:
            lines.append(f"{source} still answers, so only a graceful failover is offered.")
    return "\n".join(lines)


class FailoverConfirmScreen(ModalScreen[str | None]):
    """Answers NOW, GRACEFUL or None (cancel)."""

    BINDINGS = [
        Binding("escape", "answer(None)", "Cancel", show=False),
        Binding("y", "answer('now')", "Fail over", show=False),
        Binding("g", "answer('graceful')", "Graceful", show=False),
        Binding("n", "answer(None)", "Cancel", show=False),
    ]

    def __init__(self, source: str, target: str, *, graceful: bool, source_up: bool) -> None:
        super().__init__()
        self.source, self.target = source, target
        self.graceful, self.source_up = graceful, source_up and graceful

    def _keys(self) -> str:
        keys = [] if self.source_up else ["y Fail over"]
        if self.graceful:
            keys.append("g Graceful")
        return " · ".join([*keys, "n Cancel"])

    def compose(self) -> ComposeResult:
        with Vertical(id="failover-confirm", classes="dialog narrow"):
            yield Static("Failover", classes="dialog-title")
            yield Static(failover_text(self.source, self.target, self.graceful, self.source_up),
                         id="failover-text", classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                if not self.source_up:
                    yield Button("Fail over", id=NOW, variant="primary", compact=True)
                if self.graceful:
                    yield Button("Graceful", id=GRACEFUL, compact=True,
                                 variant="primary" if self.source_up else "default")
                yield Button("Cancel", id="no", compact=True)
            yield Static(self._keys(), id="failover-keys", classes="hint")

    def on_mount(self) -> None:
        self.query_one(f"#{GRACEFUL if self.source_up else NOW}", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id if event.button.id in (NOW, GRACEFUL) else None)

    def action_answer(self, answer: str | None) -> None:
        if answer == GRACEFUL and not self.graceful or answer == NOW and self.source_up:
            return  # not offered here
        self.dismiss(answer)
