"""The main window (SPEC F-3): task list, Setup/Monitor tabs, help line, footer."""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static, TabbedContent, TabPane

from core.model.pair import Pair
from tui.actions import BY_ID, bindings
from tui.api_calls import ApiCaller, error_text
from tui.palette import ActionsProvider
from tui.screens.main_configure import ConfigureActions
from tui.screens.main_tools import MainTools
from tui.session import Session
from tui.widgets.action_footer import ActionFooter
from tui.widgets.help_line import HelpLine, HelpLineHost
from tui.widgets.monitor_pane import MonitorPane
from tui.widgets.pair_header import PairHeader
from tui.widgets.setup_pane import SetupPane
from tui.widgets.task_list import TaskList
from tui.widgets.validation_pane import ValidationPane


class MainScreen(MainTools, ConfigureActions, ApiCaller, HelpLineHost, Screen[None]):
    BINDINGS = bindings()
    COMMANDS = {ActionsProvider}

    def __init__(self, preselect_app: str | None = None) -> None:
        super().__init__(id="main")
        self.preselect_app = preselect_app
        self.session = Session()
        self._prompted_failure = False
        self._preset: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield PairHeader(id="pair-header")
        with Horizontal(id="body"):
            yield TaskList(id="tasks")
            with ContentSwitcher(id="page", initial="app-page"):
                with TabbedContent(id="app-page"):
                    with TabPane("Setup", id="tab-setup"), Vertical(id="setup-column"):
                        yield SetupPane(id="setup")
                        yield ValidationPane(id="validation")
                    with TabPane("Monitor", id="tab-monitor"):
                        yield MonitorPane(id="monitor")
                yield Static("", id="later-page")
        yield HelpLine("", id="help-line")
        yield ActionFooter()

    def on_mount(self) -> None:
        self._update_header()
        api = self.api
        self.session.advanced = bool(api.advanced)
        self.call_api("startup", lambda: (api.setup.applications(), api.session.settings()))

    def api_startup(self, result: tuple[list[Any], Any], _tag: Any) -> None:
        apps, settings = result
        self.session.settings = settings
        self.query_one(MonitorPane).apply_settings(settings)
        tasks = self.query_one(TaskList)
        tasks.set_apps(apps)
        last = getattr(settings, "last_pair", None)
        if getattr(settings, "load_last_pair", False) and last is not None and (
                self.preselect_app in (None, last.app)):
            self.preselect_app = last.app
            self._preset = (last.source, last.target)
        wanted = self.preselect_app or next((a.id for a in apps if a.protectable), "")
        tasks.select_app(wanted)
        tasks.focus()
        if self.preselect_app:
            self.query_one("#source").focus()
        else:
            from tui.screens.welcome import WelcomeScreen

            self.app.push_screen(WelcomeScreen())

    # --- application and pair ------------------------------------------------------
    @on(TaskList.AppChosen)
    def _app_chosen(self, event: TaskList.AppChosen) -> None:
        app = event.application
        if self.session.application is not None and self.session.app_id == app.id:
            return
        self.session.application = app
        self._reset_pair()
        switcher = self.query_one("#page", ContentSwitcher)
        if app.protectable:
            switcher.current = "app-page"
            preset, self._preset = self._preset, None
            self.query_one(SetupPane).load(app, preset)
        else:
            reason = app.not_protectable_reason or "This application comes in a later release."
            self.query_one("#later-page", Static).update(f"{app.task_label}\n\n{reason}")
            switcher.current = "later-page"
        self._actions_changed()

    def open_pair(self, pair: Pair) -> None:
        """A pair chosen on the Dashboard, opened as if chosen on Setup (its status opens
        on the Monitor tab, see _status_changed)."""
        self.log_action(f"open pair {pair.source} -> {pair.target} ({pair.app})")
        preset = (pair.source.upper(), pair.target.upper())
        if self.session.application is not None and self.session.app_id == pair.app:
            self._reset_pair()
            self._actions_changed()
            self.query_one("#page", ContentSwitcher).current = "app-page"
            self.query_one(SetupPane).load(self.session.application, preset)
            return
        self._preset = preset
        self.query_one(TaskList).select_app(pair.app)

    @on(TaskList.OptionSelected, "#tasks")
    def _task_entered(self) -> None:
        """Enter on a task goes to its page."""
        if getattr(self.session.application, "protectable", False):
            self.query_one("#app-page", TabbedContent).active = "tab-setup"
            self.query_one("#source").focus()

    def _reset_pair(self) -> None:
        self.session.reset_pair()
        self._prompted_failure = False
        self.query_one(MonitorPane).clear()
        self.query_one(ValidationPane).clear()

    @on(SetupPane.PairCleared)
    def _pair_cleared(self) -> None:
        self._reset_pair()
        self._actions_changed()

    @on(SetupPane.PairChosen)
    def _pair_chosen(self, event: SetupPane.PairChosen) -> None:
        self._reset_pair()
        s = self.session
        s.source, s.target = event.source, event.target
        self.log_action(f"selected pair {s.source} -> {s.target} ({s.app_id})")
        api = self.api
        self.call_api("select_pair", api.setup.select_pair, Pair(s.app_id, s.source, s.target),
                      tag=(s.source, s.target))
        self._actions_changed()

    def api_select_pair(self, selection: Any, tag: tuple[str, str]) -> None:
        s = self.session
        if tag != (s.source, s.target):
            return
        s.selection = selection
        # a like-named target ("EVS1 (like-named)") is the pair's EVS1_LN from now on
        s.target = getattr(selection, "target", "") or s.target
        self.query_one(SetupPane).show_notes("\n".join(getattr(selection, "messages", [])))
        if getattr(selection, "like_named", False) and s.cfg is None:
            self._like_named_setup(tag[1])
            return
        self._pair_ready()

    def _pair_ready(self) -> None:
        s = self.session
        self.query_one(MonitorPane).start(s.pair)
        self.refresh_allowed()
        self._update_header()
        if getattr(s.selection, "failover_offered", False):  # F-5.5: the target saw a failure
            self.offer_failover(None)

    def _like_named_setup(self, label: str) -> None:
        """F-5.6: the like-named cluster's setup dialog comes before anything else."""
        from tui.screens.like_named import LikeNamedScreen

        s = self.session

        def done(cfg: Any) -> None:
            if cfg is None:
                self.query_one(SetupPane).clear_target()
                self.query_one(SetupPane).show_notes("Like-named cluster not set up: choose "
                                                     "the target again to set it up.")
                self._reset_pair()
                self._actions_changed()
                return
            s.cfg = cfg
            self.query_one(SetupPane).show_notes(
                f"Like-named cluster set up: {cfg.target} on node {cfg.cluster.target_node}.")
            self._pair_ready()

        self.app.push_screen(LikeNamedScreen(s.app_id, s.source, label), done)

    def api_failed_select_pair(self, err: BaseException, tag: tuple[str, str]) -> None:
        self.query_one(SetupPane).show_notes(error_text(err), "error")
        self.session.reset_pair()
        self._actions_changed()

    def refresh_allowed(self) -> None:
        s = self.session
        if not s.has_pair:
            return
        api = self.api
        self.call_api("allowed_actions", api.protection.allowed_actions,
                      Pair(s.app_id, s.source, s.target), tag=(s.app_id, s.source, s.target))

    def api_allowed_actions(self, allowed: dict[str, Any], tag: tuple[str, str, str]) -> None:
        s = self.session
        if tag == (s.app_id, s.source, s.target):
            s.allowed = dict(allowed)
            self._actions_changed()

    @on(ValidationPane.ResultsChanged)
    def _results_changed(self, event: ValidationPane.ResultsChanged) -> None:
        self.session.results = event.results
        self.session.validated = event.validated
        if event.cfg is not None:
            self.session.cfg = event.cfg
        self.refresh_allowed()
        self._actions_changed()

    @on(MonitorPane.StatusChanged)
    def _status_changed(self, event: MonitorPane.StatusChanged) -> None:
        first = self.session.status is None
        before = self.session.state
        shown = (self.session.state_label, self.session.state_detail)
        self.session.status = event.status
        after = self.session.state
        if first and after not in ("Unprotected", "Validated"):
            self._show_tab("tab-monitor")  # a pair set up before opens on its live status
        if after != before:
            self.refresh_allowed()
        if after != before or shown != (self.session.state_label, self.session.state_detail):
            self._update_header()  # Protected ↔ Degraded moves no lifecycle state
        if after == "Failure detected":
            self.offer_failover(event.status)
        else:
            self._prompted_failure = False

    @on(SetupPane.ActionRequested)
    def _button_action(self, event: SetupPane.ActionRequested) -> None:
        self.run_ui_action(event.action)

    def _actions_changed(self) -> None:
        self.refresh_bindings()
        s = self.session
        reasons = {a: s.label_and_reason(BY_ID[a])[1] for a in ("configure", "validate", "enable")}
        self.query_one(SetupPane).set_action_states(reasons)
        note = ""
        if s.has_pair and reasons["enable"] and s.results:
            note = f"Enable Protection is unavailable: {reasons['enable']}"
        self.query_one(ValidationPane).set_enable_note(note)
        self._update_header()

    def _update_header(self) -> None:
        s = self.session
        title = getattr(s.application, "title", "")
        self.query_one(PairHeader).show(title, s.source, s.target, s.state_label,
                                        bool(getattr(self.app, "lab", False)), s.state_detail)

    # --- keys ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ua = BY_ID.get(action)
        if ua is None:
            return True
        if not self.session.shown(ua):
            return False
        return True if self.session.label_and_reason(ua)[1] is None else None

    def on_key(self, event: events.Key) -> None:
        """A key of a disabled action says why instead of doing nothing."""
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled or active.node is not self:
            return
        ua = BY_ID.get(active.binding.action)
        if ua is not None:
            event.stop()
            event.prevent_default()
            self.run_ui_action(ua.id)
