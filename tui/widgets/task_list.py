"""The task list: one entry per application (SPEC F-3, left pane)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class TaskList(OptionList):
    """Lists ``Protect …`` tasks; highlighting one shows its page."""

    class AppChosen(Message):
        def __init__(self, application: Any) -> None:
            super().__init__()
            self.application = application

    def set_apps(self, apps: list[Any]) -> None:
        self._apps = {a.id: a for a in apps}
        self.clear_options()
        for a in apps:
            # SPEC F-3's short names ("Protect Exchange") keep the list narrow at 80 columns
            name = a.task_label if len(a.task_label) <= 20 else a.task_label.removesuffix(" Server")
            label = Text(name, style="" if a.protectable else "dim")
            self.add_option(Option(label, id=a.id))

    def select_app(self, app_id: str) -> None:
        for index in range(self.option_count):
            if self.get_option_at_index(index).id == app_id:
                self.highlighted = index
                return

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        app = self._apps.get(event.option.id or "")
        if app is not None:
            self.post_message(self.AppChosen(app))
