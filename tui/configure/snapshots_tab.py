"""Configure Protection → Snapshots (SPEC F-6.3)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from core.model.config import ProtectionConfig
from tui.configure import form

PATHS = ("snapshots.enabled", "snapshots.interval_min", "snapshots.start_at")


class SnapshotsTab(VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg

    def compose(self) -> ComposeResult:
        yield form.check("Enable periodic snapshots of the target data", "snapshots.enabled",
                         self.cfg)
        yield from form.row("Snapshot interval", form.number("snapshots.interval_min",
                                                             self.cfg),
                            "snapshots.interval_min", "minutes (15 or more)")
        start = Input(self.cfg.snapshots.start_at, id="f-snapshots-start_at", compact=True,
                      placeholder="empty = start now")
        yield from form.row("Start at", start, "snapshots.start_at")
        yield Static("Snapshots are taken on the target while protection is enabled. "
                     "Manage Snapshots comes in a later release.", classes="note")

    def collect(self, cfg: ProtectionConfig) -> None:
        """Only scalar fields here."""

    def assignments(self, base: ProtectionConfig) -> list[str]:
        return form.assignments(self, base, PATHS)
