"""Configure Protection (SPEC F-6): five tabs; OK validates through core and saves.

OK collects the structured parts (services, shares, rules, scripts) into a
copy of the configuration and the changed scalar fields into
``section.key=value`` assignments, then calls ``api.apply`` — the same
validation as the headless ``--set`` — and ``api.save_config``. An
``InvalidInput`` is shown at the field it names and nothing is saved.
Cancel keeps unsaved changes as a draft (F-6.6).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TabbedContent, TabPane

from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from tui.api_calls import ApiCaller, error_text
from tui.configure import form
from tui.configure.advanced_tab import AdvancedTab
from tui.configure.connection_tab import ConnectionTab
from tui.configure.failover_tab import FailoverTab
from tui.configure.monitoring_tab import MonitoringTab
from tui.configure.snapshots_tab import SnapshotsTab
from tui.widgets.help_line import HelpLine, HelpLineHost

Result = tuple[str, ProtectionConfig] | None  # ("saved" | "draft", cfg)


class ConfigureScreen(ApiCaller, HelpLineHost, ModalScreen[Result]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "ok", "OK"),
    ]

    def __init__(self, cfg: ProtectionConfig) -> None:
        super().__init__()
        self.base = cfg
        self.cfg = deepcopy(cfg)
        self.source: Any = None
        self.target: Any = None

    def compose(self) -> ComposeResult:
        cfg, advanced = self.cfg, bool(getattr(self.app, "advanced", False))
        with Vertical(id="configure", classes="dialog full"):
            yield Static(f"Configure Protection — {cfg.source} → {cfg.target}",
                         classes="dialog-title")
            with TabbedContent(id="cfg-tabs"):
                with TabPane("Failover", id="tab-failover"):
                    yield FailoverTab(cfg, id="failover-tab")
                with TabPane("Monitoring", id="tab-monitoring"):
                    yield MonitoringTab(cfg, id="monitoring-tab")
                with TabPane("Snapshots", id="tab-snapshots"):
                    yield SnapshotsTab(cfg, id="snapshots-tab")
                with TabPane("Connection", id="tab-connection"):
                    yield ConnectionTab(cfg, id="connection-tab")
                with TabPane("Advanced", id="tab-advanced"):
                    yield AdvancedTab(cfg, advanced, id="advanced-tab")
            yield Static("", id="cfg-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="cfg-ok", variant="primary", compact=True)
                yield Button("Cancel", id="cfg-cancel", compact=True)
                yield Static("ctrl+s OK · Esc cancel", classes="hint")
            yield HelpLine("")

    def _tabs(self) -> list[Any]:
        return [self.query_one(f"#{name}-tab") for name in
                ("failover", "monitoring", "snapshots", "connection", "advanced")]

    def on_mount(self) -> None:
        self.query_one("#cfg-tabs").query_one("Tabs").focus()
        self.refresh_inventory()

    def refresh_inventory(self) -> None:
        api, cfg = self.app.api, self.cfg
        self.call_api("inventories", lambda: (api.inventory(cfg.source, refresh=True)
                                              if self.source else api.inventory(cfg.source),
                                              api.inventory(cfg.target)))

    def api_inventories(self, servers: tuple[Any, Any], _tag: Any) -> None:
        self.source, self.target = servers
        for tab in self._tabs():
            if hasattr(tab, "set_inventory"):
                tab.set_inventory(self.source, self.target)

    def api_failed_inventories(self, err: BaseException, _tag: Any) -> None:
        self._general_error(f"Server details unavailable: {error_text(err)}")

    # --- sub-dialogs ---------------------------------------------------------------
    @on(Button.Pressed, "#dns-configure")
    def _dns(self) -> None:
        from tui.configure.dns_dialog import DnsDialog

        self.app.push_screen(DnsDialog(self.cfg, self.source, self.target,
                                       bool(getattr(self.app, "advanced", False))),
                             self._dialog_done)

    @on(Button.Pressed, "#identity-configure")
    def _identity(self) -> None:
        from tui.configure.identity_dialog import IdentityDialog

        self.app.push_screen(IdentityDialog(self.cfg, self.source, self.target),
                             self._dialog_done)

    def _dialog_done(self, cfg: ProtectionConfig | None) -> None:
        if cfg is not None:
            self.cfg = cfg

    # --- OK / Cancel ---------------------------------------------------------------
    def _collect(self) -> tuple[ProtectionConfig, list[str]]:
        copy = deepcopy(self.cfg)
        changes: list[str] = []
        for tab in self._tabs():
            tab.collect(copy)
            changes += tab.assignments(self.cfg)
        return copy, changes

    @on(Button.Pressed, "#cfg-ok")
    def action_ok(self) -> None:
        form.clear_errors(self)
        copy, changes = self._collect()
        api = self.app.api

        def job() -> ProtectionConfig:
            new = api.apply(copy, changes)
            api.save_config(new)
            return new

        self.call_api("save", job)

    def api_save(self, cfg: ProtectionConfig, _tag: Any) -> None:
        self.notify("Configuration saved.")
        self.dismiss(("saved", cfg))

    def api_failed_save(self, err: BaseException, _tag: Any) -> None:
        if isinstance(err, InvalidInput):
            widget = form.show_error(self, err)
            if widget is not None:
                pane = next((a for a in widget.ancestors if isinstance(a, TabPane)), None)
                if pane is not None:
                    self.query_one("#cfg-tabs", TabbedContent).active = pane.id or ""
                self.call_after_refresh(widget.focus)
                self._general_error(f"Not saved: {err.message}")
                return
        self._general_error(f"Not saved: {error_text(err)}")

    def _general_error(self, text: str) -> None:
        line = self.query_one("#cfg-error", Static)
        line.update(text)
        line.set_class(bool(text), "-shown")

    @on(Button.Pressed, "#cfg-cancel")
    def action_cancel(self) -> None:
        copy, changes = self._collect()
        if not changes and copy.to_dict() == self.base.to_dict():
            self.dismiss(None)
            return
        api = self.app.api

        def job() -> ProtectionConfig:
            try:
                draft = api.apply(copy, changes)
            except InvalidInput:
                draft = copy  # keep what can be kept; the bad value is typed again
            api.save_draft(draft)
            return draft

        self.call_api("draft", job)

    def api_draft(self, cfg: ProtectionConfig, _tag: Any) -> None:
        self.notify("Changes not applied; kept as a draft for next time.")
        self.dismiss(("draft", cfg))

    def api_failed_draft(self, err: BaseException, _tag: Any) -> None:
        self.notify(f"Draft not kept: {error_text(err)}", severity="warning")
        self.dismiss(None)
