"""The validation results pane under Setup (SPEC F-7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Select, Static

from core.atomic import write_text
from core.errors import AppmgrError, StateError
from core.model.config import ProtectionConfig
from core.paths import app_paths
from core.visible import visible
from tui.api_calls import ApiCaller, error_text
from tui.fmt import CHECK_GLYPHS, check_glyph, plain, plural

FILTERS = [("All results", "all"), ("Errors", "error"), ("Warnings", "warning"),
           ("Passed", "passed")]
#: below this many cells a check's reason goes under its title (one column)
WIDE_ENOUGH = 72
GROUP_ORDER = ("servers", "application", "dns", "directory", "engine", "configuration")
#: (check id, the Fix ran, the check's status afterwards or why the Fix failed)
Outcome = tuple[str, bool, str]


def export_json(report: Any) -> str:
    """The report as ``validate --json`` prints it (any report-like object works)."""
    if hasattr(report, "to_json"):
        return str(report.to_json())
    rows = [{"id": r.id, "title": r.title, "group": getattr(r, "group", ""),
             "status": str(r.status), "reason": r.reason, "fixable": bool(r.fixable)}
            for r in report.results]
    return json.dumps({"ok": not any(r["status"] == "error" for r in rows), "results": rows},
                      indent=2)


class ValidationTable(DataTable):
    # not in the footer: the help line under the table names them (the footer's
    # room at 80 columns goes to the window's actions)
    BINDINGS = [Binding("f", "fix", "Fix", tooltip="Repair the selected check", show=False),
                Binding("s", "save", "Save", tooltip="Save the results as JSON", show=False)]

    def action_fix(self) -> None:
        self.post_message(ValidationPane.FixRequested(None))

    def action_save(self) -> None:
        self.post_message(ValidationPane.SaveRequested())


class ValidationPane(ApiCaller, Vertical):
    """Runs the health check and shows one row per check; f fixes a row."""

    class ResultsChanged(Message):
        def __init__(self, results: list[Any], validated: bool,
                     cfg: ProtectionConfig | None) -> None:
            super().__init__()
            self.results = results
            self.validated = validated
            self.cfg = cfg  # a Fix may change the configuration (e.g. the TTL)

    class FixRequested(Message):
        def __init__(self, check_id: str | None) -> None:
            super().__init__()
            self.check_id = check_id

    class SaveRequested(Message):
        pass

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cfg: ProtectionConfig | None = None
        self.results: list[Any] = []
        self.report: Any = None
        self._filter = "all"
        self._fix_note = ""  # what the last Fix / Fix All did, under the counts

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row section"):
            yield Static("Validation results", classes="section-title")
            yield Select(FILTERS, id="val-filter", value="all", allow_blank=False, compact=True)
            yield Button("Fix", id="fix", compact=True, disabled=True)
            yield Button("Fix All", id="fix-all", compact=True, disabled=True)
        yield ValidationTable(id="val-table", cursor_type="row", zebra_stripes=True)
        yield Static("Not validated yet: press v to run the health check.", id="val-summary")
        yield Static("", id="val-enable-note")

    # --- running ---------------------------------------------------------------
    def run(self, cfg: ProtectionConfig) -> None:
        self.cfg = cfg
        self.query_one("#val-summary", Static).update("Validating…")
        self.call_api("validate", self.api.validation.validate, cfg, progress=True)

    def clear(self, note: str = "Not validated yet: press v to run the health check.") -> None:
        self.results, self.report, self._fix_note = [], None, ""
        self._render_rows()
        self.query_one("#val-summary", Static).update(note)

    def progress_validate(self, text: str) -> None:
        self.query_one("#val-summary", Static).update(plain(text))

    def api_validate(self, report: Any, _tag: Any) -> None:
        self.report = report
        self.results = list(report.results)
        if _tag != "fixed":
            self._fix_note = ""
        self._changed()
        if not isinstance(self.app.focused, Input):  # so f and Enter work at once
            self.query_one("#val-table", ValidationTable).focus()

    def api_failed_validate(self, err: BaseException, _tag: Any) -> None:
        self.query_one("#val-summary", Static).update(plain(f"Validation failed: {error_text(err)}"))

    # --- fixing ----------------------------------------------------------------
    @on(FixRequested)
    def _fix_requested(self, event: FixRequested) -> None:
        event.stop()
        row = self._by_id(event.check_id) if event.check_id else self._selected()
        if row is None:
            return
        if not row.fixable or row.status == "passed":
            self.notify(f"“{row.title}” cannot be fixed from the console.", severity="warning")
            return
        self.query_one("#val-summary", Static).update(f"Fixing “{row.title}”…")
        self.call_api("fix", self._fix_job, [row.id], False)

    @on(Button.Pressed, "#fix")
    def _fix_button(self) -> None:
        self.post_message(self.FixRequested(None))

    @on(Button.Pressed, "#fix-all")
    def _fix_all(self) -> None:
        rows = self.api.validation.fix_order([r for r in self.results if r.fixable and r.status != "passed"])
        if rows:
            self.query_one("#val-summary", Static).update(f"Fixing {plural(len(rows), 'check')}…")
            self.call_api("fix", self._fix_job, [r.id for r in rows], True)

    def _fix_job(self, ids: list[str], keep_going: bool) -> tuple[Any, Any, list[Outcome]]:
        """Thread: fix each check (Fix All: in the safe order, recording each outcome and
        going on after a failure), then validate again for the true picture.

        A fix that changes the configuration returns the one to use from now on.
        """
        api, cfg = self.api, self.cfg
        if cfg is None:
            raise StateError("no configuration to check: choose a pair first")
        outcomes: list[Outcome] = []
        for check_id in ids:
            try:
                result = api.validation.fix(cfg, check_id)
            except AppmgrError as exc:
                if not keep_going:
                    raise
                outcomes.append((check_id, False, error_text(exc)))
                continue
            if result.config_changed:
                cfg = result.config
            outcomes.append((check_id, True, str(result.result.status)))
        return api.validation.validate(cfg), cfg, outcomes

    def api_fix(self, result: tuple[Any, Any, list[Outcome]], _tag: Any) -> None:
        report, self.cfg, outcomes = result
        self._fix_note = self._describe(outcomes)
        for check_id, ok, text in outcomes:
            if not ok:
                row = self._by_id(check_id)
                self.notify(f"Could not fix “{row.title if row else check_id}”: {text}",
                            severity="error")
        self.api_validate(report, "fixed")

    def _describe(self, outcomes: list[Outcome]) -> str:
        """One line: what the Fix (or Fix All) did and each check's status afterwards."""
        parts = []
        for check_id, ok, text in outcomes:
            row = self._by_id(check_id)
            title = row.title if row else check_id
            parts.append(f"{title}: {'now ' + text if ok and text else 'fixed' if ok else 'not fixed'}")
        done = sum(1 for _, ok, _ in outcomes if ok)
        head = f"Fixed {done} of {len(outcomes)}" if len(outcomes) > 1 else "Fix"
        return f"{head} — " + "; ".join(parts) if parts else ""

    # --- saving (JSON export) -----------------------------------------------------------
    @on(SaveRequested)
    def _save(self, event: SaveRequested) -> None:
        event.stop()
        if self.report is None or self.cfg is None:
            self.notify("Nothing to save: validate first.", severity="warning")
            return
        path = self.save_path()
        try:
            write_text(path, export_json(self.report))
        except OSError as exc:
            self.notify(f"Could not save {path}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"Saved the results to {path}")

    def save_path(self) -> Path:
        cfg = self.cfg
        assert cfg is not None
        return app_paths().state / "validation" / f"{cfg.app}_{cfg.source}_{cfg.target}.json"

    def api_failed_fix(self, err: BaseException, _tag: Any) -> None:
        self.query_one("#val-summary", Static).update(plain(f"Fix failed: {error_text(err)}"))

    # --- display ---------------------------------------------------------------
    @on(Select.Changed, "#val-filter")
    def _filter_changed(self, event: Select.Changed) -> None:
        self._filter = str(event.value)
        self._render_rows()

    @on(DataTable.RowSelected, "#val-table")
    def _details(self, event: DataTable.RowSelected) -> None:
        row = self._by_id(str(event.row_key.value))
        if row is not None:
            from tui.screens.check_details import CheckDetailsScreen

            def done(fix: bool | None) -> None:
                if fix:
                    self.post_message(self.FixRequested(row.id))

            self.app.push_screen(CheckDetailsScreen(row), done)

    def _changed(self) -> None:
        self._render_rows()
        self.post_message(self.ResultsChanged(list(self.results), True, self.cfg))

    def on_resize(self) -> None:
        self._render_rows()

    def _columns(self) -> tuple[int, int, int]:
        """(group, check, reason) widths that fill the table; no text is cut, it wraps.

        Narrow (80 columns): one column, each check's reason under its title —
        two columns of 20 and 30 cells would wrap every row into three lines.
        """
        room = max(30, self.size.width - 2) - 2  # the scrollbar
        if room < WIDE_ENOUGH:
            return 0, 0, room - 2 * 2  # cell padding of the glyph and the check columns
        room -= 2 * 4 if room >= 98 else 2 * 3
        group = 13 if room >= 90 else 0
        title = max(18, min(32, (room - group) * 2 // 5))
        return group, title, room - group - title

    def _render_rows(self) -> None:
        table = self.query_one("#val-table", ValidationTable)
        keep = table.cursor_row
        group_w, title_w, reason_w = self._columns()
        table.clear(columns=True)
        table.add_column(" ", key="status", width=1)
        if group_w:
            table.add_column("Group", key="group", width=group_w)
        if title_w:
            table.add_column("Check", key="title", width=title_w)
            table.add_column("Reason", key="reason", width=reason_w)
        else:
            table.add_column("Check and reason", key="title", width=reason_w)
        order = {g: i for i, g in enumerate(GROUP_ORDER)}
        severity = {"error": 0, "warning": 1, "passed": 2}
        rows = sorted(self.results, key=lambda r: (order.get(getattr(r, "group", ""), 99),
                                                   severity.get(r.status, 3)))
        for r in rows:
            if self._filter in ("all", r.status):
                title = r.title + (" ⚒" if r.fixable and r.status != "passed" else "")
                if title_w:
                    cells = [check_glyph(r.status), Text(title), Text(visible(r.reason, one_line=True))]
                else:
                    cells = [check_glyph(r.status),
                             Text.assemble((title, "bold"), "\n", visible(r.reason, one_line=True))]
                if group_w:
                    cells.insert(1, Text(r.group))
                table.add_row(*cells, key=r.id, height=None)  # as high as its wrapped text
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        counts = {s: sum(1 for r in self.results if r.status == s) for s in CHECK_GLYPHS}
        fixable = [r for r in self.results if r.fixable and r.status != "passed"]
        self.query_one("#fix", Button).disabled = not fixable
        self.query_one("#fix-all", Button).disabled = not fixable
        if self.results:
            summary = Text()
            for status, word in (("passed", "passed"), ("warning", "warning"), ("error", "error")):
                glyph, colour = CHECK_GLYPHS[status]
                n = counts[status]
                label = word if status == "passed" else plural(n, word).split(" ", 1)[1]
                summary.append(f"{glyph} {n} {label}  ", style=colour)
            if fixable:
                summary.append(f"⚒ {len(fixable)} fixable: f", style="italic")
            if self._fix_note:
                summary.append(f"\n{visible(self._fix_note)}", style="italic")
            self.query_one("#val-summary", Static).update(summary)

    def set_enable_note(self, text: str) -> None:
        self.query_one("#val-enable-note", Static).update(plain(text))

    def _selected(self) -> Any:
        table = self.query_one("#val-table", ValidationTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self._by_id(str(key.value))

    def _by_id(self, check_id: str) -> Any:
        return next((r for r in self.results if r.id == check_id), None)
