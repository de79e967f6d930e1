"""Configure Protection → Connection (SPEC F-6.4): route, SQL protection mode,
protected items (per application, with the Volumes branch and Refresh), target
paths of the database-only modes, mirror type and compression (level and method)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, RadioSet, Select, Static

from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from tui.api_calls import ApiCaller, error_text
from tui.configure import form
from tui.configure.info import FormInfo
from tui.hosts import configure_screen
from tui.widgets.items_tree import ItemsTree, selected_units, toggle

PATHS = ("connection.route", "connection.sql_mode", "connection.mirror_type",
         "connection.compression", "connection.codec")
COMPRESSION = [("Off", "0")] + [(f"Level {n}" + (" (min)" if n == 1 else " (max)" if n == 9
                                                else ""), str(n)) for n in range(1, 10)]
MODES = {"instance": "SQL instance", "database": "Database only",
         "many-to-one": "Many-to-one"}
ITEMS_ERROR = "connection.items"


def select_job(api: Any, fn: Any, cfg: ProtectionConfig, *args: Any) -> tuple[Any, Any]:
    """Thread: a structured change, then the tree as it now is."""
    new = fn(cfg, *args)
    return new, api.tabs.protected_items(new)


class ConnectionTab(ApiCaller, VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, info: FormInfo, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg
        self.info = info
        self.items: Any = None  # the TreeItem root on show

    def compose(self) -> ComposeResult:
        c = self.cfg.connection
        routes = [(c.route, c.route)] if c.route else []
        yield from form.row("Route (target IP)", Select(routes, id="f-connection-route",
                                                        value=c.route or Select.NULL,
                                                        compact=True), "connection.route")
        if len(self.info.sql_modes) > 1:
            yield from form.row("Protection mode", form.radio(
                "connection.sql_mode", c.sql_mode,
                [(MODES.get(m, m), m) for m in self.info.sql_modes]), "connection.sql_mode")
        yield Static("Protected items (Space toggles)", classes="section-title")
        yield ItemsTree(f"Protected items of {self.cfg.source}", id="items-tree")
        for path in (ITEMS_ERROR, "connection.shares", "connection.storage_groups",
                     "connection.databases", "connection.volume_paths"):
            yield Static("", id=form.error_id(path), classes="field-error")
        with Horizontal(classes="row"):
            yield Input(id="volume-path", compact=True, placeholder=r"E:\path to add")
            yield Button("Add path", id="volume-add", compact=True)
            yield Button("Refresh", id="items-refresh", compact=True)
        with Horizontal(classes="row", id="target-path-row"):
            yield Select([], id="tp-database", prompt="database", compact=True)
            yield Input(id="tp-path", compact=True, placeholder=r"target folder F:\SQL")
            yield Button("Map", id="tp-set", compact=True)
        yield Static("", id=form.error_id("connection.target_paths"), classes="field-error")
        yield from form.row("Mirror type", form.radio("connection.mirror_type", c.mirror_type, [
            ("Checksum", "checksum"), ("Full", "full")]), "connection.mirror_type")
        yield from form.row("Compression", Select(COMPRESSION, id="f-connection-compression",
                                                  value=str(c.compression), allow_blank=False,
                                                  compact=True), "connection.compression")
        yield from form.row("Method", form.radio("connection.codec", c.codec, [
            ("zlib", "zlib"), ("zstd (faster)", "zstd")]), "connection.codec")
        yield Static(f"One setting per target: it applies to all pairs to {self.cfg.target}.",
                     classes="note")

    def on_mount(self) -> None:
        self._mode_shown()
        self.call_api("items", self.api.tabs.protected_items, self.cfg)

    def set_inventory(self, source: Any, target: Any) -> None:
        route = self.query_one("#f-connection-route", Select)
        ips = list(dict.fromkeys([*getattr(target, "ips", ()),
                                  *(ip for nic in getattr(target, "nics", ()) for ip in nic.ips)]))
        current = self.cfg.connection.route
        if current and current not in ips:
            ips.insert(0, current)
        with route.prevent(Select.Changed):
            route.set_options([(ip, ip) for ip in ips])
            if current:
                route.value = current

    def cfg_changed(self, cfg: ProtectionConfig) -> None:
        self.cfg = cfg
        self._mode_shown()

    def _mode_shown(self) -> None:
        database_only = self.cfg.connection.sql_mode != "instance"
        self.query_one("#target-path-row").display = database_only
        select = self.query_one("#tp-database", Select)
        chosen = form.widget_text(select)
        databases = list(self.cfg.connection.databases)
        with select.prevent(Select.Changed):
            select.set_options([(k, k) for k in databases])
            if chosen in databases:
                select.value = chosen

    # --- the tree ---------------------------------------------------------------------
    def api_items(self, root: Any, _tag: Any) -> None:
        self.items = root
        self.query_one("#items-tree", ItemsTree).show(root)

    def api_failed_items(self, err: BaseException, _tag: Any) -> None:
        self._error(ITEMS_ERROR, f"The source's items are unavailable: {error_text(err)}")

    def _select(self, fn: Any, *args: Any) -> None:
        form.clear_errors(self)
        self.call_api("select", select_job, self.api, fn, configure_screen(self).cfg, *args)

    def api_select(self, result: tuple[Any, Any], _tag: Any) -> None:
        cfg, root = result
        configure_screen(self).change(cfg)
        self.api_items(root, None)

    def api_failed_select(self, err: BaseException, _tag: Any) -> None:
        if isinstance(err, InvalidInput):
            if form.show_error(self, err) is None:
                self._error(ITEMS_ERROR, err.message)
        else:
            self._error(ITEMS_ERROR, error_text(err))

    def _error(self, path: str, text: str) -> None:
        form.show_error(self, InvalidInput(path, text))

    @on(ItemsTree.Toggled)
    def _toggle(self, event: ItemsTree.Toggled) -> None:
        if self.items is None:
            return
        keys, note = toggle(self.items, event.item)
        if keys is None:
            if note:
                self._error(ITEMS_ERROR, note)
            return
        self._select(self.api.tabs.select_items, keys)
        if note:
            self.notify(note, timeout=4)

    @on(Input.Submitted, "#volume-path")
    @on(Button.Pressed, "#volume-add")
    def _add_path(self) -> None:
        field = self.query_one("#volume-path", Input)
        path = field.value.strip()
        if len(path) < 3 or path[1:3] != ":\\":
            self._error("connection.volume_paths", r"Give a full Windows path such as "
                                                   r"E:\Apps\Data.")
            return
        field.value = ""
        keys = selected_units(self.items) if self.items is not None else []
        self._select(self.api.tabs.select_items, [*keys, f"path:{path}"])

    @on(Button.Pressed, "#items-refresh")
    def _refresh(self) -> None:
        form.clear_errors(self)
        self.call_api("items", self.api.tabs.protected_items, configure_screen(self).cfg, True)

    # --- SQL protection mode and target paths ----------------------------------------
    @on(RadioSet.Changed, "#f-connection-sql_mode")
    def _mode_changed(self) -> None:
        mode = form.widget_text(self.query_one("#f-connection-sql_mode", RadioSet))
        if mode and mode != configure_screen(self).cfg.connection.sql_mode:
            self._select(self.api.tabs.set_sql_mode, mode)

    @on(Input.Submitted, "#tp-path")
    @on(Button.Pressed, "#tp-set")
    def _map(self) -> None:
        database = form.widget_text(self.query_one("#tp-database", Select))
        if not database:
            self._error("connection.target_paths", "Choose the database to map first.")
            return
        path = self.query_one("#tp-path", Input).value.strip()
        self._select(self.api.tabs.set_target_path, database, path)

    def assignments(self, base: ProtectionConfig) -> list[str]:
        return form.assignments(self, base, PATHS)
