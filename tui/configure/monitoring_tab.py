"""Configure Protection → Monitoring (SPEC F-6.2)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from core.model.config import ProtectionConfig
from tui.configure import form

PATHS = ("monitoring.enabled", "monitoring.manual_intervention", "monitoring.method",
         "monitoring.interval", "monitoring.missed", "monitoring.trigger")


class MonitoringTab(VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg

    def compose(self) -> ComposeResult:
        m = self.cfg.monitoring
        yield form.check("Active monitoring enabled", "monitoring.enabled", self.cfg)
        yield form.check("Manual intervention required", "monitoring.manual_intervention",
                         self.cfg)
        yield from form.row("Method", form.radio("monitoring.method", m.method, [
            ("ICMP ping", "icmp"), ("Engine UDP heartbeat", "heartbeat")]), "monitoring.method")
        yield from form.row("Monitor interval", form.number("monitoring.interval", self.cfg),
                            "monitoring.interval", "seconds")
        yield from form.row("Missed packets", form.number("monitoring.missed", self.cfg),
                            "monitoring.missed")
        yield Static("", id="failure-after")
        yield from form.row("Failover trigger", form.radio("monitoring.trigger", m.trigger, [
            ("All monitored IPs fail", "all"), ("Any one fails", "any")]), "monitoring.trigger")

    def on_mount(self) -> None:
        self._failure_after()

    @on(Input.Changed, "#f-monitoring-interval,#f-monitoring-missed")
    def _failure_after(self) -> None:
        interval = self.query_one("#f-monitoring-interval", Input).value.strip()
        missed = self.query_one("#f-monitoring-missed", Input).value.strip()
        label = self.query_one("#failure-after", Static)
        if interval.isdigit() and missed.isdigit():
            label.update(f"A failure is declared after {int(interval) * int(missed)} s "
                         f"({interval} s × {missed} missed).")
        else:
            label.update("A failure is declared after interval × missed packets.")

    def collect(self, cfg: ProtectionConfig) -> None:
        """Nothing structured on this tab: every field is a scalar assignment."""

    def assignments(self, base: ProtectionConfig) -> list[str]:
        return form.assignments(self, base, PATHS)
