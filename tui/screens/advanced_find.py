"""Advanced Find / Manage SQL Servers (SPEC F-5.3): Search, add, remove, Test SQL."""

from __future__ import annotations

import ipaddress
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from core.dns.names import is_ip
from core.errors import AuthFailed
from tui.api_calls import ApiCaller, error_text
from tui.widgets.help_line import HelpLine, HelpLineHost

#: the current list's width (styles/dialogs.tcss #find-right): names of 15 characters
CURRENT_LIST_WIDTH = 20
#: the dialog's widest (the terminal's width below that)
MAX_WIDTH = 140
#: the OS column keeps at least this much when the DNS names are long
OS_MIN = 16


def columns(with_ips: bool) -> list[tuple[str, str]]:
    return [("Name", "name"), ("IP" if with_ips else "DNS name", "ip"),
            ("Operating system", "os")]


def column_widths(rows: list[tuple[str, str, str]], room: int) -> list[int]:
    """Name, DNS name and OS widths: names whole (NetBIOS names have at most 15
    characters), the DNS name whole while the OS keeps ``OS_MIN`` (or what it needs),
    the OS column the rest."""
    def longest(i: int, title: str) -> int:
        return max([len(title), *(len(r[i]) for r in rows)])

    name = longest(0, "Name")
    dns_want, os_want = longest(1, "DNS name"), longest(2, "Operating system")
    left = max(0, room - name)
    dns = min(dns_want, max(left - min(os_want, OS_MIN), left // 2))
    return [name, dns, max(left - dns, min(os_want, OS_MIN))]


def _os_text(c: Any) -> str:
    text = " ".join(x for x in (c.operating_system, c.os_version) if x) or "—"
    return f"(disabled) {text}" if getattr(c, "disabled", False) else text


class AdvancedFindScreen(ApiCaller, HelpLineHost, ModalScreen[list[str] | None]):
    """Search the domain, add found servers or a name to the list, remove."""

    BINDINGS = [Binding("escape", "close", "Close"),
                Binding("ctrl+d", "toggle_disabled", "Disabled too", show=False)]

    def __init__(self, app_id: str, domain: str, *, sql: bool = False,
                 manage_sql: bool = False) -> None:
        super().__init__()
        self.app_id = app_id
        self.domain = domain
        self.sql = sql or manage_sql  # SQL Server and SharePoint: Test SQL
        self.title_text = "Manage SQL Servers" if manage_sql else "Advanced Find"
        self.current: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="find-dialog", classes="dialog wide"):
            yield Static(f"{self.title_text} — servers of {self.domain or 'the domain'}",
                         classes="dialog-title")
            with Horizontal(id="find-panes"):
                with Vertical(id="find-left"):
                    with Horizontal(classes="row"):
                        yield Button("Search", id="find-search", compact=True)
                        yield Checkbox("Disabled too", id="find-disabled", compact=True,
                                       tooltip="also list disabled computer accounts (ctrl+d)")
                        yield Static("", id="find-state")
                    yield DataTable(id="find-results", cursor_type="row")
                with Vertical(id="find-right"):
                    yield Static("Current list", classes="section-title")
                    yield OptionList(id="find-current")
            with Horizontal(classes="row"):
                yield Input(id="find-name", compact=True, placeholder="Server name or IP address")
                yield Button("Add name", id="find-add-name", compact=True)
                yield Button("Add →", id="find-add", compact=True)
                yield Button("Remove", id="find-remove", compact=True)
                if self.sql:
                    yield Button("Test SQL", id="find-test-sql", compact=True)
                yield Button("Close", id="find-close", compact=True)
            yield Static("", id="find-test-result")
            yield HelpLine("")

    def on_mount(self) -> None:
        # as wide as the terminal allows (up to MAX_WIDTH): DNS names and OS names are long
        self.query_one("#find-dialog").styles.width = self._dialog_width()
        self.query_one("#find-search", Button).focus()
        self.call_api("server_list", self.api.setup.server_list, self.app_id)

    def api_server_list(self, names: list[str], _tag: Any) -> None:
        self.current = list(names)
        current = self.query_one("#find-current", OptionList)
        current.clear_options()
        current.add_options([Option(n, id=n) for n in names])

    api_remove_server = api_server_list

    def api_add_server(self, names: list[str], typed: Any) -> None:
        added = [n for n in names if n not in self.current]
        self.api_server_list(names, typed)
        if not isinstance(typed, str) or not is_ip(typed):
            return
        address = str(ipaddress.ip_address(typed.strip()))
        if address in names:  # no name in DNS for it: say so rather than leave it unexplained
            self.notify(f"{address} has no name in DNS (no reverse record): it is listed, "
                        "and reached, by its address.")
        elif added:
            self.notify(f"{address} is {added[0]} in DNS: listed under that name, reached "
                        f"at {address}.")

    @on(Button.Pressed, "#find-search")
    def _search(self) -> None:
        self.query_one("#find-state", Static).update("Searching…")
        disabled = self.query_one("#find-disabled", Checkbox).value
        self.call_api("search", self.api.setup.search, self.app_id, disabled)

    def action_toggle_disabled(self) -> None:
        box = self.query_one("#find-disabled", Checkbox)
        box.value = not box.value

    @on(Checkbox.Changed, "#find-disabled")
    def _disabled_changed(self) -> None:
        if self.query_one("#find-results", DataTable).row_count:
            self._search()  # the list on screen follows the box

    def api_search(self, computers: list[Any], _tag: Any) -> None:
        table = self.query_one("#find-results", DataTable)
        table.clear(columns=True)
        with_ips = any(getattr(c, "ips", ()) for c in computers)
        # the directory knows DNS names; IPs only where the façade adds them
        rows = [(c.name, (", ".join(getattr(c, "ips", ()) or ()) if with_ips
                          else c.dns_host_name) or "—", _os_text(c)) for c in computers]
        widths = column_widths(rows, self._columns_room())
        for (label, key), width in zip(columns(with_ips), widths, strict=True):
            table.add_column(label, key=key, width=width)
        for c, (name, where, os_text) in zip(computers, rows, strict=True):
            table.add_row(name, Text(where, overflow="ellipsis", no_wrap=True),
                          Text(os_text, overflow="ellipsis", no_wrap=True,
                               style="dim" if getattr(c, "disabled", False) else ""),
                          key=c.name)
        hidden = "" if self.query_one("#find-disabled", Checkbox).value else ", disabled hidden"
        self.query_one("#find-state", Static).update(f"{len(computers)} found{hidden}")
        table.focus()

    def _columns_room(self) -> int:
        """Characters the three columns may fill: the dialog at this terminal size (not a
        moving layout), less its border and padding, the current list (fixed width), the
        table's scrollbar and each column's padding."""
        return self._dialog_width() - 4 - CURRENT_LIST_WIDTH - 2 - 3 * 2

    def _dialog_width(self) -> int:
        return max(60, min(MAX_WIDTH, self.app.size.width))

    def api_failed_search(self, err: BaseException, _tag: Any) -> None:
        reason = error_text(err)
        if not isinstance(err, AuthFailed):
            self.query_one("#find-state", Static).update(reason)
            return
        # no usable domain credential (e.g. after Options → Clear cached credentials):
        # offer the login instead of a dead end, then search again
        from tui.screens.domain_login import DomainLoginScreen

        def done(domain: str | None) -> None:
            if domain:
                self._search()
            else:
                self.query_one("#find-state", Static).update(f"Not logged in: {reason}")

        self.query_one("#find-state", Static).update("Log in to the domain to search it.")
        self.app.push_screen(DomainLoginScreen(self.domain, reason), done)

    @on(DataTable.RowSelected, "#find-results")
    @on(Button.Pressed, "#find-add")
    def _add_found(self) -> None:
        table = self.query_one("#find-results", DataTable)
        if not table.row_count:
            self.notify("Search first, then choose a server.", severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        self._add(str(key.value))

    @on(Input.Submitted, "#find-name")
    @on(Button.Pressed, "#find-add-name")
    def _add_named(self) -> None:
        field = self.query_one("#find-name", Input)
        if field.value.strip():
            self._add(field.value.strip())
            field.value = ""

    def _add(self, name: str) -> None:
        self.call_api("add_server", self.api.setup.add_server, self.app_id, name, tag=name)

    @on(Button.Pressed, "#find-remove")
    def _remove(self) -> None:
        current = self.query_one("#find-current", OptionList)
        if current.highlighted is None:
            self.notify("Highlight a server on the current list first.", severity="warning")
            return
        name = current.get_option_at_index(current.highlighted).id or ""
        self.call_api("remove_server", self.api.setup.remove_server, self.app_id, name)

    @on(Button.Pressed, "#find-test-sql")
    def _test_sql(self) -> None:
        """Test SQL: is SQL Server installed and reachable on the highlighted server."""
        current = self.query_one("#find-current", OptionList)
        typed = self.query_one("#find-name", Input).value.strip()
        if current.highlighted is not None and not typed:
            name = current.get_option_at_index(current.highlighted).id or ""
        else:
            name = typed
        if not name:
            self.notify("Highlight a server on the current list first.", severity="warning")
            return
        self._test_result(f"Testing SQL Server on {name.upper()}…", ok=True)
        self.call_api("test_sql", self.api.apps.test_sql, name, tag=name)

    def api_test_sql(self, lines: list[str], _name: str) -> None:
        self._test_result("\n".join(f"✔ {line}" for line in lines), ok=True)

    def api_failed_test_sql(self, err: BaseException, _name: str) -> None:
        self._test_result(f"✖ {error_text(err)}", ok=False)

    def _test_result(self, text: str, ok: bool) -> None:
        result = self.query_one("#find-test-result", Static)
        result.update(text)
        result.set_class(not ok, "-error")

    @on(Button.Pressed, "#find-close")
    def action_close(self) -> None:
        self.dismiss(self.current)
