"""Configure Protection → Failover (SPEC F-6.1, F-10): type, services or resources.

The list is edited through the façade (add, remove, move, "Add SharePoint
services"), so the rules are core's: only removable services go (SQL: all
but the instance's engine service), and the refusal says why.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, OptionList, RadioSet, Select, Static
from textual.widgets.option_list import Option

from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from tui.api_calls import ApiCaller, error_text
from tui.configure import form
from tui.configure.info import FormInfo, clustered
from tui.fmt import plain
from tui.hosts import configure_screen

PATHS = ("failover.type",)
IDENTITY_NOTE = ("Identity failover: the target's engine takes over the source's IPs, name "
                 "and shares (by itself when manual intervention is off); failover moves "
                 "the SPNs, failback gives everything back.")
#: applications with an "Add … services" button (their optional services, F-6.1)
APP_SERVICES = {"sharepoint": "Add SharePoint services"}


def services_info(api: Any, cfg: ProtectionConfig) -> tuple[list[str], set[str]]:
    """Thread: the target's services to offer, and the names that cannot be removed."""
    required = {s.name for s in cfg.failover.services if not api.tabs.removable_service(cfg, s.name)}
    return list(api.tabs.service_choices(cfg)), required


class FailoverTab(ApiCaller, VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, info: FormInfo, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg
        self.info = info
        self.required: set[str] = set()

    def compose(self) -> ComposeResult:
        cluster = clustered(self.cfg)
        kind = form.radio("failover.type", self.cfg.failover.type, [
            ("DNS failover", "dns"), ("Identity failover", "identity")])
        yield from form.row("Failover type", kind, "failover.type")
        with Horizontal(classes="row"):
            yield Button("Configure DNS failover…", id="dns-configure", compact=True)
            yield Button("Configure identity…", id="identity-configure", compact=True)
        yield Static("Clusters fail over by DNS only." if cluster else "", id="identity-note",
                     classes="note")
        what = "Resources: brought online top-down" if self.cfg.failover.resources else (
            "Services: started top-down")
        yield Static(f"{what} on failover, stopped bottom-up", classes="section-title")
        yield OptionList(id="services-list")
        yield Static("", id="err-failover-services", classes="field-error")
        with Horizontal(classes="row"):
            yield Button("Up", id="service-up", compact=True)
            yield Button("Down", id="service-down", compact=True)
            yield Button("Remove", id="service-remove", compact=True)
            if self.cfg.app in APP_SERVICES:
                yield Button(APP_SERVICES[self.cfg.app], id="services-app", compact=True)
        with Horizontal(classes="row"):
            yield Select([], id="service-choice", prompt="target's services", compact=True)
            yield Input(id="service-name", compact=True, placeholder="or a name")
        with Horizontal(classes="row"):
            yield Checkbox("must be stopped on target", True, id="service-must-stop",
                           compact=True)
            yield Button("Add", id="service-add", compact=True)

    def on_mount(self) -> None:
        if clustered(self.cfg):  # F-10: identity failover is not for clusters
            radio = self.query_one("#f-failover-type", RadioSet)
            for button in radio.query("RadioButton"):
                button.disabled = button.name == "identity"
        self._render_list()
        self._type_changed()
        self._refresh_info()

    def cfg_changed(self, cfg: ProtectionConfig) -> None:
        before = {s.name for s in self.cfg.failover.services}
        self.cfg = cfg
        if before != {s.name for s in cfg.failover.services}:
            self._refresh_info()
        self._render_list(self._highlighted_name())

    def _refresh_info(self) -> None:
        self.call_api("services_info", services_info, self.api, configure_screen(self).cfg)

    def api_services_info(self, result: tuple[list[str], set[str]], _tag: Any) -> None:
        choices, self.required = result
        select = self.query_one("#service-choice", Select)
        with select.prevent(Select.Changed):
            select.set_options([(n, n) for n in choices])
        self.query_one("#service-name", Input).suggester = SuggestFromList(
            choices, case_sensitive=False)
        self._render_list(self._highlighted_name())

    def api_failed_services_info(self, err: BaseException, _tag: Any) -> None:
        self._error(f"The target's services are unavailable: {error_text(err)}")

    @on(RadioSet.Changed, "#f-failover-type")
    def _type_changed(self) -> None:
        kind = form.widget_text(self.query_one("#f-failover-type", RadioSet))
        self.query_one("#dns-configure", Button).disabled = kind != "dns"
        self.query_one("#identity-configure", Button).disabled = kind != "identity"
        if not clustered(self.cfg):
            form.set_note(self.query_one("#identity-note", Static),
                          IDENTITY_NOTE if kind == "identity" else "")

    # --- the list --------------------------------------------------------------------
    def _render_list(self, highlight: str | None = None) -> None:
        listing = self.query_one("#services-list", OptionList)
        services = self.cfg.failover.services
        listing.clear_options()
        for i, item in enumerate(services, 1):
            notes = []
            if item.must_stop_on_target:
                notes.append("stopped on target")
            if item.user_added:
                notes.append("added by you")
            elif item.name in self.required:
                notes.append("required")
            suffix = f"  ({', '.join(notes)})" if notes else ""
            listing.add_option(Option(f"{i}. {item.name}{suffix}"))
        names = [s.name for s in services]
        if names:
            listing.highlighted = names.index(highlight) if highlight in names else 0
        else:
            what = "resources" if self.cfg.failover.resources else "services"
            listing.add_option(Option(f"(no {what}: add the ones failover must start)",
                                      disabled=True))

    def _highlighted_name(self) -> str | None:
        index = self.query_one("#services-list", OptionList).highlighted
        services = self.cfg.failover.services
        return services[index].name if index is not None and index < len(services) else None

    def _op(self, fn: Any, *args: Any, highlight: str | None = None) -> None:
        self._error("")
        self.call_api("service_op", fn, configure_screen(self).cfg, *args, tag=highlight)

    def api_service_op(self, cfg: ProtectionConfig, highlight: str | None) -> None:
        configure_screen(self).change(cfg)
        self._render_list(highlight)

    def api_failed_service_op(self, err: BaseException, _tag: Any) -> None:
        self._error(err.message if isinstance(err, InvalidInput) else error_text(err))

    def _error(self, text: str) -> None:
        line = self.query_one("#err-failover-services", Static)
        line.update(plain(text))
        line.set_class(bool(text), "-shown")

    @on(Button.Pressed, "#service-up,#service-down")
    def _move(self, event: Button.Pressed) -> None:
        name = self._highlighted_name()
        if name is not None:
            self._op(self.api.tabs.move_service, name, event.button.id == "service-up",
                     highlight=name)

    @on(Button.Pressed, "#service-remove")
    def _remove(self) -> None:
        name = self._highlighted_name()
        if name is not None:
            self._op(self.api.tabs.remove_service, name)

    @on(Select.Changed, "#service-choice")
    def _chosen(self, event: Select.Changed) -> None:
        if event.value != Select.NULL:
            self.query_one("#service-name", Input).value = str(event.value)

    @on(Input.Submitted, "#service-name")
    @on(Button.Pressed, "#service-add")
    def _add(self) -> None:
        field = self.query_one("#service-name", Input)
        name = field.value.strip()
        if not name:
            self._error("Choose one of the target's services or type a name.")
            return
        must_stop = self.query_one("#service-must-stop", Checkbox).value
        field.value = ""
        self._op(self.api.tabs.add_service, name, must_stop, highlight=name)

    @on(Button.Pressed, "#services-app")
    def _add_app_services(self) -> None:
        self._op(self.api.tabs.add_app_services)

    def assignments(self, base: ProtectionConfig) -> list[str]:
        return form.assignments(self, base, PATHS)
