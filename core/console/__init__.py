"""The console façade: what the TUI and the headless CLI call.

``api`` declares it (``ConsoleApi``); ``console`` implements it over core.
"""

from core.console.console import Console

__all__ = ["Console"]
