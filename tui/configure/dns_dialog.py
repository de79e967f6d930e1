"""Configure DNS failover (SPEC F-6.1): servers, IP mapping, TTL, account, Test."""

from __future__ import annotations

import ipaddress
from copy import deepcopy
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from core.config.parsers import TTL_MAX, whole_or_none
from core.errors import InvalidInput
from core.model.config import DnsServerEntry, ProtectionConfig
from tui.api_calls import ApiCaller, error_text
from tui.configure import form
from tui.fmt import plain
from tui.widgets.form_scroll import FormScroll
from tui.widgets.help_line import HelpLine, HelpLineHost

# ttl before update_ttl: core turns update_ttl on when a TTL is typed; the box decides
PATHS = ("failover.dns.ttl", "failover.dns.update_ttl", "failover.dns.user",
         "failover.dns.client_server")


ADVISED_TTL = 300


def default_servers(source: Any, target: Any) -> list[DnsServerEntry]:
    """The DNS servers of source and target, labelled source/target/both."""
    src = list(getattr(source, "dns_servers", ()))
    tgt = list(getattr(target, "dns_servers", ()))
    out = []
    for ip in dict.fromkeys(src + tgt):
        role = "both" if ip in src and ip in tgt else ("source" if ip in src else "target")
        out.append(DnsServerEntry(ip, role=role))
    return out


