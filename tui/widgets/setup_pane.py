"""The Setup tab's upper part: domain, source and target (SPEC F-5)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from core.errors import Unreachable
from tui.api_calls import ApiCaller, error_text
from tui.widgets.setup_load import SQL_QUERY, SetupLoadMixin

ROLES = ("source", "target")
LIKE_NAMED = " (like-named)"


class SetupPane(SetupLoadMixin, ApiCaller, Vertical):
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
        self.auto = ""  # the application's discovery query ("" = Advanced Find only)
        self._preset: tuple[str, str] | None = None
        self._domain = ""
        self._chosen = {"source": "", "target": ""}
        self._current: list[str] = []  # the application's current list (persisted)
        self._found: list[str] = []  # found by the automatic discovery (F-5.2)
        self._source_note = None  # (source, what Get Config found)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Domain", classes="label")
            yield Input(id="domain", compact=True, placeholder="e.g. corp.example.com")
        yield Static("", id="err-domain", classes="field-error")
        with Horizontal(classes="row", id="front-end-row"):
            yield Label("Front end", classes="label")
            yield Input(id="front-end", compact=True, placeholder="SharePoint front end")
            yield Button("Get Config", id="get-config", compact=True)
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
    def load(self, application: Any, preset: tuple[str, str] | None = None) -> None:
        """Show the application's domain and servers; ``preset`` reopens a pair (F-4)."""
        self.app_id = application.id
        self.auto = getattr(application, "directory_query", "") or ""
        self._preset = preset
        self._chosen = {"source": "", "target": ""}
        self._current, self._found = [], []
        self.query_one("#front-end-row").display = bool(getattr(application, "needs_farm",
                                                                False))
        for role in ROLES:
            self.query_one(f"#{role}", Select).set_options([])
        self.reload()

    def apply_preset(self, names: list[str]) -> None:
        preset, self._preset = self._preset, None
        if preset and all(name in names for name in preset):
            for role, name in zip(ROLES, preset, strict=True):
                self.query_one(f"#{role}", Select).value = name

    def names(self) -> list[str]:
        return sorted(set(self._current) | set(self._found))

    def set_servers(self, current: list[str] | None = None) -> list[str]:
        """Offer the current list plus what discovery found; keep the chosen pair."""
        if current is not None:
            self._current = list(current)
        names = self.names()
        if names and not any(self._chosen.values()):
            self.show_notes("")
        self._set_options("source", names)
        self._refresh_targets()
        return names

    def _set_options(self, role: str, names: list[str]) -> None:
        select = self.query_one(f"#{role}", Select)
        pending = "" if select.value == Select.NULL else str(select.value)
        current = self._chosen[role] or pending
        with select.prevent(Select.Changed):  # a refill is no choice of the user's
            select.set_options([(n, n) for n in names])
            if current in names:
                select.value = current
        if current not in names and self._chosen[role]:
            self._chosen[role] = ""
            self.post_message(self.PairCleared())

    def _refresh_targets(self) -> None:
        """Targets for the chosen source (core adds ``NAME (like-named)`` where it applies)."""
        names, source = self.names(), self._chosen["source"]
        if not source:
            self._set_options("target", names)
            return
        self.call_api("targets", self.api.apps.target_choices, self.app_id, source, names,
                      tag=(self.app_id, source, tuple(names)))

    def api_targets(self, choices: list[str], tag: tuple[str, str, tuple[str, ...]]) -> None:
        if tag[:2] == (self.app_id, self._chosen["source"]):
            self._set_options("target", list(choices))

    def api_failed_targets(self, _err: BaseException, tag: tuple[str, str, tuple[str, ...]]) -> None:
        if tag[:2] == (self.app_id, self._chosen["source"]):
            self._set_options("target", [n for n in tag[2] if n != tag[1]])

    def clear_pair(self) -> None:
        self._chosen = {"source": "", "target": ""}
        for role in ROLES:
            self.query_one(f"#{role}", Select).clear()
        self._refresh_targets()
        self.show_notes("")

    def clear_target(self) -> None:
        self._chosen["target"] = ""
        self.query_one("#target", Select).clear()

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

    # --- servers (F-5.4, F-5.5, F-5.6) ----------------------------------------------
    @on(Select.Changed, "#source")
    @on(Select.Changed, "#target")
    def _server_changed(self, event: Select.Changed) -> None:
        role = event.select.id or ""
        value = event.value
        if value == Select.NULL:
            if self._chosen[role]:
                self._chosen[role] = ""
                if role == "source":
                    self._refresh_targets()
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
        if name.endswith(LIKE_NAMED):  # its setup dialog logs in to a node of the cluster
            self._accept(role, name)
            return
        self.show_notes(f"Checking {name}…")
        self.call_api("needs_login", self.api.logins.needs_login, name, tag=(role, name),
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
        kept = self._source_note  # what Get Config said about this source stays on show
        self.show_notes(kept[1] if role == "source" and kept and kept[0] == name else "")
        if role == "source":
            self._refresh_targets()
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
        self.open_find()

    def open_find(self, manage_sql: bool = False) -> None:
        """Advanced Find, or Manage SQL Servers (with Test SQL) for the SQL applications."""
        from tui.screens.advanced_find import AdvancedFindScreen

        def done(names: list[str] | None) -> None:
            if names is not None:
                self.set_servers(names)

        self.app.push_screen(AdvancedFindScreen(self.app_id, self._domain,
                                                sql=self.auto == SQL_QUERY,
                                                manage_sql=manage_sql), done)

    @on(Button.Pressed, "#btn-configure,#btn-validate,#btn-enable")
    def _action_button(self, event: Button.Pressed) -> None:
        self.post_message(self.ActionRequested((event.button.id or "").removeprefix("btn-")))
