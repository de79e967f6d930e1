"""Entry point used by the CLI: ``run_tui(api, preselect_app=…, advanced=…) -> int``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the façade module pulls in all of core; the UI needs only its type
    from core.console.api import ConsoleApi

def run_tui(api: ConsoleApi, **kwargs: Any) -> int:
    """Run the console until the user leaves; returns the process exit code."""
    from tui.app import AppmgrApp  # imported here so headless commands never load Textual

    app = AppmgrApp(api, **kwargs)
    app.run()
    return int(app.return_code or 0)
