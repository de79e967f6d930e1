"""Typed views of what a widget sits in: Textual types ``node.app`` as ``App[Any]`` and
``widget.screen`` as ``Screen[object]``; these say which app and screen they are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.app import AppmgrApp
    from tui.screens.configure import ConfigureScreen
    from tui.screens.main import MainScreen


def appmgr_app(node: DOMNode | Any) -> AppmgrApp:
    """The running console app (every node of this TUI runs in one)."""
    return cast("AppmgrApp", node.app)


def configure_screen(node: DOMNode | Any) -> ConfigureScreen:
    """The Configure Protection screen a tab or panel is composed in."""
    return cast("ConfigureScreen", node.screen)


def main_screen(node: DOMNode | Any) -> MainScreen:
    """The main window (the command palette's providers run over it)."""
    return cast("MainScreen", node.screen)
