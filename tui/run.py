"""Entry point used by the CLI: ``run_tui(api, preselect_app=…, advanced=…) -> int``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the façade module pulls in all of core; the UI needs only its type
    from core.console.api import ConsoleApi
    from tui.screens.passphrase import DialogPassphrase

def run_tui(api: ConsoleApi, *, passphrase: DialogPassphrase | None = None,
            **kwargs: Any) -> int:
    """Run the console until the user leaves; returns the process exit code.
    ``passphrase``: the credential file's passphrase callback the Console was built
    with, to be answered by this app's dialog."""
    from tui.app import AppmgrApp  # imported here so headless commands never load Textual

    app = AppmgrApp(api, **kwargs)
    if passphrase is not None:
        passphrase.attach(app)
    app.run()
    return int(app.return_code or 0)
