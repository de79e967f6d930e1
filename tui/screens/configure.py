"""Configure Protection (SPEC F-6): five tabs; OK validates through core and saves.

``self.cfg`` is the working configuration: the structured edits (services,
protected items, SQL mode, target paths, DNS and identity dialogs, plan
edits) go through the façade's tab helpers as they are made and replace it
(``change``). The scalar fields are collected on OK as ``section.key=value``
assignments for ``api.configure.apply`` — the same validation as the headless
``config set`` — then ``api.configure.save_config``. An ``InvalidInput`` is shown at
the field it names and nothing is saved. Before saving, user edits of the
failover scripts that the changed configuration would regenerate are
offered for regeneration (F-6.5). Cancel keeps unsaved changes as a draft.
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
from tui.configure.info import FormInfo
from tui.configure.monitoring_tab import MonitoringTab
from tui.configure.snapshots_tab import SnapshotsTab
from tui.fmt import plain
from tui.screens.configure_save import Result, SaveFlow
from tui.widgets.help_line import HelpLine, HelpLineHost

TABS = ("failover", "monitoring", "snapshots", "connection", "advanced")


class ConfigureScreen(SaveFlow, ApiCaller, HelpLineHost, ModalScreen[Result]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "ok", "OK"),
        # from any field straight to the next / previous tab (the pages are long at 80×24)
        Binding("ctrl+pagedown,alt+right", "switch_tab(1)", "Next tab", show=False,
                priority=True),
        Binding("ctrl+pageup,alt+left", "switch_tab(-1)", "Previous tab", show=False,
                priority=True),
    ]

    def __init__(self, cfg: ProtectionConfig, info: FormInfo | None = None) -> None:
        super().__init__()
        self.base = cfg
        self.cfg = deepcopy(cfg)
        self.info = info or FormInfo()
        self.source: Any = None
        self.target: Any = None

    def compose(self) -> ComposeResult:
        cfg, info = self.cfg, self.info
        with Vertical(id="configure", classes="dialog full"):
            yield Static(f"Configure Protection — {cfg.source} → {cfg.target}",
                         classes="dialog-title")
            with TabbedContent(id="cfg-tabs"):
                with TabPane("Failover", id="tab-failover"):
                    yield FailoverTab(cfg, info, id="failover-tab")
                with TabPane("Monitoring", id="tab-monitoring"):
                    yield MonitoringTab(cfg, info, id="monitoring-tab")
                with TabPane("Snapshots", id="tab-snapshots"):
                    yield SnapshotsTab(cfg, id="snapshots-tab")
                with TabPane("Connection", id="tab-connection"):
                    yield ConnectionTab(cfg, info, id="connection-tab")
                with TabPane("Advanced", id="tab-advanced"):
                    yield AdvancedTab(cfg, info, id="advanced-tab")
            yield Static("", id="cfg-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="cfg-ok", variant="primary", compact=True)
                yield Button("Cancel", id="cfg-cancel", compact=True)
                yield Static("ctrl+s OK · Esc cancel · ctrl+PgDn/PgUp tabs", classes="hint")
            yield HelpLine("")

    def tabs(self) -> list[Any]:
        return [self.query_one(f"#{name}-tab") for name in TABS]

    def on_mount(self) -> None:
        self.query_one("#cfg-tabs").query_one("Tabs").focus()
        self.refresh_inventory()

    def refresh_inventory(self) -> None:
        api, cfg, again = self.api, self.cfg, self.source is not None
        self.call_api("inventories", lambda: (api.session.inventory(cfg.source, refresh=again),
                                              api.session.inventory(cfg.target)))

    def api_inventories(self, servers: tuple[Any, Any], _tag: Any) -> None:
        self.source, self.target = servers
        for tab in self.tabs():
            if hasattr(tab, "set_inventory"):
                tab.set_inventory(self.source, self.target)

    def api_failed_inventories(self, err: BaseException, _tag: Any) -> None:
        self.general_error(f"Server details unavailable: {error_text(err)}")

    # --- the working configuration -------------------------------------------------
    def change(self, cfg: ProtectionConfig) -> None:
        """A structured edit came back from the façade: every tab shows it."""
        self.cfg = cfg
        for tab in self.tabs():
            tab.cfg_changed(cfg)

    def pending(self) -> tuple[ProtectionConfig, list[str]]:
        """The working configuration and the scalar fields changed on the tabs."""
        changes: list[str] = []
        for tab in self.tabs():
            changes += tab.assignments(self.cfg)
        return deepcopy(self.cfg), changes

    def action_switch_tab(self, step: int) -> None:
        tabs = self.query_one("#cfg-tabs", TabbedContent)
        ids = [f"tab-{name}" for name in TABS]
        tabs.active = ids[(ids.index(tabs.active) + step) % len(ids)]
        tabs.query_one("Tabs").focus()

    @on(TabbedContent.TabActivated, "#cfg-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-advanced":
            self.query_one("#advanced-tab", AdvancedTab).shown()

    # --- sub-dialogs ---------------------------------------------------------------
    @on(Button.Pressed, "#dns-configure")
    def _dns(self) -> None:
        from tui.configure.dns_dialog import DnsDialog

        advanced = self.info.can_edit("failover.dns.client_server")
        self.app.push_screen(DnsDialog(self.cfg, self.source, self.target, advanced),
                             self._dialog_done)

    @on(Button.Pressed, "#identity-configure")
    def _identity(self) -> None:
        from tui.configure.identity_dialog import IdentityDialog

        self.app.push_screen(IdentityDialog(self.cfg, self.source, self.target),
                             self._dialog_done)

    def _dialog_done(self, cfg: ProtectionConfig | None) -> None:
        if cfg is not None:
            self.change(cfg)

    # --- errors ----------------------------------------------------------------------
    def show_field_error(self, err: InvalidInput) -> bool:
        """Show ``err`` at its field, on its tab; False when no field of the form has it."""
        widget = form.show_error(self, err)
        if widget is None:
            return False
        pane = next((a for a in widget.ancestors if isinstance(a, TabPane)), None)
        if pane is not None:
            self.query_one("#cfg-tabs", TabbedContent).active = pane.id or ""
        if widget.focusable:
            self.call_after_refresh(widget.focus)
        return True

    def general_error(self, text: str) -> None:
        line = self.query_one("#cfg-error", Static)
        line.update(plain(text))
        line.set_class(bool(text), "-shown")
