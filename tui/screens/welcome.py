"""The Welcome page: what appmgr does and the five steps (Help → Welcome)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

WELCOME = """\
appmgr protects Windows application servers: it replicates a
source server's data to a target server, watches the source, and
fails over to the target when the source dies.

  1. Choose an application on the left (↑↓ then Enter).
  2. Choose a source and a target (you log in the first time).
  3. Configure Protection (c) if the defaults do not suit you.
  4. Validate (v) and fix what the health check finds (f).
  5. Enable Protection (e), then watch the Monitor tab.

F1 help · F10 menu · ctrl+p every action · q exit"""


class WelcomeScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Start")]

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome", classes="dialog"):
            yield Static("Welcome to appmgr", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(WELCOME, classes="dialog-text")
            yield Button("Start", id="welcome-start", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
