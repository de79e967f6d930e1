"""Domain login (SPEC F-5.1): asked when the cached credentials cannot read the domain."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from core.errors import InvalidInput
from tui.api_calls import ApiCaller, error_text
from tui.widgets.help_line import HelpLine, HelpLineHost


class DomainLoginScreen(ApiCaller, HelpLineHost, ModalScreen[str | None]):
    """Dismisses with the domain now readable, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, domain: str, reason: str = "") -> None:
        super().__init__()
        self.domain = domain
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="domain-login", classes="dialog narrow"):
            yield Static("Log in to the domain", classes="dialog-title")
            reason = self.reason[:1].upper() + self.reason[1:]
            yield Static(f"{reason}." if reason and not reason.endswith(".") else reason,
                         classes="dialog-text")
            yield Static("", id="lab-account")
            for label, wid, password in (("Domain", "dlogin-domain", False),
                                         ("User", "dlogin-user", False),
                                         ("Password", "dlogin-password", True)):
                with Horizontal(classes="row"):
                    yield Label(label, classes="label")
                    yield Input(self.domain if wid == "dlogin-domain" else "", id=wid,
                                password=password, compact=True)
            yield Static("", id="dlogin-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Log in", id="dlogin-ok", variant="primary", compact=True)
                yield Button("Cancel", id="dlogin-cancel", compact=True)
            yield HelpLine("")

    def on_mount(self) -> None:
        first = "#dlogin-user" if self.domain else "#dlogin-domain"
        self.query_one(first, Input).focus()
        self.call_api("lab_credentials", self.app.api.lab_credentials)

    def api_lab_credentials(self, creds: tuple[str, str] | None, _tag: Any) -> None:
        if not creds or self.query_one("#dlogin-user", Input).value:
            return
        user, password = creds
        self.query_one("#lab-account", Static).update(
            f"Lab estate account: {user} / {password} (filled in for you)")
        self.query_one("#dlogin-user", Input).value = user
        self.query_one("#dlogin-password", Input).value = password
        if self.query_one("#dlogin-domain", Input).value:
            self.query_one("#dlogin-ok", Button).focus()

    @on(Input.Submitted, "#dlogin-domain")
    def _to_user(self) -> None:
        self.query_one("#dlogin-user", Input).focus()

    @on(Input.Submitted, "#dlogin-user")
    def _to_password(self) -> None:
        self.query_one("#dlogin-password", Input).focus()

    @on(Input.Submitted, "#dlogin-password")
    @on(Button.Pressed, "#dlogin-ok")
    def _submit(self) -> None:
        domain = self.query_one("#dlogin-domain", Input).value.strip()
        user = self.query_one("#dlogin-user", Input).value.strip()
        password = self.query_one("#dlogin-password", Input).value
        if not user:
            self._error("Enter a user name.")
            self.query_one("#dlogin-user", Input).focus()
            return
        self._error(f"Reading {domain or 'the domain'}…", error=False)
        self.call_api("domain_login", self.app.api.domain_login, domain, user, password)

    def api_domain_login(self, domain: str, _tag: Any) -> None:
        self.dismiss(domain)

    def api_failed_domain_login(self, err: BaseException, _tag: Any) -> None:
        field = getattr(err, "field", "")
        self._error(err.message if isinstance(err, InvalidInput) else error_text(err))
        focus = "#dlogin-domain" if field == "domain" else "#dlogin-password"
        self.query_one(focus, Input).focus()

    def _error(self, text: str, error: bool = True) -> None:
        line = self.query_one("#dlogin-error", Static)
        line.update(text)
        line.set_class(bool(text), "-shown")
        line.set_class(not error, "-info")

    @on(Button.Pressed, "#dlogin-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
