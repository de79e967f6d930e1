"""Configure Identity failover (SPEC F-6.1, F-9.5)."""

from __future__ import annotations

import ipaddress
from copy import deepcopy
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Select, Static

from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from tui.api_calls import ApiCaller
from tui.configure import form
from tui.configure.failover_tab import IDENTITY_NOTE
from tui.configure.info import NO_SPNS
from tui.widgets.form_scroll import FormScroll
from tui.widgets.help_line import HelpLine, HelpLineHost

PATHS = ("failover.identity.target_nic", "failover.identity.ip_address",
         "failover.identity.server_name", "failover.identity.shares", "failover.identity.spns")
ITEMS = (("failover.identity.ip_address", "IP address"),
         ("failover.identity.server_name", "Server name"),
         ("failover.identity.shares", "Shares"),
         ("failover.identity.spns", "AD host SPNs"))


def same_subnet(a: str, b: str, prefix: int) -> bool:
    try:
        return ipaddress.ip_address(b) in ipaddress.ip_network(f"{a}/{prefix}", strict=False)
    except ValueError:
        return True


class IdentityDialog(ApiCaller, HelpLineHost, ModalScreen[ProtectionConfig | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, cfg: ProtectionConfig, source: Any, target: Any) -> None:
        super().__init__()
        self.cfg = cfg
        ident = cfg.failover.identity
        self.source_ips = list(dict.fromkeys([*getattr(source, "ips", ()),
                                              *ident.monitored_ips]))
        self.nics = {n.name: n for n in getattr(target, "nics", ())}

    def compose(self) -> ComposeResult:
        ident = self.cfg.failover.identity
        with Vertical(id="identity-dialog", classes="dialog"):
            yield Static("Configure identity failover", classes="dialog-title")
            with FormScroll(classes="dialog-scroll"):
                yield Static("Source IPs to monitor", classes="section-title")
                for i, ip in enumerate(self.source_ips):
                    yield Checkbox(ip, ip in ident.monitored_ips or not ident.monitored_ips,
                                   id=f"ident-mon-{i}", compact=True)
                nic = Select([(n, n) for n in self.nics], id="f-failover-identity-target_nic",
                             value=ident.target_nic if ident.target_nic in self.nics
                             else Select.NULL, compact=True)
                yield from form.row("Target NIC", nic, "failover.identity.target_nic")
                yield Static("", id="nic-ips", classes="note")
                for path, label in ITEMS:
                    yield form.check(label, path, self.cfg)
                yield Static("", id="subnet-warning", classes="note -warn")
                yield Static("", id="identity-spn-warning", classes="note -warn")
                yield Static(IDENTITY_NOTE, classes="note")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="ident-ok", variant="primary", compact=True)
                yield Button("Cancel", id="ident-cancel", compact=True)
            yield HelpLine("")

    def on_mount(self) -> None:
        self._nic_changed()

    @on(Select.Changed, "#f-failover-identity-target_nic")
    @on(Checkbox.Changed, "#f-failover-identity-ip_address")
    @on(Checkbox.Changed, "#f-failover-identity-spns")
    def _nic_changed(self) -> None:
        warn = NO_SPNS.get(self.cfg.app, "")
        spns = self.query_one("#f-failover-identity-spns", Checkbox).value
        form.set_note(self.query_one("#identity-spn-warning", Static),
                      f"▲ {warn}" if warn and spns else "")
        name = form.widget_text(self.query_one("#f-failover-identity-target_nic", Select))
        nic = self.nics.get(name)
        ips = ", ".join(nic.ips) if nic else "—"
        self.query_one("#nic-ips", Static).update(f"IP addresses of this NIC: {ips}")
        moving_ip = self.query_one("#f-failover-identity-ip_address", Checkbox).value
        apart = bool(nic and nic.ips and self.source_ips and not same_subnet(
            nic.ips[0], self.source_ips[0], nic.subnet_prefix))
        form.set_note(self.query_one("#subnet-warning", Static),
                      "▲ Source and target are on different subnets: do not move the IP "
                      "address." if apart and moving_ip else "")

    @on(Button.Pressed, "#ident-ok")
    def _ok(self) -> None:
        form.clear_errors(self)
        cfg = deepcopy(self.cfg)
        cfg.failover.identity.monitored_ips = [
            ip for i, ip in enumerate(self.source_ips)
            if self.query_one(f"#ident-mon-{i}", Checkbox).value]
        self.call_api("apply", self.api.configure.apply, cfg, form.assignments(self, self.cfg, PATHS))

    def api_apply(self, cfg: ProtectionConfig, _tag: Any) -> None:
        self.dismiss(cfg)

    def api_failed_apply(self, err: BaseException, _tag: Any) -> None:
        if not (isinstance(err, InvalidInput) and form.show_error(self, err)):
            self.notify(str(err), severity="error")

    @on(Button.Pressed, "#ident-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
