"""The main window's actions (SPEC F-3 menus), one ``action_<id>`` per entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.screen import Screen
from textual.widgets import TabbedContent

from core.model.pair import Pair
from tui.actions import ACTIONS, BY_ID, MENUS, TWIN_OF
from tui.api_calls import ApiCaller
from tui.screens.confirm import ConfirmScreen
from tui.screens.steps import StepsScreen
from tui.widgets.monitor_pane import MonitorPane
from tui.widgets.setup_pane import SetupPane
from tui.widgets.validation_pane import ValidationPane

if TYPE_CHECKING:
    from tui.session import Session


class MainActions(ApiCaller, Screen[None]):
    """Base of :class:`tui.screens.main.MainScreen` holding its actions (a Screen, so
    that what it uses of Textual is typed; the main screen's own parts it calls are
    declared below)."""

    #: the verbose log line is written for its effect (a failure is still shown)
    RESULT_IGNORED: ClassVar[frozenset[str]] = frozenset({"log_action"})
    session: Session
    _prompted_failure: bool
    # the main screen's and ConfigureActions' parts these actions call
    ensure_config: Callable[[Callable[[], None]], None]
    refresh_allowed: Callable[[], None]
    _reset_pair: Callable[[], None]
    _actions_changed: Callable[[], None]
    open_pair: Callable[[Pair], None]

    # --- dispatch --------------------------------------------------------------
    def run_ui_action(self, action_id: str) -> None:
        """Run an action by id, or say why it cannot run now."""
        ua = BY_ID[action_id]
        if not self.session.shown(ua) and ua.id in TWIN_OF:
            ua = BY_ID[TWIN_OF[ua.id]]
        label, reason = self.session.label_and_reason(ua)
        if reason is not None:
            self.notify(reason, title=label, severity="warning")
            return
        getattr(self, f"action_{ua.id}")()

    def menu_entries(self) -> list[tuple[str, str, str, str, str | None]]:
        """(menu, action id, label, key, reason) for every action on show, by menu."""
        out = []
        for menu in MENUS:
            for ua in ACTIONS:
                if ua.menu == menu and ua.id != "menu" and self.session.shown(ua):
                    label, reason = self.session.label_and_reason(ua)
                    key = self.app.get_key_display(ua_binding(ua))
                    out.append((menu, ua.id, label, key, reason))
        return out

    def log_action(self, text: str) -> None:
        api = self.api
        self.call_api("log_action", api.logs.log_action, text)

    def api_failed_log_action(self, err: BaseException, _tag: Any) -> None:
        pass  # a log that cannot be written must not interrupt the user

    def _pair(self) -> Pair:
        return self.session.pair

    def _after_change(self) -> None:
        self.refresh_allowed()
        self.query_one("#monitor", MonitorPane).poll_now()

    def _show_tab(self, tab: str) -> None:
        self.query_one("#app-page", TabbedContent).active = tab
        if tab == "tab-monitor":
            self.query_one("#mon-details").query_one("CollapsibleTitle").focus()

    def _steps(self, title: str, job: Callable[[Any], Any], done: Callable[[bool], None]
               | None = None) -> None:
        self.log_action(title)

        def finished(ok: bool | None) -> None:
            self._after_change()
            if done is not None:
                done(bool(ok))

        self.app.push_screen(StepsScreen(title, job), finished)

    def _confirm(self, title: str, body: str, yes: str, then: Callable[[], None]) -> None:
        def answered(ok: bool | None) -> None:
            if ok:
                then()

        self.app.push_screen(ConfirmScreen(title, body, yes=yes), answered)

    # --- health check and protection ------------------------------------------------
    def action_validate(self) -> None:
        self.log_action("validate")
        self._show_tab("tab-setup")
        self.ensure_config(self._validate_loaded)

    def _validate_loaded(self) -> None:
        if self.session.cfg is not None:  # ensure_config calls this once it is loaded
            self.query_one("#validation", ValidationPane).run(self.session.cfg)

    def action_enable(self) -> None:
        def start() -> None:
            api, cfg = self.api, self.session.cfg
            if cfg is None:  # ensure_config calls this once the configuration is loaded
                return
            self._steps("Enable protection", lambda progress: api.protection.enable(cfg, progress),
                        lambda ok: self._show_tab("tab-monitor") if ok else None)

        self.ensure_config(start)

    def action_disable(self) -> None:
        api, pair = self.api, self._pair()
        if self.session.state in ("Failing over", "Failing back"):
            # a plan stopped part-way: abort it (saying what ran), then disable (F-8.1)
            self._confirm("Disable protection",
                          f"{pair.source} → {pair.target} is {self.session.state.lower()}: its plan "
                          "stopped part-way.\nAbort it and disable protection?", "Disable",
                          lambda: self._steps("Disable protection", lambda progress:
                                              api.protection.disable(pair, progress, force=True)))
            return
        self._confirm("Disable protection",
                      f"Stop replicating {pair.source} to {pair.target} and remove the failover monitor?",
                      "Disable", lambda: self._steps("Disable protection",
                                                     lambda progress: _disable(api, pair, progress)))

    def action_enable_monitoring(self) -> None:
        self._set_monitoring(True)

    def action_disable_monitoring(self) -> None:
        self._set_monitoring(False)

    def _set_monitoring(self, on: bool) -> None:
        api = self.api
        self.log_action(f"{'enable' if on else 'disable'} monitoring")
        self.call_api("set_monitoring", api.monitoring.set_monitoring, self._pair(), on,
                      tag=on)

    def api_set_monitoring(self, _result: Any, on: bool) -> None:
        self.notify(f"Failover monitoring {'enabled' if on else 'disabled'}.")
        self._after_change()

    def offer_failover(self, status: Any) -> None:
        """The manual-intervention prompt of F-9.1, once per failure."""
        if self._prompted_failure:
            return
        self._prompted_failure = True
        _, source, target = self._pair().parts
        # manual intervention off: say who fails over; ask only when nothing will
        watcher = getattr(status, "watcher", None)
        if watcher is not None and watcher.running:
            self.notify(f"{source} has failed; appmgr watch on {watcher.host} fails it over "
                        f"to {target}.",
                        severity="error")
            return
        monitor = getattr(status, "monitor", None)
        detail = ""
        if monitor is not None and monitor.reason:  # declared by application monitoring
            detail = f"{target}'s monitor declared it: {monitor.reason}."
        elif monitor is not None and monitor.missed > monitor.threshold:  # it counts on
            detail = (f"{target}'s monitor missed {monitor.missed} heartbeats in a row from "
                      f"{source} ({monitor.threshold} declare a failure).")
        elif monitor is not None:
            detail = (f"{target}'s monitor missed {monitor.missed} of {monitor.threshold} "
                      f"heartbeats from {source}.")
        if watcher is not None:  # manual intervention off, yet no watcher runs
            detail = f"{watcher.sentence()}.\n{detail}"
        self.app.push_screen(ConfirmScreen(
            "Failure detected", f"{source} has failed. Fail over to {target} now?\n\n{detail}",
            yes="Fail over", no="Not now", dialog_id="failover-prompt", focus_yes=False),
            lambda yes: self._failover_after_prompt() if yes else None)

    def _failover_after_prompt(self) -> None:
        """With snapshots on the target, the Failover dialog asks which point to serve."""
        self.call_api("failover_points", self.api.snapshots.listing, self._pair())

    def api_failover_points(self, snaps: list[Any], _tag: Any) -> None:
        if snaps:
            self.action_failover()
        else:
            self._run_failover()

    def api_failed_failover_points(self, _err: BaseException, _tag: Any) -> None:
        self._run_failover()  # the list is unreadable: the latest data, as always

    def action_failover(self) -> None:
        self.failover_pair(self._pair(), self.session.state)

    def failover_pair(self, pair: Pair, state: str) -> None:
        """The Failover dialog, then the failover, of ``pair`` in lifecycle ``state``
        (the main window's pair, or one chosen on the Dashboard)."""
        from tui.screens.failover_confirm import GRACEFUL, NOW, FailoverConfirmScreen

        app_id, source, target = pair.parts
        graceful = bool(self.api.tabs.graceful_failover(app_id))
        # Protected / Mirroring: the source answers, so only graceful is on offer (F-9.2)
        source_up = state in ("Protected", "Mirroring")

        question = FailoverConfirmScreen(source, target, graceful=graceful,
                                         source_up=source_up, app_id=app_id)

        def answered(choice: str | None) -> None:
            if choice in (NOW, GRACEFUL):
                self._run_failover(graceful=choice == GRACEFUL,
                                   snapshot=question.point if choice == NOW else "", pair=pair)

        self.app.push_screen(question, answered)

    def _run_failover(self, graceful: bool = False, snapshot: str = "",
                      pair: Pair | None = None) -> None:
        api, pair = self.api, pair or self._pair()
        if snapshot:
            self._steps(f"Failover {pair.source} → {pair.target} to snapshot {snapshot}",
                        lambda progress: api.protection.failover(pair, progress=progress,
                                                                 snapshot=snapshot))
            return
        if graceful:
            self._steps(f"Graceful failover {pair.source} → {pair.target}",
                        lambda progress: api.protection.failover(pair, progress=progress, graceful=True))
            return
        self._steps(f"Failover {pair.source} → {pair.target}",
                    lambda progress: api.protection.failover(pair, progress=progress))

    def action_abort(self) -> None:
        api, pair = self.api, self._pair()
        label = self.session.allowed.get("abort", ("Abort",))[0] or "Abort"
        self._confirm(label, f"End the {pair.source} → {pair.target} plan that stopped part-way?\n"
                      "Steps that ran keep their effects; you are told which ran and which "
                      "did not, and can run the plan again or unprotect the pair.", "Abort",
                      lambda: self._steps(label, lambda progress: api.protection.abort(pair, progress)))

    def action_failback(self) -> None:
        api, pair = self.api, self._pair()
        self._confirm("Failback", f"Give {pair.source} its name and clients back from {pair.target}?",
                      "Fail back", lambda: self._steps(
                          f"Failback {pair.target} → {pair.source}",
                          lambda progress: api.protection.failback(pair, progress=progress)))

    def action_restore(self) -> None:
        # first what the restore would overwrite on the source (F-9.3), then the question
        self.notify("Comparing the source with the target…", title="Restore")
        self.call_api("restore_preview", self.api.protection.restore_preview, self._pair())

    def api_restore_preview(self, diff: Any, _tag: Any) -> None:
        from tui.screens.restore_confirm import DISCARD, RestoreConfirmScreen

        api, pair = self.api, self._pair()

        def answered(choice: str | None) -> None:
            if choice is None:
                return
            discard = choice == DISCARD
            self._steps(f"Restore {pair.target} → {pair.source}",
                        lambda progress: api.protection.restore(pair, progress=progress, discard=discard))

        self.app.push_screen(RestoreConfirmScreen(diff), answered)

    def action_dashboard(self) -> None:
        from tui.screens.dashboard import DashboardScreen

        self.log_action("dashboard")
        st = self.session.settings
        interval = 1.0 if st is None or st.refresh_auto else float(st.refresh_interval)
        screen = DashboardScreen(self.failover_pair, interval=interval,
                                 in_bytes=bool(getattr(st, "stats_in_bytes", False)))
        self.app.push_screen(screen, lambda pair: self.open_pair(pair) if pair else None)

    def action_refresh_status(self) -> None:
        self.query_one("#monitor", MonitorPane).poll_now()

    # --- file, tools, help ------------------------------------------------------------
    def action_new(self) -> None:
        self.log_action("new pair")
        self.query_one("#setup", SetupPane).clear_pair()
        self._reset_pair()
        self._actions_changed()
        self._show_tab("tab-setup")
        self.query_one("#source").focus()

    def action_quit(self) -> None:
        self.app.exit(0)

    def action_options(self) -> None:
        from tui.screens.options import OptionsScreen

        def closed(settings: Any) -> None:
            if settings is not None:
                self.session.settings = settings
                self.query_one("#monitor", MonitorPane).apply_settings(settings)

        self.app.push_screen(OptionsScreen(self.session.settings), closed)

    def action_domain_login(self) -> None:
        """Domain login at any time (menu, palette): the domain shown on Setup, reloaded after."""
        from tui.screens.domain_login import DomainLoginScreen
        from tui.widgets.setup_pane import SetupPane

        panes = self.query(SetupPane)
        shown = getattr(panes.first(), "_domain", "") if panes else ""

        def done(domain: str | None) -> None:
            if domain and panes and getattr(self.session.application, "protectable", False):
                panes.first().reload(domain)

        self.app.push_screen(DomainLoginScreen(shown or self.api.domain), done)

    def _logs(self, kind: str, server: str | None) -> None:
        from tui.screens.log_viewer import LogViewerScreen

        servers = [n for n in (self.session.source, self.session.target) if n]
        self.app.push_screen(LogViewerScreen(servers, kind, server,
                                             exchange=self.session.app_id == "exchange"))

    def action_logs(self) -> None:
        self._logs("verbose", None)

    def action_source_dfo_log(self) -> None:
        self._logs("dfo", self.session.source or None)

    def action_target_dfo_log(self) -> None:
        self._logs("dfo", self.session.target or None)

    def action_source_exch_log(self) -> None:
        self._logs("exchange", self.session.source or None)

    def action_target_exch_log(self) -> None:
        self._logs("exchange", self.session.target or None)

    def action_manage_snapshots(self) -> None:
        from tui.screens.snapshots import SnapshotsScreen

        self.log_action("manage snapshots")
        self.app.push_screen(SnapshotsScreen(self._pair()), lambda _r: self._after_change())

    def action_manage_sql(self) -> None:
        self.query_one("#setup", SetupPane).open_find(manage_sql=True)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_menu(self) -> None:
        from tui.screens.menu import MenuScreen

        def chosen(action_id: str | None) -> None:
            if action_id:
                self.run_ui_action(action_id)

        self.app.push_screen(MenuScreen(self.menu_entries()), chosen)

    def action_welcome(self) -> None:
        from tui.screens.welcome import WelcomeScreen

        self.app.push_screen(WelcomeScreen())

    def action_about(self) -> None:
        from tui.screens.about import AboutScreen

        self.app.push_screen(AboutScreen())


def _disable(api: Any, pair: Pair, progress: Callable[[str], None]) -> None:
    progress(f"stop replicating {pair.source} to {pair.target} and remove the failover monitor")
    api.protection.disable(pair)


def ua_binding(ua: Any) -> Any:
    from textual.binding import Binding

    return Binding(ua.key, ua.id)
