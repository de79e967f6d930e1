"""Configure Protection → Connection (SPEC F-6.4): route, protected items, mirror."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Select, Static, Tree

from core.model.config import ProtectionConfig
from tui.configure import form

PATHS = ("connection.route", "connection.mirror_type", "connection.compression")
COMPRESSION = [("Off", "0")] + [(f"Level {n}" + (" (min)" if n == 1 else " (max)" if n == 9
                                                else ""), str(n)) for n in range(1, 10)]


class ItemsTree(Tree[tuple[str, str]]):
    """The protected items: shares, plus a Volumes branch for any other path."""

    BINDINGS = [Binding("space", "toggle_item", "Toggle", show=False)]

    def action_toggle_item(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None:
            self.post_message(Tree.NodeSelected(node))


class ConnectionTab(VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg
        self.shares: set[str] = set(cfg.connection.shares)
        self.paths: list[str] = list(cfg.connection.volume_paths)
        self.source: Any = None

    def compose(self) -> ComposeResult:
        c = self.cfg.connection
        routes = [(c.route, c.route)] if c.route else []
        yield from form.row("Route (target IP)", Select(routes, id="f-connection-route",
                                                        value=c.route or Select.NULL,
                                                        compact=True), "connection.route")
        yield Static("Protected items (Space toggles)", classes="section-title")
        yield ItemsTree(self.cfg.source, id="items-tree")
        yield Static("", id="err-connection-shares", classes="field-error")
        with Horizontal(classes="row"):
            yield Input(id="volume-path", compact=True, placeholder=r"E:\path to add")
            yield Button("Add path", id="volume-add", compact=True)
            yield Button("Refresh", id="items-refresh", compact=True)
        yield from form.row("Mirror type", form.radio("connection.mirror_type", c.mirror_type, [
            ("Checksum", "checksum"), ("Full", "full")]), "connection.mirror_type")
        yield from form.row("Compression", Select(COMPRESSION, id="f-connection-compression",
                                                  value=str(c.compression), allow_blank=False,
                                                  compact=True), "connection.compression")
        yield Static(f"One setting per target: it applies to all pairs to {self.cfg.target}.",
                     classes="note")

    def on_mount(self) -> None:
        self._render_tree()

    def set_inventory(self, source: Any, target: Any) -> None:
        self.source = source
        route = self.query_one("#f-connection-route", Select)
        ips = list(getattr(target, "ips", ()))
        current = self.cfg.connection.route
        if current and current not in ips:
            ips.insert(0, current)
        route.set_options([(ip, ip) for ip in ips])
        if current:
            route.value = current
        self._render_tree()

    def _render_tree(self) -> None:
        tree = self.query_one("#items-tree", ItemsTree)
        tree.clear()
        tree.root.expand()
        shares = tree.root.add("Shares", expand=True)
        known = {s.name: s for s in (self.source.user_shares() if self.source else [])}
        for name in sorted(set(known) | self.shares):
            path = known[name].path if name in known else "(not found on the source)"
            mark = "☑" if name in self.shares else "☐"
            shares.add_leaf(f"{mark} {name}  {path}", data=("share", name))
        volumes = tree.root.add("Volumes", expand=True)
        letters = sorted(self.source.volume_letters) if self.source else []
        for letter in sorted(set(letters) | {p[0].upper() for p in self.paths if p}):
            root_path = f"{letter}:\\"
            mark = "☑" if root_path in self.paths else "☐"
            below = [p for p in self.paths if p.upper().startswith(letter) and p != root_path]
            if not below:
                volumes.add_leaf(f"{mark} {root_path}", data=("path", root_path))
                continue
            node = volumes.add(f"{mark} {root_path}", data=("path", root_path), expand=True)
            for p in below:
                node.add_leaf(f"☑ {p}", data=("path", p))

    @on(Tree.NodeSelected, "#items-tree")
    def _toggle(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data is None:
            return
        kind, value = event.node.data
        if kind == "share":
            self.shares.symmetric_difference_update({value})
            on_now = value in self.shares
        else:
            if value in self.paths:
                self.paths.remove(value)
            else:
                self.paths.append(value)
            on_now = value in self.paths
        label = str(event.node.label)
        event.node.set_label(("☑" if on_now else "☐") + label[1:])

    @on(Input.Submitted, "#volume-path")
    @on(Button.Pressed, "#volume-add")
    def _add_path(self) -> None:
        field = self.query_one("#volume-path", Input)
        path = field.value.strip()
        if len(path) < 3 or path[1:3] != ":\\":
            self._error(r"Give a full Windows path such as E:\Apps\Data.")
            return
        self._error("")
        if path not in self.paths:
            self.paths.append(path)
        field.value = ""
        self._render_tree()

    def _error(self, text: str) -> None:
        line = self.query_one("#err-connection-shares", Static)
        line.update(text)
        line.set_class(bool(text), "-shown")

    @on(Button.Pressed, "#items-refresh")
    def _refresh(self) -> None:
        self.screen.refresh_inventory()

    def collect(self, cfg: ProtectionConfig) -> None:
        cfg.connection.shares = sorted(self.shares)
        cfg.connection.volume_paths = list(self.paths)

    def assignments(self, base: ProtectionConfig) -> list[str]:
        return form.assignments(self, base, PATHS)
