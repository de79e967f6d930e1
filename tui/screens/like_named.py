"""Like-named cluster setup (SPEC F-5.6): target node, network, IP, mask, storage."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from tui.api_calls import ApiCaller, error_text
from tui.configure import form
from tui.widgets.help_line import HelpLine, HelpLineHost

FIELDS = ("cluster.network", "cluster.ip", "cluster.subnet_mask")


class LikeNamedScreen(ApiCaller, HelpLineHost, ModalScreen[ProtectionConfig | None]):
    """Dismisses with the pair's saved configuration, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+s", "ok", "OK")]

    def __init__(self, app_id: str, source: str, target: str) -> None:
        super().__init__()
        self.app_id, self.source, self.target = app_id, source, target
        self.node = ""  # the node connected to
        self.locked: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="like-named", classes="dialog"):
            yield Static(f"Like-named cluster — {self.target}", classes="dialog-title")
            yield Static(f"A standby cluster takes over {self.source} under its own name. "
                         "Connect to a node of that cluster, then say where the new IP "
                         "address goes and which disks it uses.", classes="dialog-text")
            with Horizontal(classes="row"):
                yield Label("Target node", classes="label-wide")
                yield Input(id="f-cluster-target_node", compact=True,
                            placeholder="a node of the target cluster")
                yield Button("Connect", id="lnc-connect", compact=True)
            yield Static("", id=form.error_id("cluster.target_node"), classes="field-error")
            yield from form.row("Network", Select([], id="f-cluster-network", compact=True,
                                                  disabled=True), "cluster.network")
            yield from form.row("New IP address", Input(
                id="f-cluster-ip", compact=True, disabled=True), "cluster.ip")
            yield from form.row("Subnet mask", Input(id="f-cluster-subnet_mask", compact=True,
                                                     disabled=True), "cluster.subnet_mask")
            yield Static("Storage resources (drive letters)", classes="section-title")
            yield Horizontal(Static("Connect to a node first.", classes="note"),
                             id="lnc-drives", classes="row")
            locked = Static("", id="lnc-locked", classes="note")
            locked.display = False  # until a node is connected
            yield locked
            yield Static("", id=form.error_id("cluster.storage"), classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="lnc-ok", variant="primary", compact=True)
                yield Button("Cancel", id="lnc-cancel", compact=True)
            yield HelpLine("")

    def on_mount(self) -> None:
        self.query_one("#f-cluster-target_node", Input).focus()

    # --- connect to a node of the target cluster ------------------------------------
    @on(Input.Submitted, "#f-cluster-target_node")
    @on(Button.Pressed, "#lnc-connect")
    def _connect(self) -> None:
        form.clear_errors(self)
        node = self.query_one("#f-cluster-target_node", Input).value.strip().upper()
        if not node:
            self._error("cluster.target_node", "enter a node of the target cluster")
            return
        self.call_api("node_login", self.api.logins.needs_login, node, tag=node)

    def api_node_login(self, needed: bool, node: str) -> None:
        if not needed:
            self._read(node)
            return
        from tui.screens.login import LoginScreen

        def done(server: Any) -> None:
            if server is not None:
                self._read(node)

        self.app.push_screen(LoginScreen(node, "target node"), done)

    def api_failed_node_login(self, err: BaseException, _node: str) -> None:
        self._error("cluster.target_node", error_text(err))

    def _read(self, node: str) -> None:
        self.call_api("like_named_setup", self.api.apps.like_named_setup, self.source, node,
                      tag=node)

    def api_like_named_setup(self, choices: Any, node: str) -> None:
        setup = choices.setup
        self.node, self.locked = node, list(choices.locked)
        network = self.query_one("#f-cluster-network", Select)
        network.set_options([(n, n) for n in choices.networks])
        if setup.network in choices.networks:
            network.value = setup.network
        for wid, value in (("#f-cluster-ip", setup.ip), ("#f-cluster-subnet_mask",
                                                         setup.subnet_mask)):
            self.query_one(wid, Input).value = value
        for wid in ("#f-cluster-network", "#f-cluster-ip", "#f-cluster-subnet_mask"):
            self.query_one(wid).disabled = False
        drives = self.query_one("#lnc-drives", Horizontal)
        drives.remove_children()
        boxes: list[Any] = [Checkbox(f"{d}:", d in setup.storage or d in self.locked,
                                     id=f"lnc-drive-{d}", compact=True,
                                     disabled=d in self.locked) for d in choices.drives]
        if not boxes:
            boxes = [Static(f"{node} has no disk to offer.", classes="note")]
        drives.mount_all(boxes)
        # its own line: beside the boxes it is cut off at 80 columns
        form.set_note(self.query_one("#lnc-locked", Static),
                      f"{', '.join(self.locked)}: hold {self.source}'s data on both clusters "
                      "(locked)" if self.locked else "")
        self.query_one("#f-cluster-ip", Input).focus()

    def api_failed_like_named_setup(self, err: BaseException, _node: str) -> None:
        if isinstance(err, InvalidInput):
            self._error(err.field if err.field.startswith("cluster.") else
                        "cluster.target_node", err.message)
        else:
            self._error("cluster.target_node", error_text(err))

    def _error(self, path: str, text: str) -> None:
        widget = form.show_error(self, InvalidInput(path, text))
        if widget is not None and widget.focusable:
            widget.focus()

    # --- OK ---------------------------------------------------------------------------
    def _assignments(self) -> list[str]:
        drives = [box.id.removeprefix("lnc-drive-") for box in self.query(Checkbox)
                  if box.id and box.id.startswith("lnc-drive-") and box.value]
        values = [f"cluster.target_node={self.node}"]
        values += [f"{path}={form.widget_text(self.query_one('#' + form.field_id(path)))}"
                   for path in FIELDS]
        return [*values, f"cluster.storage={','.join(drives)}"]

    def action_ok(self) -> None:
        self._ok()

    # Enter in the last fields is OK, as in the other dialogs' single-line forms
    @on(Input.Submitted, "#f-cluster-ip,#f-cluster-subnet_mask")
    @on(Button.Pressed, "#lnc-ok")
    def _ok(self) -> None:
        form.clear_errors(self)
        if not self.node:
            self._error("cluster.target_node", "connect to a node of the target cluster first")
            return
        api, app_id, source, target = self.api, self.app_id, self.source, self.target
        changes = self._assignments()

        def job() -> ProtectionConfig:
            cfg = api.configure.apply(api.configure.load_config(Pair(app_id, source, target)), changes)
            api.configure.save_config(cfg)
            return cfg

        self.call_api("save", job)

    def api_save(self, cfg: ProtectionConfig, _tag: Any) -> None:
        self.dismiss(cfg)

    def api_failed_save(self, err: BaseException, _tag: Any) -> None:
        if isinstance(err, InvalidInput) and (widget := form.show_error(self, err)) is not None:
            if widget.focusable:
                widget.focus()
            return
        self.notify(f"Not saved: {error_text(err)}", severity="error")

    @on(Button.Pressed, "#lnc-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