class DnsDialog(ApiCaller, HelpLineHost, ModalScreen[ProtectionConfig | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, cfg: ProtectionConfig, source: Any, target: Any, advanced: bool) -> None:
        super().__init__()
        self.cfg = cfg
        dns = cfg.failover.dns
        self.servers = list(dns.servers) or default_servers(source, target)
        self.source_ips = list(dict.fromkeys([*getattr(source, "ips", ()), *dns.ip_map]))
        self.target_ips = list(dict.fromkeys([*getattr(target, "ips", ()),
                                              *dns.ip_map.values()]))
        self.advanced = advanced

    def compose(self) -> ComposeResult:
        dns = self.cfg.failover.dns
        with Vertical(id="dns-dialog", classes="dialog full"):
            yield Static("Configure DNS failover", classes="dialog-title")
            with FormScroll(classes="dialog-scroll"):
                with Horizontal(classes="row"):
                    yield Label("DNS server", classes="label-wide")
                    yield Input(id="dns-server-ip", compact=True, placeholder="IP address")
                    yield Button("Add", id="dns-server-add", compact=True)
                    yield Button("Delete", id="dns-server-delete", compact=True)
                yield Static("", id="err-failover-dns-servers", classes="field-error")
                yield OptionList(id="dns-servers")
                yield Static("Monitored source IP → target IP", classes="section-title")
                for i, ip in enumerate(self.source_ips):
                    with Horizontal(classes="row"):
                        yield Checkbox(ip, ip in dns.ip_map or not dns.ip_map,
                                       id=f"dns-mon-{i}", compact=True, classes="label-wide")
                        yield Label("→ ")
                        choices = [(t, t) for t in self.target_ips]
                        value = dns.ip_map.get(ip) or (self.target_ips[0] if self.target_ips
                                                       else Select.NULL)
                        yield Select(choices, id=f"dns-map-{i}", value=value, compact=True)
                yield Static("", id="err-failover-dns-ip_map", classes="field-error")
                yield from form.row("", form.check("Update TTL", "failover.dns.update_ttl",
                                                   self.cfg))
                yield from form.row("TTL", form.number("failover.dns.ttl", self.cfg),
                                    "failover.dns.ttl", "s (300 or less recommended)")
                yield Static("", id="ttl-warning", classes="note -warn")
                user = Input(dns.user, id="f-failover-dns-user", compact=True,
                             placeholder=r"DOMAIN\user")
                yield from form.row("DNS user", user, "failover.dns.user")
                yield from form.row("Password", Input(id="dns-password", password=True,
                                                      compact=True), "failover.dns.password")
                if self.advanced:
                    choices = [(s.ip, s.ip) for s in self.servers]
                    client = Select(choices, id="f-failover-dns-client_server",
                                    value=dns.client_server or Select.NULL, compact=True)
                    yield from form.row("Client DNS server", client, "failover.dns.client_server")
                with Horizontal(classes="row"):
                    yield Button("Test", id="dns-test", compact=True)
                    yield Static("", id="dns-test-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="dns-ok", variant="primary", compact=True)
                yield Button("Cancel", id="dns-cancel", compact=True)
            yield HelpLine("")

    def on_mount(self) -> None:
        self._render_servers()
        self._ttl_changed()
        self.query_one("#dns-server-ip", Input).focus()

    @on(Input.Changed, "#f-failover-dns-ttl")
    def _ttl_changed(self) -> None:
        """Live advice (F-6.1): a long TTL keeps clients on the old address that long."""
        text = self.query_one("#f-failover-dns-ttl", Input).value.strip()
        ttl = whole_or_none(text, 0, TTL_MAX)
        long = ttl is not None and ttl > ADVISED_TTL
        form.set_note(self.query_one("#ttl-warning", Static),
                      f"▲ {ttl} s: clients may keep the source's address that long; "
                      f"{ADVISED_TTL} s or less is advised." if long else "")

    def _render_servers(self) -> None:
        listing = self.query_one("#dns-servers", OptionList)
        listing.clear_options()
        listing.add_options([Option(f"{s.ip}  ({s.role})") for s in self.servers])

    @on(Input.Submitted, "#dns-server-ip")
    @on(Button.Pressed, "#dns-server-add")
    def _add_server(self) -> None:
        field = self.query_one("#dns-server-ip", Input)
        text = field.value.strip()
        try:
            ipaddress.ip_address(text)
        except ValueError:
            form.show_error(self, InvalidInput("failover.dns.servers",
                                               f"“{text}” is not an IP address."))
            return
        form.clear_errors(self)
        if all(s.ip != text for s in self.servers):
            self.servers.append(DnsServerEntry(text, role="added"))
        field.value = ""
        self._render_servers()

    @on(Button.Pressed, "#dns-server-delete")
    def _delete_server(self) -> None:
        index = self.query_one("#dns-servers", OptionList).highlighted
        if index is not None and index < len(self.servers):
            del self.servers[index]
            self._render_servers()

    # --- OK and Test ---------------------------------------------------------------
    def _build(self) -> tuple[ProtectionConfig, list[str], str] | None:
        form.clear_errors(self)
        ip_map: dict[str, str] = {}
        for i, ip in enumerate(self.source_ips):
            if self.query_one(f"#dns-mon-{i}", Checkbox).value:
                ip_map[ip] = form.widget_text(self.query_one(f"#dns-map-{i}", Select))
        if len(set(ip_map.values())) != len(ip_map):
            form.show_error(self, InvalidInput("failover.dns.ip_map",
                            "Each monitored source IP needs its own target IP."))
            return None
        cfg = deepcopy(self.cfg)
        cfg.failover.dns.servers = list(self.servers)
        cfg.failover.dns.ip_map = ip_map
        changes = form.assignments(self, self.cfg, PATHS)
        return cfg, changes, self.query_one("#dns-password", Input).value

    def _apply_job(self, cfg: ProtectionConfig, changes: list[str],
                   password: str) -> ProtectionConfig:
        """Thread: apply the fields; a typed password goes to the credential cache."""
        api = self.api
        new = api.configure.apply(cfg, changes)
        if password:
            new = api.dns_account.set_dns_credentials(new, new.failover.dns.user, password)
        return new

    @on(Button.Pressed, "#dns-ok")
    def _ok(self) -> None:
        built = self._build()
        if built is not None:
            self.call_api("apply", self._apply_job, *built)

    def api_apply(self, cfg: ProtectionConfig, _tag: Any) -> None:
        self.dismiss(cfg)

    def api_failed_apply(self, err: BaseException, _tag: Any) -> None:
        self._failed(err)

    def _failed(self, err: BaseException) -> None:
        if isinstance(err, InvalidInput) and (field := form.show_error(self, err)) is not None:
            field.focus()
        else:
            self._test_result(error_text(err), ok=False)

    @on(Button.Pressed, "#dns-test")
    def _test(self) -> None:
        built = self._build()
        if built is None:
            return
        api = self.api
        self._test_result("Testing…", ok=True)
        self.call_api("dns_test", lambda: api.dns_account.dns_test(self._apply_job(*built)))

    def api_dns_test(self, lines: list[str], _tag: Any) -> None:
        self._test_result("\n".join(["✔ " + line for line in lines]) or "✔ OK", ok=True)

    def api_failed_dns_test(self, err: BaseException, _tag: Any) -> None:
        if isinstance(err, InvalidInput):
            self._failed(err)
        else:
            self._test_result("✖ " + error_text(err), ok=False)

    def _test_result(self, text: str, ok: bool) -> None:
        result = self.query_one("#dns-test-result", Static)
        result.update(plain(text))
        result.set_class(not ok, "-error")

    @on(Button.Pressed, "#dns-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
