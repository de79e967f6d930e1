"""The failover question (SPEC F-9.2): fail over now, or gracefully, or cancel.

A graceful (soft) failover is offered only for the applications that have one
(not SharePoint, not File server): it drains the replication queue (bounded),
stops the source's services, then starts the target's, so the two never both
serve. Keys are shown in the dialog: ``y`` fail over, ``g`` graceful, ``n`` and
Escape cancel. While the source still answers, graceful is the only failover
and has the focus.

When the target holds snapshots of the data (F-6.3), the dialog asks which
point to serve: the latest replicated data (the default) or a snapshot, to
which the target is rolled back first (``point``; not with graceful).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from core.model.pair import Pair
from tui.api_calls import ApiCaller

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


class FailoverConfirmScreen(ApiCaller, ModalScreen[str | None]):
    """Answers NOW, GRACEFUL or None (cancel); ``point`` is the snapshot chosen ("" for
    the latest data)."""

    BINDINGS = [
        Binding("escape", "answer(None)", "Cancel", show=False),
        Binding("y", "answer('now')", "Fail over", show=False),
        Binding("g", "answer('graceful')", "Graceful", show=False),
        Binding("n", "answer(None)", "Cancel", show=False),
    ]

    def __init__(self, source: str, target: str, *, graceful: bool, source_up: bool,
                 app_id: str = "") -> None:
        super().__init__()
        self.source, self.target = source, target
        self.graceful, self.source_up = graceful, source_up and graceful
        self.app_id = app_id
        self.point = ""

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
        if self.app_id and not self.source_up:
            self.call_api("snapshots", self.api.snapshots.listing,
                          Pair(self.app_id, self.source, self.target))

    def api_snapshots(self, snaps: list[Any], _tag: Any) -> None:
        if not snaps:
            return  # nothing to choose: the latest data, as without snapshots
        from tui.screens.snapshots import taken_text

        options = [("Latest replicated data", "")] + [
            (f"Snapshot of {taken_text(s.taken)}", s.id) for s in reversed(snaps)]
        buttons = self.query_one(".dialog-buttons")
        self.mount(Static(f"Data to serve (a snapshot: {self.target} is rolled back to it):",
                          classes="dialog-text"), before=buttons)
        self.mount(Select(options, value="", allow_blank=False, compact=True,
                          id="failover-point"), before=buttons)

    def api_failed_snapshots(self, _err: BaseException, _tag: Any) -> None:
        pass  # no list: the failover serves the latest data, as without snapshots

    @on(Select.Changed, "#failover-point")
    def _point(self, event: Select.Changed) -> None:
        self.point = str(event.value or "")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id if event.button.id in (NOW, GRACEFUL) else None)

    def action_answer(self, answer: str | None) -> None:
        if answer == GRACEFUL and not self.graceful or answer == NOW and self.source_up:
            return  # not offered here
        if answer == GRACEFUL and self.point:
            self.notify("A graceful failover serves the latest data: choose Fail over (y) "
                        "for a snapshot.", severity="warning")
            return
        self.dismiss(answer)
