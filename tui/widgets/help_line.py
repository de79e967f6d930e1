"""The one-line help shown for the focused field (SPEC F-3)."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tui.help_text import help_for
from tui.hosts import appmgr_app


class HelpLine(Widget):
    """One line echoing the focused widget's help text; a longer text wraps.

    A reactive that only repaints (no layout pass) unless the text wraps: it
    changes on every focus move, so it must be cheap.
    """

    DEFAULT_CLASSES = "help-line"
    text: reactive[str] = reactive("", layout=False)

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = text

    def watch_text(self, old: str, new: str) -> None:
        # a text longer than the line wraps onto a second row: only then is a layout
        # pass needed (the height changes); a short one is repainted in place
        width = self.content_region.width
        if width and max(len(old), len(new)) > width:
            self.refresh(layout=True)

    def on_resize(self, event: events.Resize) -> None:
        # a wrap grows or shrinks the line by a row, and the pane above by as much: the
        # focused field was scrolled into view for the old height and may now sit
        # just below the fold (the layout is done when this arrives)
        focused = self.screen.focused
        if focused is not None:
            focused.scroll_visible(animate=False)

    def render(self) -> Content:
        return Content(self.text)  # plain text: a backslash or bracket is not markup

    def show_for(self, widget: object) -> None:
        self.text = help_for(widget, appmgr_app(self).api.tabs.field_help)


class HelpLineHost:
    """Mixin for screens: keep their HelpLine in step with the focus."""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False  # a blinking cursor repaints forever over slow SSH
        for line in self.query(HelpLine):  # type: ignore[attr-defined]
            line.show_for(widget)
