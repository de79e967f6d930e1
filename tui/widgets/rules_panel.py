"""Replication set rules of the Advanced tab (SPEC F-6.5): generated, or overridden
(add a rule: path, include or exclude, recursive or not; remove; reset to generated)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, DataTable, Input, Select

from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from core.model.rules import Rule
from tui.api_calls import ApiCaller, error_text
from tui.configure import form

KINDS = {(True, True): "include", (False, True): "exclude", (True, False): "include-flat",
         (False, False): "exclude-flat"}


def rules_text(rules: list[Rule]) -> str:
    """The rules in the syntax ``advanced.rules`` reads (``include:PATH[>TARGET];…``)."""
    return ";".join(f"{KINDS[(r.include, r.recursive)]}:{r.path}"
                    + (f">{r.target}" if r.target else "") for r in rules)


def tail(path: str, width: int) -> str:
    """The end of a long path (where the folders differ): ``…\\MSSQL\\Binn``."""
    return path if len(path) <= width else "…" + path[len(path) - width + 1:]


class RulesPanel(ApiCaller, Vertical):
    def __init__(self, cfg: ProtectionConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg = cfg
        self.rules: list[Rule] = list(cfg.advanced.rules)
        self.generated: list[Rule] = []

    def compose(self) -> ComposeResult:
        yield form.check("Override generated rules", "advanced.override_rules", self.cfg)
        # the path takes what the dialog leaves (nothing hides behind a scrollbar)
        self.path_width = max(20, min(110, self.app.size.width) - 36)
        table: DataTable[str] = DataTable(id="rules-table", cursor_type="row")
        table.add_column("Path", key="path", width=self.path_width)
        table.add_column("Rule", key="rule", width=8)
        table.add_column("Subfolders", key="recursive", width=10)
        yield table
        yield form.error_line("advanced.rules")
        with Horizontal(classes="row"):
            yield Input(id="rule-path", compact=True, placeholder=r"E:\path")
            yield Select([("Include", "include"), ("Exclude", "exclude")], id="rule-include",
                         value="include", allow_blank=False, compact=True)
            yield Checkbox("Recursive", True, id="rule-recursive", compact=True)
        with Horizontal(classes="row"):
            yield Button("Add rule", id="rule-add", compact=True)
            yield Button("Remove", id="rule-remove", compact=True)
            yield Button("Reset to generated", id="rule-reset", compact=True)

    def on_mount(self) -> None:
        self._render_rules()

    def refresh_generated(self, cfg: ProtectionConfig) -> None:
        self.cfg = cfg
        self.call_api("generated_rules", self.api.tabs.generated_rules, cfg)

    def api_generated_rules(self, rules: list[Rule], _tag: Any) -> None:
        self.generated = list(rules)
        self._render_rules()

    def api_failed_generated_rules(self, err: BaseException, _tag: Any) -> None:
        form.show_error(self, InvalidInput("advanced.rules", "The generated rules are "
                                           f"unavailable: {error_text(err)}"))

    def _override(self) -> bool:
        return bool(self.query_one("#f-advanced-override_rules", Checkbox).value)

    @on(Checkbox.Changed, "#f-advanced-override_rules")
    def _override_changed(self) -> None:
        if self._override() and not self.rules:
            self.rules = list(self.generated)
        self._render_rules()

    def _render_rules(self) -> None:
        override = self._override()
        table = self.query_one("#rules-table", DataTable)
        row = table.cursor_row
        table.clear()
        for rule in self.rules if override else self.generated:
            shown = f"{rule.path} → {rule.target}" if rule.target else rule.path
            table.add_row(Text(tail(shown, self.path_width)),
                          "include" if rule.include else "exclude",
                          "yes" if rule.recursive else "no")
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        for wid in ("#rule-path", "#rule-include", "#rule-recursive", "#rule-add",
                    "#rule-remove", "#rule-reset"):
            self.query_one(wid).disabled = not override

    @on(Input.Submitted, "#rule-path")
    @on(Button.Pressed, "#rule-add")
    def _add_rule(self) -> None:
        field = self.query_one("#rule-path", Input)
        path = field.value.strip()
        if not path:
            return
        include = self.query_one("#rule-include", Select).value == "include"
        recursive = self.query_one("#rule-recursive", Checkbox).value
        self.rules.append(Rule(path, include, recursive))
        field.value = ""
        self._render_rules()

    @on(Button.Pressed, "#rule-remove")
    def _remove_rule(self) -> None:
        table = self.query_one("#rules-table", DataTable)
        if self.rules and table.row_count:
            del self.rules[min(table.cursor_row, len(self.rules) - 1)]
            self._render_rules()

    @on(Button.Pressed, "#rule-reset")
    def _reset_rules(self) -> None:
        self.rules = list(self.generated)
        self._render_rules()

    def assignments(self, base: ProtectionConfig) -> list[str]:
        out = form.assignments(self, base, ("advanced.override_rules",))
        rules = self.rules if self._override() else []
        if rules_text(rules) != rules_text(base.advanced.rules):
            out.append(f"advanced.rules={rules_text(rules)}")
        return out
