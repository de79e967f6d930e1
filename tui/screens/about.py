"""About appmgr: version and mode."""

from __future__ import annotations

import textual
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core import __version__
from tui.hosts import appmgr_app


class AboutScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def compose(self) -> ComposeResult:
        api = appmgr_app(self).api
        mode = "lab estate (loopback servers)" if api.lab else "your estate"
        advanced = "on" if getattr(self.app, "advanced", False) else "off"
        text = (f"appmgr {__version__}\n\n"
                "A keyboard-driven console to protect Windows application servers "
                "with replication and failover.\n\n"
                f"Mode: {mode}\nAdvanced options: {advanced}\n"
                f"Textual {textual.__version__}")
        with Vertical(id="about", classes="dialog narrow"):
            yield Static("About appmgr", classes="dialog-title")
            yield Static(text, classes="dialog-text")
            yield Button("Close", id="about-close", compact=True)

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
