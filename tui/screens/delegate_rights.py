"""Tools > Delegate Rights (Exchange, SPEC F-11): which account becomes an Exchange
organization administrator; the directory change runs in a worker."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.api_calls import ApiCaller, error_text
from tui.fmt import plain


class DelegateRightsScreen(ApiCaller, ModalScreen[bool]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, domain: str) -> None:
        super().__init__()
        self.domain = domain
        self.granted = False

    def compose(self) -> ComposeResult:
        with Vertical(id="delegate-rights", classes="dialog narrow"):
            yield Static("Delegate Rights", classes="dialog-title")
            yield Static("The account becomes an Exchange administrator of the whole "
                         f"organization (a group membership in {plain(self.domain)}).",
                         classes="dialog-text")
            yield Input(placeholder="DOMAIN\\user or user@domain", id="dr-account")
            yield Static("", id="dr-result", classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Grant", id="dr-grant", variant="primary", compact=True)
                yield Button("Close", id="dr-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#dr-account", Input).focus()

    @on(Input.Submitted, "#dr-account")
    @on(Button.Pressed, "#dr-grant")
    def grant(self) -> None:
        account = self.query_one("#dr-account", Input).value.strip()
        result = self.query_one("#dr-result", Static)
        if not account:
            result.update("Enter the account to grant the rights to.")
            return
        result.update(plain(f"Granting {account}…"))
        self.query_one("#dr-grant", Button).disabled = True
        self.call_api("delegate_rights", self.api.tools.delegate_rights, account)

    def api_delegate_rights(self, done: Any, _tag: Any) -> None:
        self.granted = True
        self.query_one("#dr-grant", Button).disabled = False
        verb = "is now" if done.added else "was already"
        self.query_one("#dr-result", Static).update(
            plain(f"{done.account} {verb} a member of {done.group}."))
        self.query_one("#dr-close", Button).focus()

    def api_failed_delegate_rights(self, err: BaseException, _tag: Any) -> None:
        self.query_one("#dr-grant", Button).disabled = False
        self.query_one("#dr-result", Static).update(plain(error_text(err)))

    @on(Button.Pressed, "#dr-close")
    def action_close(self) -> None:
        self.dismiss(self.granted)
