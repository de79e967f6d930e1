"""Configure Protection → Monitoring (SPEC F-6.2), with application monitoring (beta)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, RadioSet, Static

from core.config.parsers import whole_or_none
from core.errors import AppmgrError, InvalidInput
from core.model.config import ProtectionConfig
from tui.api_calls import ApiCaller, error_text
from tui.configure import form
from tui.configure.info import ADVANCED_NOTE, FormInfo, clustered
from tui.hosts import configure_screen

PATHS = ("monitoring.enabled", "monitoring.manual_intervention", "monitoring.method",
         "monitoring.interval", "monitoring.missed", "monitoring.trigger")
APP = "monitoring.application."
APP_PATHS = tuple(APP + k for k in ("enabled", "interval", "error_threshold", "method",
                                    "script_path", "script_engine", "wmi_user"))
#: the WMI account's password: never a config field, only the credential cache (F-12)
PASSWORD = APP + "wmi_password"
#: what is enabled and disabled with the application-monitoring fields
WMI_CONTROLS = ("#" + form.field_id(PASSWORD), "#wmi-test", "#wmi-clear")
BETA = ("Application monitoring is a beta feature: it watches the application's health on "
        "the source and alerts, but is not meant for production use.\nTurn it on?")


def hints_job(api: Any, cfg: ProtectionConfig, changes: list[str]) -> list[str]:
    """Thread: the façade's hints for the values typed so far ([] when they do not parse)."""
    try:
        return list(api.tabs.monitoring_hints(api.configure.apply(cfg, changes)))
    except AppmgrError:  # a half-typed number: the local line stands alone
        return []


def wmi_test_job(api: Any, cfg: ProtectionConfig, changes: list[str], password: str) -> list[str]:
    """Thread: Test with the fields as typed; a typed password is cached first (as the
    DNS dialog's Test does)."""
    new = api.configure.apply(cfg, changes)
    if password:
        new = api.wmi_account.set_wmi_credentials(new, new.monitoring.application.wmi_user, password)
    return list(api.wmi_account.wmi_test(new))


