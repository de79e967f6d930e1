"""Configure Protection → Snapshots (SPEC F-6.3): interval ≥ 15 min, start now or at."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, RadioButton, RadioSet, Static

from core.model.config import ProtectionConfig
from tui.configure import form

PATHS = ("snapshots.enabled", "snapshots.interval_min", "snapshots.start_at")


class SnapshotsTab(VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg

    def compose(self) -> ComposeResult:
        at = bool(self.cfg.snapshots.start_at)
        yield form.check("Enable periodic snapshots of the target data", "snapshots.enabled",
                         self.cfg)
        yield from form.row("Snapshot interval", form.number("snapshots.interval_min",
                                                             self.cfg),
                            "snapshots.interval_min", "minutes (15 or more)")
        start = RadioSet(RadioButton("Start now", not at, name="now", compact=True),
                         RadioButton("Start at", at, name="at", compact=True),
                         id="snap-start", compact=True, classes="inline")
        yield from form.row("First snapshot", start)
        when = Input(self.cfg.snapshots.start_at, id="f-snapshots-start_at", compact=True,
                     placeholder="2025-01-31T22:00", disabled=not at)
        yield from form.row("Date and time", when, "snapshots.start_at")
        yield Static("The target's engine takes them from Enable Protection on; "
                     "Manage Snapshots (S) lists, takes and deletes them.", classes="note")

    @on(RadioSet.Changed, "#snap-start")
    def _start_changed(self) -> None:
        at = form.widget_text(self.query_one("#snap-start", RadioSet)) == "at"
        field = self.query_one("#f-snapshots-start_at", Input)
        field.disabled = not at
        if at:
            field.focus()

    def cfg_changed(self, cfg: ProtectionConfig) -> None:
        self.cfg = cfg

    def assignments(self, base: ProtectionConfig) -> list[str]:
        out = form.assignments(self, base, PATHS[:2])
        at = form.widget_text(self.query_one("#snap-start", RadioSet)) == "at"
        when = self.query_one("#f-snapshots-start_at", Input).value.strip() if at else ""
        if when != base.snapshots.start_at:
            out.append(f"snapshots.start_at={when}")
        return out
