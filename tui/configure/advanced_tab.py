"""Configure Protection → Advanced (SPEC F-6.5): rules, set name, failover scripts."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static, TextArea

from core.model.config import ProtectionConfig
from core.model.rules import Rule
from tui.api_calls import ApiCaller, error_text
from tui.configure import form

PATHS = ("advanced.override_rules", "advanced.set_name", "advanced.create_set",
         "advanced.create_scripts", "advanced.create_connection", "advanced.create_monitor")
CREATE = (("advanced.create_set", "replication set"), ("advanced.create_scripts", "scripts"),
          ("advanced.create_connection", "connection"),
          ("advanced.create_monitor", "failover monitor"))


def generated_rules(cfg: ProtectionConfig, source: Any) -> list[Rule]:
    """What the rules will be without override: the chosen shares and paths."""
    paths = {s.name: s.path for s in (source.user_shares() if source else [])}
    rules = [Rule(paths[name]) for name in cfg.connection.shares if name in paths]
    return rules + [Rule(p) for p in cfg.connection.volume_paths]


class AdvancedTab(ApiCaller, VerticalScroll):
    can_focus = False  # Tab goes straight to the fields

    def __init__(self, cfg: ProtectionConfig, advanced: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg
        self.advanced = advanced
        self.source: Any = None
        self.rules: list[Rule] = list(cfg.advanced.rules)
        self.plan_edits: dict[str, str] = dict(cfg.advanced.plan_edits)
        self.generated: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield form.check("Override generated rules", "advanced.override_rules", self.cfg)
        table = DataTable(id="rules-table", cursor_type="row")
        table.add_column("Path", key="path")
        table.add_column("Rule", key="rule", width=8)
        table.add_column("Subfolders", key="recursive", width=10)
        yield table
        with Horizontal(classes="row"):
            yield Input(id="rule-path", compact=True, placeholder=r"E:\path")
            yield Select([("Include", "include"), ("Exclude", "exclude")], id="rule-include",
                         value="include", allow_blank=False, compact=True)
            yield Checkbox("Recursive", True, id="rule-recursive", compact=True)
        with Horizontal(classes="row"):
            yield Button("Add rule", id="rule-add", compact=True)
            yield Button("Remove", id="rule-remove", compact=True)
            yield Button("Reset to generated", id="rule-reset", compact=True)
        name = Input(self.cfg.advanced.set_name, id="f-advanced-set_name", compact=True)
        yield from form.row("Replication set", name, "advanced.set_name")
        with Horizontal(classes="row"):
            yield Select([], id="plan-phase", prompt="script", compact=True)
            yield Button("Edit in $EDITOR", id="plan-edit", compact=True)
            yield Static("", id="plan-state")
        yield TextArea("", id="plan-text", read_only=True, soft_wrap=False)
        if self.advanced:
            yield Static("Steps of Enable Protection (advanced)", classes="section-title")
            for path, label in CREATE:
                yield form.check(f"Create {label}", path, self.cfg)
                yield Static("", id=form.error_id(path), classes="field-error")

    def on_mount(self) -> None:
        self._render_rules()
        api, cfg = self.app.api, self.cfg
        self.call_api("plan_phases", api.plan_phases, cfg)

    def set_inventory(self, source: Any, target: Any) -> None:
        self.source = source
        self._render_rules()

    # --- rules -------------------------------------------------------------------
    def _override(self) -> bool:
        return bool(self.query_one("#f-advanced-override_rules", Checkbox).value)

    @on(Checkbox.Changed, "#f-advanced-override_rules")
    def _override_changed(self) -> None:
        if self._override() and not self.rules:
            self.rules = generated_rules(self.cfg, self.source)
        self._render_rules()

    def _render_rules(self) -> None:
        override = self._override()
        table = self.query_one("#rules-table", DataTable)
        table.clear()
        rules = self.rules if override else generated_rules(self.cfg, self.source)
        for rule in rules:
            table.add_row(rule.path, "include" if rule.include else "exclude",
                          "yes" if rule.recursive else "no")
        for wid in ("#rule-path", "#rule-include", "#rule-recursive", "#rule-add",
                    "#rule-remove", "#rule-reset"):
            self.query_one(wid).disabled = not override

    @on(Input.Submitted, "#rule-path")
    @on(Button.Pressed, "#rule-add")
    def _add_rule(self) -> None:
        path = self.query_one("#rule-path", Input).value.strip()
        if not path:
            return
        include = self.query_one("#rule-include", Select).value == "include"
        recursive = self.query_one("#rule-recursive", Checkbox).value
        self.rules.append(Rule(path, include, recursive))
        self.query_one("#rule-path", Input).value = ""
        self._render_rules()

    @on(Button.Pressed, "#rule-remove")
    def _remove_rule(self) -> None:
        table = self.query_one("#rules-table", DataTable)
        if self.rules and table.row_count:
            del self.rules[min(table.cursor_row, len(self.rules) - 1)]
            self._render_rules()

    @on(Button.Pressed, "#rule-reset")
    def _reset_rules(self) -> None:
        self.rules = generated_rules(self.cfg, self.source)
        self._render_rules()

    # --- failover scripts ----------------------------------------------------------
    def api_plan_phases(self, phases: list[str], _tag: Any) -> None:
        select = self.query_one("#plan-phase", Select)
        select.set_options([(p, p) for p in phases])
        if phases:
            select.value = phases[0]

    @on(Select.Changed, "#plan-phase")
    def _phase_changed(self, event: Select.Changed) -> None:
        if event.value == Select.NULL:
            return
        phase = str(event.value)
        if phase in self.generated:
            self._show_plan(phase)
        else:
            self.call_api("plan_text", self.app.api.plan_text, self.cfg, phase, tag=phase)

    def api_plan_text(self, text: str, phase: str) -> None:
        self.generated[phase] = text
        self._show_plan(phase)

    def api_failed_plan_text(self, err: BaseException, _phase: str) -> None:
        self.query_one("#plan-text", TextArea).load_text(f"Not available: {error_text(err)}")

    def _show_plan(self, phase: str) -> None:
        edited = phase in self.plan_edits
        text = self.plan_edits[phase] if edited else self.generated.get(phase, "")
        self.query_one("#plan-text", TextArea).load_text(text)
        self.query_one("#plan-state", Static).update("edited by you" if edited else "generated")

    @on(Button.Pressed, "#plan-edit")
    def _edit(self) -> None:
        phase = self.query_one("#plan-phase", Select).value
        if phase == Select.NULL:
            return
        phase = str(phase)
        text = self.query_one("#plan-text", TextArea).text
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w", suffix=f"-{phase}.txt", delete=False) as tmp:
            tmp.write(text)
        path = Path(tmp.name)
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), str(path)], check=False)
            new = path.read_text()
        except (SuspendNotSupported, OSError) as err:
            self.notify(f"Cannot run the editor ({editor}): {err}", severity="error")
            return
        finally:
            path.unlink(missing_ok=True)
        if new != text:
            self.plan_edits[phase] = new
            self._show_plan(phase)

    def collect(self, cfg: ProtectionConfig) -> None:
        cfg.advanced.rules = list(self.rules) if self._override() else []
        cfg.advanced.plan_edits = dict(self.plan_edits)

    def assignments(self, base: ProtectionConfig) -> list[str]:
        return form.assignments(self, base, PATHS)
