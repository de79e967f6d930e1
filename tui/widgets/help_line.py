"""The one-line help shown for the focused field (SPEC F-3)."""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from tui.help_text import help_for


class HelpLine(Static):
    """A ``Static`` that echoes the focused widget's help text."""

    DEFAULT_CLASSES = "help-line"

    def show_for(self, widget: object) -> None:
        self.update(help_for(widget))


class HelpLineHost:
    """Mixin for screens: keep their HelpLine in step with the focus."""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for line in self.query(HelpLine):
            line.show_for(event.widget)
