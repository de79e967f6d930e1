"""Domain login (SPEC F-5.1, issue 14): the account, and how to reach the domain's DC.

Opens by itself when no usable domain credential exists (Setup, Find…), and from
the menu and the palette at any time. The DC (optional: else found in DNS), the
CA file (optional: else the system's trust store) and LDAPS or StartTLS are
saved per domain once the DC accepted the account; the password goes to the
credential cache only.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from core.errors import InvalidInput
from tui.api_calls import ApiCaller, error_text
from tui.widgets.help_line import HelpLine, HelpLineHost

TLS_CHOICES = [("StartTLS (port 389)", "starttls"), ("LDAPS (port 636)", "ldaps")]
#: the façade's field names -> the dialog's inputs (where an error is shown)
FIELD_INPUTS = {"domain": "#dlogin-domain", "user": "#dlogin-user", "dc": "#dlogin-dc",
                "ca": "#dlogin-ca", "tls": "#dlogin-tls"}


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
            text = Static(f"{reason}." if reason and not reason.endswith(".") else reason,
                          classes="dialog-text")
            text.display = bool(reason)  # opened from the menu: no reason, no empty lines
            yield text
            lab = Static("", id="lab-account")
            lab.display = False  # shown in the lab only, with its account
            yield lab
            for label, wid, password, hint in (
                    ("Domain", "dlogin-domain", False, "e.g. corp.example.com"),
                    ("User", "dlogin-user", False, r"DOMAIN\user or user@domain"),
                    ("Password", "dlogin-password", True, ""),
                    ("DC", "dlogin-dc", False, "optional: HOST[:PORT], else found in DNS"),
                    ("CA file", "dlogin-ca", False, "optional: PEM, else the system's CAs")):
                with Horizontal(classes="row"):
                    yield Label(label, classes="label")
                    yield Input(self.domain if wid == "dlogin-domain" else "", id=wid,
                                password=password, compact=True, placeholder=hint)
            with Horizontal(classes="row"):
                yield Label("TLS", classes="label")
                yield Select(TLS_CHOICES, id="dlogin-tls", value="starttls", allow_blank=False,
                             compact=True)
            yield Static("", id="dlogin-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Log in", id="dlogin-ok", variant="primary", compact=True)
                yield Button("Cancel", id="dlogin-cancel", compact=True)
            yield HelpLine("")

    def on_mount(self) -> None:
        first = "#dlogin-user" if self.domain else "#dlogin-domain"
        self.query_one(first, Input).focus()
        self.call_api("lab_credentials", self.api.logins.lab_credentials)
        if self.domain:
            self.call_api("domain_connection", self.api.domains.domain_connection, self.domain)

    def api_domain_connection(self, conn: Any, _tag: Any) -> None:
        """The domain's saved settings: the DC, CA, TLS mode and user of its last login."""
        for wid, value in (("#dlogin-dc", conn.dc), ("#dlogin-ca", conn.ca_file),
                           ("#dlogin-user", conn.user)):
            field = self.query_one(wid, Input)
            if value and not field.value:
                field.value = value
        self.query_one("#dlogin-tls", Select).value = conn.tls
        if conn.user and self.focused is self.query_one("#dlogin-user", Input):
            self.query_one("#dlogin-password", Input).focus()

    def api_failed_domain_connection(self, _err: BaseException, _tag: Any) -> None:
        pass  # nothing saved to prefill: the dialog stays empty

    def api_lab_credentials(self, creds: tuple[str, str] | None, _tag: Any) -> None:
        if not creds or self.query_one("#dlogin-user", Input).value:
            return
        user, password = creds
        lab = self.query_one("#lab-account", Static)
        lab.update(f"Lab estate account: {user} / {password} (filled in for you)")
        lab.display = True
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
    @on(Input.Submitted, "#dlogin-dc")
    @on(Input.Submitted, "#dlogin-ca")
    @on(Button.Pressed, "#dlogin-ok")
    def _submit(self) -> None:
        value = lambda wid: self.query_one(wid, Input).value  # noqa: E731
        domain, user, password = (value("#dlogin-domain").strip(), value("#dlogin-user").strip(),
                                  value("#dlogin-password"))
        if not user:
            self._error("Enter a user name.")
            self.query_one("#dlogin-user", Input).focus()
            return
        tls = self.query_one("#dlogin-tls", Select).value
        self._error(f"Reading {domain or 'the domain'}…", error=False)
        self.call_api("domain_login", self.api.domains.domain_login, domain, user, password,
                      dc=value("#dlogin-dc").strip(), ca_file=value("#dlogin-ca").strip(),
                      tls=str(tls) if tls != Select.NULL else "starttls")

    def api_domain_login(self, domain: str, _tag: Any) -> None:
        self.dismiss(domain)

    def api_failed_domain_login(self, err: BaseException, _tag: Any) -> None:
        field = getattr(err, "field", "")
        self._error(err.message if isinstance(err, InvalidInput) else error_text(err))
        self.query_one(FIELD_INPUTS.get(field, "#dlogin-password")).focus()

    def _error(self, text: str, error: bool = True) -> None:
        line = self.query_one("#dlogin-error", Static)
        line.update(text)
        line.set_class(bool(text), "-shown")
        line.set_class(not error, "-info")

    @on(Button.Pressed, "#dlogin-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
