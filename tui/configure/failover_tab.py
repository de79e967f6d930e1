"""Configure Protection → Failover (SPEC F-6.1): type and the services list."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, OptionList, RadioSet, Static
from textual.widgets.option_list import Option

from core.model.config import ProtectionConfig, ServiceItem
from tui.configure import form

PATHS = ("failover.type",)
IDENTITY_NOTE = ("Identity failover is configured and validated here, but the engine runs it: "
                 "the console cannot fail over or back with it.")


class FailoverTab(VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg
        self.services: list[ServiceItem] = list(cfg.failover.services)

    def compose(self) -> ComposeResult:
        yield from form.row("Failover type", form.radio("failover.type", self.cfg.failover.type, [
            ("DNS failover", "dns"), ("Identity failover", "identity")]), "failover.type")
        with Horizontal(classes="row"):
            yield Button("Configure DNS failover…", id="dns-configure", compact=True)
            yield Button("Configure identity…", id="identity-configure", compact=True)
        yield Static("", id="identity-note", classes="note")
        yield Static("Services: started top-down on failover, stopped bottom-up",
                     classes="section-title")
        yield OptionList(id="services-list")
        yield Static("", id="err-failover-services", classes="field-error")
        with Horizontal(classes="row"):
            yield Button("Up", id="service-up", compact=True)
            yield Button("Down", id="service-down", compact=True)
            yield Button("Remove", id="service-remove", compact=True)
        with Horizontal(classes="row"):
            yield Input(id="service-name", compact=True, placeholder="service name")
            yield Checkbox("must be stopped on target", True, id="service-must-stop",
                           compact=True)
            yield Button("Add", id="service-add", compact=True)

    def on_mount(self) -> None:
        self._render_services()
        self._type_changed()

    def set_inventory(self, source: Any, target: Any) -> None:
        names = [s.name for s in getattr(target, "services", ())]
        self.query_one("#service-name", Input).suggester = SuggestFromList(
            names, case_sensitive=False)

    @on(RadioSet.Changed, "#f-failover-type")
    def _type_changed(self) -> None:
        kind = form.widget_text(self.query_one("#f-failover-type", RadioSet))
        self.query_one("#dns-configure", Button).disabled = kind != "dns"
        self.query_one("#identity-configure", Button).disabled = kind != "identity"
        self.query_one("#identity-note", Static).update(IDENTITY_NOTE if kind == "identity"
                                                        else "")

    # --- services ------------------------------------------------------------------
    def _render_services(self, highlight: int | None = None) -> None:
        listing = self.query_one("#services-list", OptionList)
        listing.clear_options()
        for i, item in enumerate(self.services, 1):
            notes = []
            if item.must_stop_on_target:
                notes.append("stopped on target")
            if item.user_added:
                notes.append("added by you")
            suffix = f"  ({', '.join(notes)})" if notes else ""
            listing.add_option(Option(f"{i}. {item.name}{suffix}"))
        if self.services:
            listing.highlighted = min(highlight or 0, len(self.services) - 1)

    def _selected(self) -> int | None:
        return self.query_one("#services-list", OptionList).highlighted

    @on(Button.Pressed, "#service-up,#service-down")
    def _move(self, event: Button.Pressed) -> None:
        i = self._selected()
        if i is None:
            return
        j = i - 1 if event.button.id == "service-up" else i + 1
        if 0 <= j < len(self.services):
            self.services[i], self.services[j] = self.services[j], self.services[i]
            self._render_services(j)

    @on(Button.Pressed, "#service-remove")
    def _remove(self) -> None:
        i = self._selected()
        if i is None:
            return
        if not self.services[i].user_added:
            self.notify("Only services you added can be removed.", severity="warning")
            return
        del self.services[i]
        self._render_services(i)

    @on(Input.Submitted, "#service-name")
    @on(Button.Pressed, "#service-add")
    def _add(self) -> None:
        field = self.query_one("#service-name", Input)
        name = field.value.strip()
        if not name:
            return
        if any(s.name.lower() == name.lower() for s in self.services):
            self.notify(f"{name} is already on the list.", severity="warning")
            return
        must_stop = self.query_one("#service-must-stop", Checkbox).value
        self.services.append(ServiceItem(name, user_added=True, must_stop_on_target=must_stop))
        field.value = ""
        self._render_services(len(self.services) - 1)

    def collect(self, cfg: ProtectionConfig) -> None:
        cfg.failover.services = [replace(s) for s in self.services]

    def assignments(self, base: ProtectionConfig) -> list[str]:
        return form.assignments(self, base, PATHS)
