"""The footer: every key that fits, chosen by priority, none cut in half (SPEC F-3).

Textual's footer puts the keys in a row and cuts the row at the screen's edge,
so at 80 columns Help, Exit and the palette key fell off the end. This one
leaves out whole keys instead, the least needed first: each action's
``footer`` priority in tui/actions.py (1 = always shown); keys of the focused
widget count as priority 2. What is left out is still one F10 (Menu) away.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.actions import BY_ID

#: priority of a key that is not one of the main window's actions
OTHER = 2
#: the command palette's action (always shown, docked at the right)
PALETTE = "command_palette"


def key_width(key: FooterKey) -> int:
    """Cells the key takes in the compact footer, its margin and border included."""
    text = f"{key.key_display} {key.description}" if key.description else key.key_display
    styles = key.styles
    return Text(text).cell_len + styles.gutter.width + styles.margin.width


def priority(key: FooterKey) -> int:
    if key.action == PALETTE:
        return 1
    action = BY_ID.get(key.action)
    return action.footer if action is not None and action.footer else OTHER


def fitting(widths: list[tuple[int, int]], room: int) -> set[int]:
    """Indexes of the keys to show: by priority, then in footer order, each one that
    still fits (a long key left out lets a shorter, later one in)."""
    shown: set[int] = set()
    used = 0
    for index, (_prio, width) in sorted(enumerate(widths), key=lambda e: (e[1][0], e[0])):
        if used + width <= room:
            shown.add(index)
            used += width
    return shown


class ActionFooter(Footer):
    """A compact footer that drops keys by priority when the row is too narrow."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(compact=True, **kwargs)  # type: ignore[arg-type]

    async def recompose(self) -> None:
        await super().recompose()
        self.fit()

    def on_resize(self, event: events.Resize) -> None:
        self.fit(event.size.width)

    def fit(self, room: int | None = None) -> None:
        keys = list(self.query(FooterKey))
        room = room or self.size.width or self.app.size.width
        show = fitting([(priority(k), key_width(k)) for k in keys], room)
        for index, key in enumerate(keys):
            key.display = index in show
