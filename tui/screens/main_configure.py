"""The configuration actions of the main window: load a pair's configuration (reuse
and drafts, F-5.5, F-6.6) and open Configure Protection with what it needs to show."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from core.model.pair import Pair
from tui.api_calls import ApiCaller
from tui.screens.confirm import ConfirmScreen
from tui.widgets.validation_pane import ValidationPane

if TYPE_CHECKING:
    from tui.session import Session


class ConfigureActions(ApiCaller, Screen[None]):
    """Base of :class:`tui.screens.main.MainScreen`: its configuration actions."""

    session: Session
    # the main screen's and MainActions' parts these actions call
    refresh_allowed: Callable[[], None]
    log_action: Callable[[str], None]
    _pair: Callable[[], Pair]
    _actions_changed: Callable[[], None]

    # --- configuration -----------------------------------------------------------
    def ensure_config(self, then: Callable[[], None]) -> None:
        """Load the pair's configuration once, asking about reuse/draft (F-5.5, F-6.6)."""
        s = self.session
        if s.cfg is not None:
            then()
            return
        api = self.api
        app_id, source, target = self._pair().parts

        def load(reuse: bool) -> None:
            self.call_api("load_config",
                          lambda: api.configure.load_config(Pair(app_id, source, target), reuse=reuse), tag=then)

        def answered(yes: bool | None) -> None:
            load(bool(yes))

        def draft_answered(yes: bool | None) -> None:
            def job() -> Any:
                draft = api.configure.load_draft(Pair(app_id, source, target))
                if yes and draft is not None:
                    return draft
                if draft is not None:
                    api.configure.discard_draft(draft)
                return api.configure.load_config(Pair(app_id, source, target), reuse=True)

            self.call_api("load_config", job, tag=then)

        sel = s.selection
        if sel is not None and getattr(sel, "draft", False):
            self.app.push_screen(ConfirmScreen(
                "Unsaved configuration",
                f"An unsaved configuration of {source} → {target} was kept as a draft.\n"
                "Continue with it?", yes="Use the draft", no="Start over"), draft_answered)
        elif sel is not None and getattr(sel, "reuse_offered", False):
            self.app.push_screen(ConfirmScreen(
                "Previous configuration",
                f"{source} → {target} was configured before.\n"
                "Reuse its previous configuration?", yes="Reuse", no="Use defaults"), answered)
        else:
            load(True)

    def api_load_config(self, cfg: Any, then: Callable[[], None]) -> None:
        self.session.cfg = cfg
        then()

    def action_configure(self) -> None:
        self.log_action("configure protection")
        self.ensure_config(self._open_configure)

    def _open_configure(self) -> None:
        from tui.configure.info import load_info

        s = self.session

        def open_with(use_draft: bool | None) -> None:
            cfg = s.draft if use_draft and s.draft is not None else s.cfg
            if not use_draft and s.draft is not None:
                api = self.api
                self.call_api("discard_draft", api.configure.discard_draft, s.draft)
                s.draft = None
            self.call_api("configure_info", load_info, self.api, cfg, tag=cfg)

        if s.draft is not None:
            self.app.push_screen(ConfirmScreen(
                "Unsaved changes", "You cancelled Configure Protection with changes.\n"
                "Continue with them?", yes="Continue", no="Discard"), open_with)
        else:
            open_with(False)

    def api_configure_info(self, info: Any, cfg: Any) -> None:
        from tui.screens.configure import ConfigureScreen

        self.app.push_screen(ConfigureScreen(cfg, info), self._configure_closed)

    def _configure_closed(self, result: tuple[str, Any] | None) -> None:
        s = self.session
        if result is None:
            return
        kind, cfg = result
        if kind == "saved":
            s.cfg, s.draft = cfg, None
            s.results, s.validated = [], False
            self.query_one("#validation", ValidationPane).clear("Configuration saved: validate again (v).")
            self.refresh_allowed()
            self._actions_changed()
        else:
            s.draft = cfg

    def api_discard_draft(self, _result: Any, _tag: Any) -> None:
        pass
