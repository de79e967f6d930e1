"""The failover scripts of the Advanced tab (SPEC F-6.5): the four plan phases,
viewable here and edited in ``$EDITOR``; the user's edits are kept with the
configuration, and Regenerate (asked first) replaces an edit by the generated
script. The panel shows the configuration with the form's pending changes."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Select, Static, TextArea

from core.errors import AppmgrError
from core.model.config import ProtectionConfig
from tui.api_calls import ApiCaller, error_text
from tui.hosts import configure_screen

EDIT_KEY = "advanced.plan_edits."


def plans_job(api: Any, cfg: ProtectionConfig, changes: list[str]) -> tuple[Any, ...]:
    """Thread: the phases, their scripts and the stale edits, with ``changes`` applied
    when they parse (else for the configuration as it is)."""
    with contextlib.suppress(AppmgrError):  # a bad value elsewhere: OK will say where
        cfg = api.configure.apply(cfg, changes)
    return list(api.tabs.plan_phases(cfg)), dict(api.tabs.plan_all(cfg)), list(api.tabs.plan_stale(cfg))


class PlanPanel(ApiCaller, Vertical):
    def __init__(self, cfg: ProtectionConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg
        self.texts: dict[str, str] = {}
        self.stale: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("Failover scripts", classes="section-title section")
        with Horizontal(classes="row"):
            yield Select([], id="plan-phase", prompt="script", compact=True)
            yield Button("Edit in $EDITOR", id="plan-edit", compact=True)
            yield Button("Regenerate", id="plan-regenerate", compact=True)
        yield Static("", id="plan-state")
        yield TextArea("", id="plan-text", read_only=True, soft_wrap=False)

    def refresh_plans(self, cfg: ProtectionConfig, changes: list[str]) -> None:
        self.cfg = cfg
        self.call_api("plans", plans_job, self.api, cfg, changes)

    def api_plans(self, result: tuple[Any, ...], _tag: Any) -> None:
        phases, self.texts, self.stale = result
        select = self.query_one("#plan-phase", Select)
        current = self._phase()
        with select.prevent(Select.Changed):
            select.set_options([(p, p) for p in phases])
            if phases:
                select.value = current if current in phases else phases[0]
        self._show()

    def api_failed_plans(self, err: BaseException, _tag: Any) -> None:
        self.query_one("#plan-text", TextArea).load_text(f"Not available: {error_text(err)}")

    def _phase(self) -> str:
        value = self.query_one("#plan-phase", Select).value
        return "" if value == Select.NULL else str(value)

    @on(Select.Changed, "#plan-phase")
    def _show(self) -> None:
        phase = self._phase()
        edited = phase in self.cfg.advanced.plan_edits
        self.query_one("#plan-text", TextArea).load_text(self.texts.get(phase, ""))
        state = "generated from the configuration"
        if edited:
            state = ("edited by you — the configuration changed since: Regenerate replaces "
                     "your edit" if phase in self.stale else "edited by you")
        self.query_one("#plan-state", Static).update(state)
        self.query_one("#plan-regenerate", Button).disabled = not edited

    # --- edit and regenerate ---------------------------------------------------------
    @on(Button.Pressed, "#plan-edit")
    def _edit(self) -> None:
        phase = self._phase()
        if not phase:
            return
        text = self.texts.get(phase, "")
        new = self._run_editor(phase, text)
        if new is not None and new != text:
            self._apply([f"{EDIT_KEY}{phase}={new}"])

    def _run_editor(self, phase: str, text: str) -> str | None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w", suffix=f"-{phase}.txt", delete=False) as tmp:
            tmp.write(text)
        path = Path(tmp.name)
        command = [*shlex.split(editor), str(path)]
        try:
            try:
                with self.app.suspend():
                    subprocess.run(command, check=False)
            except SuspendNotSupported:
                if not self.app.is_headless:
                    raise
                subprocess.run(command, check=False, capture_output=True, timeout=30)
            return path.read_text()
        except (SuspendNotSupported, OSError, subprocess.SubprocessError) as err:
            self.notify(f"Cannot run the editor ({editor}): {err}", severity="error")
            return None
        finally:
            path.unlink(missing_ok=True)

    @on(Button.Pressed, "#plan-regenerate")
    def _regenerate(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        phase = self._phase()

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_api("plan_change", self.api.tabs.regenerate_plan, configure_screen(self).cfg,
                              [phase])

        self.app.push_screen(ConfirmScreen(
            "Regenerate the script", f"Replace your edit of {phase} by the script generated "
            "from the configuration?", yes="Regenerate", no="Keep my edit"), answered)

    def _apply(self, changes: list[str]) -> None:
        self.call_api("plan_change", self.api.configure.apply, configure_screen(self).cfg, changes)

    def api_plan_change(self, cfg: ProtectionConfig, _tag: Any) -> None:
        configure_screen(self).change(cfg)

    def api_failed_plan_change(self, err: BaseException, _tag: Any) -> None:
        self.notify(error_text(err), title="Script not changed", severity="error")
