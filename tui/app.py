"""The Textual application: ``AppmgrApp(api, preselect_app=…, advanced=…)``."""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from core.visible import visible
from tui.screens.main import MainScreen
from tui.theme import APPMGR_THEME

if TYPE_CHECKING:  # the façade module pulls in all of core; the UI needs only its type
    from textual.notifications import SeverityLevel

    from core.console.api import ConsoleApi

def load_css() -> str:
    """Every ``.tcss`` of the ``styles`` package, found the way an installed copy is."""
    files = sorted((f for f in resources.files("styles").iterdir() if f.name.endswith(".tcss")),
                   key=lambda f: f.name)
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


class AppmgrApp(App[int]):
    """The console. All work goes through ``api`` (core's ConsoleApi façade)."""

    CSS = load_css()
    TITLE = "appmgr"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
                # the footer's label for the palette (Textual's own says "palette")
                Binding("ctrl+p", "command_palette", "Palette", show=False, priority=True,
                        tooltip="Search every action")]

    def __init__(self, api: ConsoleApi, *, preselect_app: str | None = None,
                 advanced: bool = False, clock: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.api = api
        self.preselect_app = preselect_app
        self.advanced = advanced or api.advanced
        self.lab = api.lab
        #: epoch seconds now; injected so "last heartbeat 3 s ago" is testable
        self.clock: Callable[[], float] = clock or time.time
        # no animations: every frame costs bytes over a slow SSH link
        self.animation_level = "none"
        self.register_theme(APPMGR_THEME)
        self.theme = APPMGR_THEME.name

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast shows its text as it is: messages quote stored values and what
        servers said, so markup is never read and control characters are escaped."""
        super().notify(visible(message), title=visible(title, one_line=True),
                       severity=severity, timeout=timeout, markup=False)

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.preselect_app)

    async def action_quit(self) -> None:
        self.exit(0)
