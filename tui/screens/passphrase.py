"""The credential file's passphrase, asked in a dialog (SPEC F-12; issue 11).

The encrypted-file keyring asks for its passphrase from whichever thread first
needs a credential: always a worker (ARCHITECTURE rule 3). :class:`DialogPassphrase`
is that callback: it posts the dialog to the app's loop and waits for the answer,
touching no widget from the worker. On the UI thread it refuses at once (waiting
there would freeze the very loop that draws the dialog).
"""

from __future__ import annotations

import threading
from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from core.errors import InvalidInput
from tui.widgets.help_line import HelpLine, HelpLineHost

CANCELLED = ("the credential file stays locked: its passphrase was not entered "
             "(it is asked again the next time a saved password is needed)")


class PassphraseScreen(HelpLineHost, ModalScreen[str | None]):
    """Dismisses with the passphrase typed, or None when cancelled (Escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, new: bool, error: str = "") -> None:
        super().__init__()
        self.new = new
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="passphrase", classes="dialog narrow"):
            if self.new:
                yield Static("Protect saved passwords", classes="dialog-title")
                yield Static("appmgr keeps the passwords you log in with in an encrypted "
                             "file. Choose a passphrase for it; it is asked once each time "
                             "appmgr starts.", classes="dialog-text")
            else:
                yield Static("Unlock saved passwords", classes="dialog-title")
                yield Static("Enter the passphrase of appmgr's encrypted credential file. "
                             "Escape goes on without saved passwords.", classes="dialog-text")
            with Horizontal(classes="row"):
                yield Label("Passphrase", classes="label")
                yield Input(id="pp-first", password=True, compact=True)
            if self.new:
                with Horizontal(classes="row"):
                    yield Label("Again", classes="label")
                    yield Input(id="pp-again", password=True, compact=True)
            yield Static("", id="pp-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Unlock" if not self.new else "Create", id="pp-ok",
                             variant="primary", compact=True)
                yield Button("Cancel", id="pp-cancel", compact=True)
            yield HelpLine("")

    def on_mount(self) -> None:
        self._show_error(self.error)
        self.query_one("#pp-first", Input).focus()

    @on(Input.Submitted, "#pp-first")
    def _first_done(self) -> None:
        if self.new:
            self.query_one("#pp-again", Input).focus()
        else:
            self._submit()

    @on(Input.Submitted, "#pp-again")
    @on(Button.Pressed, "#pp-ok")
    def _submit(self) -> None:
        first = self.query_one("#pp-first", Input)
        if not first.value.strip():
            self._show_error("Enter a passphrase (Escape: continue without saved passwords).")
            first.focus()
            return
        if self.new:
            again = self.query_one("#pp-again", Input)
            if again.value != first.value:
                self._show_error("The two passphrases differ: type them again.")
                first.value = again.value = ""
                first.focus()
                return
        self.dismiss(first.value)

    @on(Button.Pressed, "#pp-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _show_error(self, text: str) -> None:
        line = self.query_one("#pp-error", Static)
        line.update(text)
        line.set_class(bool(text), "-shown")


class DialogPassphrase:
    """The console's :data:`core.credentials.backend.PassphraseCallback`: the dialog.

    Built before the app exists (the Console is built first); :meth:`attach` names
    the app once it does. Asked again after a wrong passphrase until cancelled.
    """

    attempts = None  # until the user presses Escape

    def __init__(self, app: App[Any] | None = None) -> None:
        self._app = app

    def attach(self, app: App[Any]) -> None:
        self._app = app

    def __call__(self, new: bool, error: str = "") -> str | None:
        app = self._app
        if app is None or not app.is_running:
            raise InvalidInput("passphrase", "the credential file is locked and the console "
                                             "is not running to ask its passphrase")
        if threading.get_ident() == getattr(app, "_thread_id", None):
            # a façade call on the UI thread (a bug elsewhere): refusing beats a freeze
            raise InvalidInput("passphrase", "the credential file is locked; its passphrase "
                                             "is asked when a saved password is next needed")
        answer: list[str | None] = []
        done = threading.Event()

        def answered(value: str | None) -> None:
            answer.append(value)
            done.set()

        try:
            app.call_from_thread(app.push_screen, PassphraseScreen(new, error), answered)
        except Exception:  # the app stopped meanwhile (RuntimeError, CancelledError)
            raise InvalidInput("passphrase", CANCELLED) from None
        # No time limit: a person is typing. Leaving the app ends the wait.
        while not done.wait(0.5):
            if not app.is_running:
                break
        if not answer or answer[0] is None:
            raise InvalidInput("passphrase", CANCELLED)
        return answer[0]
