"""The Setup tab's upper part: domain, source and target (SPEC F-5)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from core.errors import InvalidInput, Unreachable
from tui.api_calls import ApiCaller, error_text

ROLES = ("source", "target")


class SetupPane(ApiCaller, Vertical):
    """Chooses the pair; logs in to each server the first time it is chosen."""

    class PairChosen(Message):
        def __init__(self, source: str, target: str) -> None:
            super().__init__()
            self.source = source
            self.target = target

    class PairCleared(Message):
        pass

    class ActionRequested(Message):
        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app_id = ""
        self._preset: tuple[str, str] | None = None
        self._domain = ""
        self._chosen = {"source": "", "target": ""}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Domain", classes="label")
            yield Input(id="domain", compact=True, placeholder="e.g. corp.example.com")
        yield Static("", id="err-domain", classes="field-error")
        with Horizontal(classes="row"):
            yield Label("Source", classes="label")
            yield Select([], id="source", prompt="(choose)", compact=True)
            yield Label("Target", classes="label-inline")
            yield Select([], id="target", prompt="(choose)", compact=True)
        with Horizontal(classes="row buttons"):
            yield Button("Find…", id="find", compact=True)
            yield Button("Configure", id="btn-configure", compact=True)
            yield Button("Validate", id="btn-validate", compact=True)
            yield Button("Enable", id="btn-enable", compact=True)
        notes = Static("", id="pair-notes")
        notes.display = False
        yield notes

    # --- loading --------------------------------------------------------------
    def load(self, app_id: str, preset: tuple[str, str] | None = None) -> None:
        """Show ``app_id``'s domain and servers; ``preset`` reopens a pair (F-4 load last)."""
        self.app_id = app_id
        self._preset = preset
        self._chosen = {"source": "", "target": ""}
        self.show_notes("")
        api = self.app.api
        self.call_api("setup_load", lambda: (api.default_domain(app_id), api.server_list(app_id)))

    def api_setup_load(self, result: tuple[str, list[str]], _tag: Any) -> None:
        domain, servers = result
        self._domain = domain
        self.query_one("#domain", Input).value = domain
        self.set_servers(servers)
        if not servers:
            self.show_notes("No servers on the list yet: Find… searches the domain for them.")
        preset, self._preset = self._preset, None
        if preset and all(name in servers for name in preset):
            for role, name in zip(ROLES, preset, strict=True):
                self.query_one(f"#{role}", Select).value = name

    def set_servers(self, names: list[str]) -> None:
        if names and not any(self._chosen.values()):
            self.show_notes("")
        for role in ROLES:
            select = self.query_one(f"#{role}", Select)
            current = self._chosen[role]
            select.set_options([(n, n) for n in names])
            if current in names:
                select.value = current
            elif current:
                self._chosen[role] = ""
                self.post_message(self.PairCleared())

    def clear_pair(self) -> None:
        self._chosen = {"source": "", "target": ""}
        for role in ROLES:
            self.query_one(f"#{role}", Select).clear()
        self.show_notes("")

    def show_notes(self, text: str, severity: str = "info") -> None:
        notes = self.query_one("#pair-notes", Static)
        notes.update(text)
        notes.display = bool(text)
        notes.set_class(severity == "error", "-error")

    def set_action_states(self, reasons: dict[str, str | None]) -> None:
        """Enable the Configure/Validate/Enable buttons per the actions' reasons."""
        for action, reason in reasons.items():
            for button in self.query(f"#btn-{action}").results(Button):
                button.disabled = reason is not None
                button.tooltip = reason

    # --- domain (F-5.1) ---------------------------------------------------------
    @on(Input.Submitted, "#domain")
    @on(Input.Blurred, "#domain")
    def _domain_entered(self, event: Input.Submitted | Input.Blurred) -> None:
        value = event.value.strip()
        if value and value != self._domain:
            self.call_api("set_domain", self.app.api.set_domain, value)

    def api_set_domain(self, domain: str, _tag: Any) -> None:
        self._domain = domain
        self.query_one("#domain", Input).value = domain
        self._field_error("")
        api = self.app.api
        self.call_api("setup_load", lambda: (domain, api.server_list(self.app_id)))

    def api_failed_set_domain(self, err: BaseException, _tag: Any) -> None:
        self._field_error(err.message if isinstance(err, InvalidInput) else error_text(err))

    def _field_error(self, text: str) -> None:
        err = self.query_one("#err-domain", Static)
        err.update(text)
        err.set_class(bool(text), "-shown")

    # --- servers (F-5.4, F-5.5) --------------------------------------------------
    @on(Select.Changed, "#source")
    @on(Select.Changed, "#target")
    def _server_changed(self, event: Select.Changed) -> None:
        role = event.select.id or ""
        value = event.value
        if value == Select.NULL:
            if self._chosen[role]:
                self._chosen[role] = ""
                self.post_message(self.PairCleared())
            return
        name = str(value)
        if name == self._chosen[role]:
            return
        other = "target" if role == "source" else "source"
        if name == self._chosen[other]:
            self.show_notes(f"{name} is already the {other}; choose another server.", "error")
            self._revert(role)
            return
        self.show_notes(f"Checking {name}…")
        api = self.app.api
        self.call_api("needs_login", api.needs_login, name, tag=(role, name),
                      group=f"needs_login:{role}")

    def api_needs_login(self, needed: bool, tag: tuple[str, str]) -> None:
        role, name = tag
        if not needed:
            self._accept(role, name)
            return
        from tui.screens.login import LoginScreen

        def done(server: Any) -> None:
            if server is None:
                self.show_notes(f"Not logged in to {name}.")
                self._revert(role)
            else:
                self._accept(role, name)

        self.app.push_screen(LoginScreen(name, role), done)

    def api_failed_needs_login(self, err: BaseException, tag: tuple[str, str]) -> None:
        role, name = tag
        text = error_text(err)
        if isinstance(err, Unreachable) and role == "source":
            text += f" If {name} has failed over, select its target first."
        self.show_notes(text, "error")
        self._revert(role)

    def _accept(self, role: str, name: str) -> None:
        self._chosen[role] = name
        self.show_notes("")
        if all(self._chosen.values()):
            self.post_message(self.PairChosen(self._chosen["source"], self._chosen["target"]))

    def _revert(self, role: str) -> None:
        select = self.query_one(f"#{role}", Select)
        if self._chosen[role]:
            select.value = self._chosen[role]
        else:
            select.clear()

    # --- buttons ---------------------------------------------------------------
    @on(Button.Pressed, "#find")
    def _find(self) -> None:
        from tui.screens.advanced_find import AdvancedFindScreen

        def done(names: list[str] | None) -> None:
            if names is not None:
                self.set_servers(names)

        self.app.push_screen(AdvancedFindScreen(self.app_id, self._domain), done)

    @on(Button.Pressed, "#btn-configure,#btn-validate,#btn-enable")
    def _action_button(self, event: Button.Pressed) -> None:
        self.post_message(self.ActionRequested((event.button.id or "").removeprefix("btn-")))
