"""Configure Protection → Advanced (SPEC F-6.5): replication set rules and name,
items to failover, Exchange's AD replication and targeted DC, the failover
scripts, and (advanced only) the four "create" steps of Enable Protection."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input, Static, TabbedContent

from core.model.config import ProtectionConfig
from tui.configure import form
from tui.configure.info import ADVANCED_NOTE, NO_SPNS, FormInfo
from tui.hosts import configure_screen
from tui.widgets.plan_panel import PlanPanel
from tui.widgets.rules_panel import RulesPanel

ITEMS = (("advanced.items_server_name", "Server name"), ("advanced.items_shares", "Shares"),
         ("advanced.items_spns", "AD host SPNs"))
EXCHANGE = ("advanced.force_ad_replication", "advanced.ad_max_wait_min", "advanced.targeted_dc")
CREATE = (("advanced.create_set", "replication set"), ("advanced.create_scripts", "scripts"),
          ("advanced.create_connection", "connection"),
          ("advanced.create_monitor", "failover monitor"))


class AdvancedTab(VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, info: FormInfo, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg
        self.info = info

    def paths(self) -> list[str]:
        keys = ["advanced.set_name", *(k for k, _ in ITEMS), *EXCHANGE, *(k for k, _ in CREATE)]
        return [k for k in keys if self.info.can_edit(k)]

    def compose(self) -> ComposeResult:
        cfg, info = self.cfg, self.info
        yield Static("Replication set rules", classes="section-title")
        yield RulesPanel(cfg, id="rules-panel")
        name = Input(cfg.advanced.set_name, id="f-advanced-set_name", compact=True)
        yield from form.row("Replication set", name, "advanced.set_name")
        yield Static("Items to failover", classes="section-title section")
        for key, label in ITEMS:
            yield form.check(label, key, cfg)
            yield form.error_line(key)
        yield Static("", id="spn-warning", classes="note -warn")
        if info.can_edit("advanced.force_ad_replication"):
            yield Static("Exchange: Active Directory", classes="section-title section")
            yield form.check("Force AD replication when users are rehomed",
                             "advanced.force_ad_replication", cfg)
            yield from form.row("Max wait", form.number("advanced.ad_max_wait_min", cfg),
                                "advanced.ad_max_wait_min", "minutes")
            dc = Input(cfg.advanced.targeted_dc, id="f-advanced-targeted_dc", compact=True,
                       placeholder="DC01 (a name, never an IP)")
            yield from form.row("Targeted DC", dc, "advanced.targeted_dc")
        yield PlanPanel(cfg, id="plan-panel")
        if info.shows("advanced.create_set"):
            yield Static("Steps of Enable Protection (advanced)", classes="section-title section")
            if not info.can_edit("advanced.create_set"):
                yield Static(ADVANCED_NOTE, classes="note")
            for key, label in CREATE:
                box = form.check(f"Create {label}", key, cfg)
                box.disabled = not info.can_edit(key)
                yield box
                yield form.error_line(key)

    def on_mount(self) -> None:
        self._spns()  # rules and scripts are read when the tab is shown (``shown``)

    @on(Checkbox.Changed, "#f-advanced-items_spns")
    def _spns(self) -> None:
        warn = NO_SPNS.get(self.cfg.app, "")
        on = self.query_one("#f-advanced-items_spns", Checkbox).value
        form.set_note(self.query_one("#spn-warning", Static), f"▲ {warn}" if warn and on else "")

    def shown(self) -> None:
        """The tab came into view: the generated rules, and the scripts with the form's
        pending changes (generating them asks the servers: only when looked at)."""
        self.query_one(RulesPanel).refresh_generated(self.cfg)
        self.query_one(PlanPanel).refresh_plans(*configure_screen(self).pending())

    def cfg_changed(self, cfg: ProtectionConfig) -> None:
        self.cfg = cfg
        if self.screen.query_one("#cfg-tabs", TabbedContent).active == "tab-advanced":
            self.shown()

    def assignments(self, base: ProtectionConfig) -> list[str]:
        return (self.query_one(RulesPanel).assignments(base)
                + form.assignments(self, base, self.paths()))
