"""OK and Cancel of Configure Protection (SPEC F-6, F-6.5, F-6.6).

OK: apply the changed fields, ask before regenerating failover scripts the
user edited when the configuration no longer matches them, save, and show
the notices the save returns (compression is one setting per target).
Cancel: keep the unsaved changes as a draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.screen import ModalScreen
from textual.widgets import Button

from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from tui.api_calls import ApiCaller, error_text
from tui.configure import form
from tui.configure.monitoring_tab import MonitoringTab


def save_job(api: Any, cfg: ProtectionConfig, changes: list[str],
             regenerate: list[str] | None = None,
             wmi_password: str = "") -> tuple[str, ProtectionConfig, list[str]]:
    """Thread: ("stale", cfg, phases) when edited scripts would be regenerated and
    nobody was asked yet, else ("saved", cfg, notices). A typed WMI password goes to the
    credential cache just before saving: when it is refused, nothing is saved, and when the
    save fails, it is taken out of the cache again."""
    new = api.configure.apply(cfg, changes)
    if regenerate is None:
        stale = api.tabs.plan_stale(new)
        if stale:
            return "stale", new, stale
    elif regenerate:
        new = api.tabs.regenerate_plan(new, regenerate)
    if wmi_password:
        new = api.wmi_account.set_wmi_credentials(new, new.monitoring.application.wmi_user, wmi_password)
    try:
        notices = list(api.configure.save_config(new) or [])
    except Exception:
        if wmi_password:  # not saved: the password typed for it is not kept either
            api.wmi_account.clear_wmi_credentials(new)
        raise
    return "saved", new, notices


#: what Configure Protection returns: ("saved" | "draft", cfg), or None when cancelled
Result = tuple[str, ProtectionConfig] | None


class SaveFlow(ApiCaller, ModalScreen[Result]):
    """Base of :class:`tui.screens.configure.ConfigureScreen`: OK, Save Draft and Cancel
    (a screen, so that its ``@on`` handlers are registered and what it uses is typed)."""

    base: ProtectionConfig
    cfg: ProtectionConfig
    # the Configure screen's parts the save flow calls
    pending: Callable[[], tuple[ProtectionConfig, list[str]]]
    show_field_error: Callable[[InvalidInput], bool]
    general_error: Callable[[str], None]

    def wmi_password(self) -> str:
        """The WMI password typed on the Monitoring tab ("" when none)."""
        return self.query_one("#monitoring-tab", MonitoringTab).wmi_password()

    @on(Button.Pressed, "#cfg-ok")
    def action_ok(self) -> None:
        form.clear_errors(self)
        self.general_error("")
        copy, changes = self.pending()
        self.call_api("save", save_job, self.api, copy, changes,
                      wmi_password=self.wmi_password())

    def api_save(self, result: tuple[str, ProtectionConfig, list[str]], _tag: Any) -> None:
        kind, cfg, extra = result
        if kind == "stale":
            self._ask_regenerate(cfg, extra)
            return
        for notice in extra:
            self.notify(notice, title="Saved", timeout=12)
        self.notify("Configuration saved.")
        self.dismiss(("saved", cfg))

    def _ask_regenerate(self, cfg: ProtectionConfig, phases: list[str]) -> None:
        from tui.screens.confirm import ConfirmScreen

        names = ", ".join(phases)
        body = (f"You edited the failover script{'s' if len(phases) > 1 else ''} {names}, and "
                "the configuration changed since.\nRegenerate (your edits are replaced) or "
                "keep your edits as they are?")

        def answered(regenerate: bool | None) -> None:
            if regenerate is None:
                return
            chosen = phases if regenerate else []
            self.call_api("save", save_job, self.api, cfg, [], chosen,
                          wmi_password=self.wmi_password())

        self.app.push_screen(ConfirmScreen("Failover scripts", body, yes="Regenerate",
                                           no="Keep my edits", dialog_id="plan-stale"),
                             answered)

    def api_failed_save(self, err: BaseException, _tag: Any) -> None:
        if isinstance(err, InvalidInput) and self.show_field_error(err):
            self.general_error(f"Not saved: {err.message}")
            return
        self.general_error(f"Not saved: {error_text(err)}")

    @on(Button.Pressed, "#cfg-cancel")
    def action_cancel(self) -> None:
        copy, changes = self.pending()
        if not changes and copy.to_dict() == self.base.to_dict():
            self.dismiss(None)
            return
        api = self.api

        def job() -> ProtectionConfig:
            try:
                draft = api.configure.apply(copy, changes)
            except InvalidInput:
                draft = copy  # keep what can be kept; the bad value is typed again
            api.configure.save_draft(draft)
            return draft

        self.call_api("draft", job)

    def api_draft(self, cfg: ProtectionConfig, _tag: Any) -> None:
        self.notify("Changes not applied; kept as a draft for next time.")
        self.dismiss(("draft", cfg))

    def api_failed_draft(self, err: BaseException, _tag: Any) -> None:
        self.notify(f"Draft not kept: {error_text(err)}", severity="warning")
        self.dismiss(None)
