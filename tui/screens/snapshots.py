"""Manage Snapshots (SPEC F-6.3, F-11): the target's snapshots of the pair's data.

Lists them with time, size and how they were taken; ``t`` takes one now, ``d``
deletes the selected one (after a question). The target's engine does the
work; this screen only calls the console façade in thread workers. Failing
over to a snapshot is asked by the Failover dialog when snapshots exist.
"""

from __future__ import annotations

import time
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from core.model.pair import Pair
from tui.api_calls import ApiCaller, error_text
from tui.fmt import size as human_bytes
from tui.screens.confirm import ConfirmScreen

COLUMNS = ("Taken", "Size", "Files", "By")


def taken_text(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


class SnapshotsScreen(ApiCaller, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("t", "take", "Take now"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self, pair: Pair) -> None:
        super().__init__()
        self.pair = pair
        self.ids: list[str] = []

    def compose(self) -> ComposeResult:
        source, target = self.pair.source, self.pair.target
        with Vertical(id="snapshots", classes="dialog"):
            yield Static(f"Snapshots: {source} → {target}", classes="dialog-title")
            yield Static(f"Copies of {target}'s replicated data, kept by {target}'s engine.",
                         id="snap-note", classes="dialog-text")
            yield DataTable(id="snap-table", cursor_type="row", zebra_stripes=False)
            yield Static("Reading the snapshots…", id="snap-status", classes="hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Take now", id="snap-take", variant="primary", compact=True)
                yield Button("Delete", id="snap-delete", compact=True)
                yield Button("Close", id="snap-close", compact=True)
            yield Static("t Take now · d Delete · Esc Close", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#snap-table", DataTable)
        for col in COLUMNS:
            table.add_column(col, key=col.lower())
        table.focus()
        self._reload()

    def _reload(self) -> None:
        self.call_api("snapshots", self.api.snapshots.listing, self.pair)

    def _say(self, text: str) -> None:
        self.query_one("#snap-status", Static).update(text)

    def api_snapshots(self, snaps: list[Any], _tag: Any) -> None:
        table = self.query_one("#snap-table", DataTable)
        table.clear()
        self.ids = [s.id for s in reversed(snaps)]  # newest first
        for s in reversed(snaps):
            table.add_row(taken_text(s.taken), human_bytes(s.size), str(s.files), s.reason,
                          key=s.id)
        self._say(f"{len(snaps)} snapshot(s); the newest first." if snaps else
                  "No snapshots yet: take one now (t), or schedule them in Configure.")

    def api_failed_snapshots(self, err: BaseException, _tag: Any) -> None:
        self._say(f"Cannot read the snapshots: {error_text(err)}")

    def _selected(self) -> str | None:
        table = self.query_one("#snap-table", DataTable)
        if not self.ids or table.cursor_row < 0 or table.cursor_row >= len(self.ids):
            return None
        return self.ids[table.cursor_row]

    @on(Button.Pressed, "#snap-take")
    def action_take(self) -> None:
        self._say(f"Taking a snapshot on {self.pair.target}…")
        self.call_api("take_snapshot", self.api.snapshots.take_snapshot, self.pair)

    def api_take_snapshot(self, snap: Any, _tag: Any) -> None:
        self.notify(f"Snapshot {snap.id} taken: {snap.files} file(s), "
                    f"{human_bytes(snap.size)}.", title="Manage Snapshots")
        self._reload()

    def api_failed_take_snapshot(self, err: BaseException, _tag: Any) -> None:
        self._say(f"No snapshot taken: {error_text(err)}")

    @on(Button.Pressed, "#snap-delete")
    def action_delete(self) -> None:
        sid = self._selected()
        if sid is None:
            self._say("Select a snapshot to delete first.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._say(f"Deleting {sid}…")
                self.call_api("delete_snapshot", self.api.snapshots.delete_snapshot, self.pair,
                              sid, tag=sid)

        self.app.push_screen(ConfirmScreen("Delete snapshot",
                                           f"Delete snapshot {sid} on {self.pair.target}?",
                                           yes="Delete"), answered)

    def api_delete_snapshot(self, _result: Any, sid: str) -> None:
        self.notify(f"Snapshot {sid} deleted.", title="Manage Snapshots")
        self._reload()

    def api_failed_delete_snapshot(self, err: BaseException, _sid: Any) -> None:
        self._say(f"Not deleted: {error_text(err)}")

    @on(Button.Pressed, "#snap-close")
    def action_close(self) -> None:
        self.dismiss(None)