class MonitoringTab(ApiCaller, VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, info: FormInfo, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg
        self.info = info
        self._beta_confirmed = cfg.monitoring.application.enabled

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
        yield Static("", id="monitor-warning", classes="note -warn")
        yield from form.row("Failover trigger", form.radio("monitoring.trigger", m.trigger, [
            ("All monitored IPs fail", "all"), ("Any one fails", "any")]), "monitoring.trigger")
        if self.info.shows(APP + "enabled"):
            yield from self._application()

    def _application(self) -> ComposeResult:
        a = self.cfg.monitoring.application
        yield Static("Application monitoring (beta)", classes="section-title section")
        if clustered(self.cfg):
            yield Static("Not available for clusters.", id="app-monitoring-note", classes="note")
        elif not self.info.can_edit(APP + "enabled"):
            yield Static(ADVANCED_NOTE, id="app-monitoring-note", classes="note")
        yield form.check("Monitor the application (beta)", APP + "enabled", self.cfg)
        yield from form.row("Check interval", form.number(APP + "interval", self.cfg),
                            APP + "interval", "seconds")
        yield from form.row("Error threshold", form.number(APP + "error_threshold", self.cfg),
                            APP + "error_threshold", "errors in a row")
        yield from form.row("Checks", form.radio(APP + "method", a.method, [
            ("Built-in", "builtin"), ("Custom script", "script")]), APP + "method")
        script = Input(a.script_path, id=form.field_id(APP + "script_path"), compact=True,
                       placeholder=r"C:\Scripts\check.ps1")
        yield from form.row("Script", script, APP + "script_path")
        yield from form.row("Script engine", form.radio(APP + "script_engine", a.script_engine, [
            ("PowerShell", "ps1"), ("VBScript", "vb")]), APP + "script_engine")
        user = Input(a.wmi_user, id=form.field_id(APP + "wmi_user"), compact=True,
                     placeholder=r"DOMAIN\user")
        yield from form.row("WMI user", user, APP + "wmi_user")
        yield from form.row("Password", Input(id=form.field_id(PASSWORD), password=True,
                                              compact=True), PASSWORD)
        yield Horizontal(Button("Test", id="wmi-test", compact=True),
                         Button("Clear cached credentials", id="wmi-clear", compact=True),
                         classes="row")
        yield Static("", id="wmi-result", classes="note")

    def on_mount(self) -> None:
        if self.info.shows(APP + "enabled"):
            locked = clustered(self.cfg) or not self.info.can_edit(APP + "enabled")
            for path in APP_PATHS:
                self.query_one(f"#{form.field_id(path)}").disabled = locked
            for selector in WMI_CONTROLS:
                self.query_one(selector).disabled = locked
            form.set_note(self.query_one("#wmi-result", Static), "")
            self._app_method_changed()
        form.set_note(self.query_one("#monitor-warning", Static), "")
        self._failure_after()

    # --- live hints ------------------------------------------------------------------
    @on(Input.Changed, "#f-monitoring-interval,#f-monitoring-missed")
    @on(Checkbox.Changed, "#f-monitoring-enabled")
    def _failure_after(self) -> None:
        interval = self.query_one("#f-monitoring-interval", Input).value.strip()
        missed = self.query_one("#f-monitoring-missed", Input).value.strip()
        label = self.query_one("#failure-after", Static)
        seconds, count = whole_or_none(interval, 0), whole_or_none(missed, 0)
        if seconds is not None and count is not None:
            label.update(f"→ {self.api.tabs.failure_after_text(seconds, count)} "
                         f"({seconds} s × {count} missed)")
        else:
            label.update("→ a failure is declared after interval × missed packets")
        changes = form.assignments(self, self.cfg, PATHS[:1] + PATHS[3:5])
        self.call_api("hints", hints_job, self.api, configure_screen(self).cfg, changes)

    def api_hints(self, hints: list[str], _tag: Any) -> None:
        warning = "\n".join(f"▲ {h}" for h in hints[1:])
        form.set_note(self.query_one("#monitor-warning", Static), warning)

    # --- application monitoring ------------------------------------------------------
    @on(Checkbox.Changed, "#f-monitoring-application-enabled")
    def _beta(self, event: Checkbox.Changed) -> None:
        if not event.value or self._beta_confirmed:
            return
        from tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            self._beta_confirmed = bool(yes)
            if not yes:
                event.checkbox.value = False

        self.app.push_screen(ConfirmScreen("Application monitoring (beta)", BETA,
                                           yes="Turn it on", no="Cancel",
                                           dialog_id="beta-confirm"), answered)

    @on(RadioSet.Changed, "#f-monitoring-application-method")
    def _app_method_changed(self) -> None:
        radio = self.query_one(f"#{form.field_id(APP + 'method')}", RadioSet)
        script = form.widget_text(radio) == "script" and not radio.disabled
        for path in (APP + "script_path", APP + "script_engine"):
            self.query_one(f"#{form.field_id(path)}").disabled = not script

    # --- the WMI account: Test and Clear cached credentials (F-6.2) ----------------------
    def wmi_password(self) -> str:
        """The typed WMI password ("" when the fields are not shown or locked)."""
        found = self.query(f"#{form.field_id(PASSWORD)}").results(Input)
        field = next(iter(found), None)
        return field.value if field is not None and not field.disabled else ""

    @on(Button.Pressed, "#wmi-test")
    def _wmi_test(self) -> None:
        form.clear_errors(self)
        changes = form.assignments(self, configure_screen(self).cfg, APP_PATHS)
        self._wmi_result("Testing…", ok=True)
        self.call_api("wmi_test", wmi_test_job, self.api, configure_screen(self).cfg, changes,
                      self.wmi_password())

    def api_wmi_test(self, lines: list[str], _tag: Any) -> None:
        self._wmi_result("\n".join("✔ " + line for line in lines) or "✔ OK", ok=True)

    def api_failed_wmi_test(self, err: BaseException, _tag: Any) -> None:
        self._wmi_failed(err)

    @on(Button.Pressed, "#wmi-clear")
    def _wmi_clear(self) -> None:
        form.clear_errors(self)
        self.call_api("wmi_clear", self.api.wmi_account.clear_wmi_credentials, configure_screen(self).cfg)

    def api_wmi_clear(self, removed: int, _tag: Any) -> None:
        self.query_one(f"#{form.field_id(PASSWORD)}", Input).value = ""
        source = configure_screen(self).cfg.source
        self._wmi_result(f"Cleared the cached WMI credentials of {source} ({removed} "
                         f"entr{'y' if removed == 1 else 'ies'})." if removed else
                         f"No WMI credentials were cached for {source}.", ok=True)

    def api_failed_wmi_clear(self, err: BaseException, _tag: Any) -> None:
        self._wmi_failed(err)

    def _wmi_failed(self, err: BaseException) -> None:
        if isinstance(err, InvalidInput) and (field := form.show_error(self, err)) is not None:
            self._wmi_result("", ok=True)
            if field.focusable:
                field.focus()
        else:
            self._wmi_result("✖ " + error_text(err), ok=False)

    def _wmi_result(self, text: str, ok: bool) -> None:
        line = self.query_one("#wmi-result", Static)
        form.set_note(line, text)
        line.set_class(not ok, "-error")
        if text:  # the note is the tab's last line: show it once it is laid out
            self.call_after_refresh(self.scroll_end, animate=False)

    def cfg_changed(self, cfg: ProtectionConfig) -> None:
        self.cfg = cfg

    def assignments(self, base: ProtectionConfig) -> list[str]:
        paths = PATHS + (APP_PATHS if self.info.can_edit(APP + "enabled") else ())
        return form.assignments(self, base, paths)
