"""Help: how to work the console and every key."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.actions import ACTIONS, MENUS

NAVIGATION = """\
Tab, shift+Tab: next, previous field · Enter: open a list, press a button
Space: tick a box or a tree item · ←→: switch tabs when a tab is focused
The line above the footer explains the field that has the focus.
Actions that cannot run now are dimmed; pressing their key says why.
The footer shows the keys that fit; F10 (Menu) lists every action."""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold #88c0d0", no_wrap=True)
        keys.add_column()
        for menu in MENUS:
            keys.add_row(Text(menu, style="bold underline"), "")
            for ua in ACTIONS:
                if ua.menu == menu:
                    label = ua.label + (" (later release)" if ua.later else "")
                    keys.add_row(self.app.get_key_display(Binding(ua.key, ua.id)),
                                 f"{label} — {ua.help}")
        palette = self.app.get_key_display(Binding("ctrl+p", "command_palette"))
        keys.add_row(palette, "Command palette — search every action")
        with Vertical(id="help", classes="dialog wide"):
            yield Static("Help", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(NAVIGATION, classes="dialog-text")
                yield Static(keys, classes="dialog-text")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
