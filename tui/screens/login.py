"""Server login (SPEC F-5.4): asked the first time a server is chosen."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.api_calls import ApiCaller, error_text
from tui.widgets.help_line import HelpLine, HelpLineHost


class LoginScreen(ApiCaller, HelpLineHost, ModalScreen[Any]):
    """Dismisses with the inventoried Server, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, server: str, role: str = "") -> None:
        super().__init__()
        self.server = server
        self.role = role

    def compose(self) -> ComposeResult:
        with Vertical(id="login", classes="dialog narrow"):
            yield Static(f"Log in to {self.server}", classes="dialog-title")
            yield Static(f"The account must be in the replication engine's admin group on "
                         f"{self.server}. Forms: DOMAIN\\user or user@domain.",
                         classes="dialog-text")
            yield Static("", id="lab-account")
            with Horizontal(classes="row"):
                yield Label("User", classes="label")
                yield Input(id="login-user", compact=True, placeholder=r"DOMAIN\user")
            with Horizontal(classes="row"):
                yield Label("Password", classes="label")
                yield Input(id="login-password", password=True, compact=True)
            yield Static("", id="login-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Log in", id="login-ok", variant="primary", compact=True)
                yield Button("Cancel", id="login-cancel", compact=True)
            yield HelpLine("")

    def on_mount(self) -> None:
        self.query_one("#login-user", Input).focus()
        self.call_api("lab_credentials", self.api.logins.lab_credentials)

    def api_lab_credentials(self, creds: tuple[str, str] | None, _tag: Any) -> None:
        if not creds:
            return
        user, password = creds
        self.query_one("#lab-account", Static).update(
            f"Lab estate account: {user} / {password} (filled in for you)")
        if not self.query_one("#login-user", Input).value:
            self.query_one("#login-user", Input).value = user
            self.query_one("#login-password", Input).value = password
            self.query_one("#login-ok", Button).focus()

    @on(Input.Submitted, "#login-user")
    def _next(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    @on(Button.Pressed, "#login-ok")
    def _submit(self) -> None:
        user = self.query_one("#login-user", Input).value.strip()
        password = self.query_one("#login-password", Input).value
        if not user:
            self._error("Enter a user name.")
            self.query_one("#login-user", Input).focus()
            return
        self._error(f"Checking the account on {self.server}…", error=False)
        self.query_one("#login-ok", Button).disabled = True
        self.call_api("login", self.api.logins.login, self.server, user, password)

    def api_login(self, server: Any, _tag: Any) -> None:
        self.dismiss(server)

    def api_failed_login(self, err: BaseException, _tag: Any) -> None:
        self.query_one("#login-ok", Button).disabled = False
        self._error(error_text(err))
        self.query_one("#login-password", Input).focus()

    def _error(self, text: str, error: bool = True) -> None:
        line = self.query_one("#login-error", Static)
        line.update(text)
        line.set_class(bool(text), "-shown")
        line.set_class(not error, "-info")

    @on(Button.Pressed, "#login-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
