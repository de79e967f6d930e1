"""The F10 menu: every action by menu (File, Tools, Actions, Help) with its state."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class MenuScreen(ModalScreen[str | None]):
    """Dismisses with the chosen action id (disabled ones say why when run)."""

    BINDINGS = [Binding("escape,f10", "close", "Close")]

    def __init__(self, entries: list[tuple[str, str, str, str, str | None]]) -> None:
        super().__init__()
        self.entries = entries

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        menu_seen = ""
        for menu, action_id, label, key, reason in self.entries:
            if menu != menu_seen:
                options.append(Option(Text(menu, style="bold underline"), disabled=True))
                menu_seen = menu
            line = Text(f"  {label:<30}", style="dim" if reason else "")
            line.append(f"{key:>7}", style="#88c0d0")
            if reason:
                line.append(f"\n    {reason}", style="italic #8f96a3")
            options.append(Option(line, id=action_id))
        with Vertical(id="menu", classes="dialog"):
            yield Static("Menu — Enter runs, Esc closes", classes="dialog-title")
            yield OptionList(*options, id="menu-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
