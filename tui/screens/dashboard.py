"""The Dashboard (SPEC F-8.5): every protected pair on one screen, live.

One poll reads every pair (``api.monitoring.overview``: concurrent in core) in a
thread worker; its answer updates the table cell by cell, by row key, and only
then is the next poll scheduled (an interval after this one started, at least
MIN_GAP after it ended) — a slow estate makes the refresh slower, never makes
polls pile up. The columns are those of ``appmgr status`` (tui.pair_rows); a screen
too narrow for all of them shows those that fit (:func:`tui.pair_rows.fit`).

Enter opens the highlighted pair on the main window; ``f`` fails it over through
the main window's Failover dialog, when its state allows one (core decides).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Static

from core.model.overview import PairOverview
from core.model.pair import Pair
from tui.api_calls import ApiCaller, error_text
from tui.fmt import STATE_CLASS, plain
from tui.hosts import appmgr_app
from tui.pair_rows import AUTO, COLUMNS, Column, PairRows, fit
from tui.widgets.pair_table import PairTable

#: seconds between the ages' recomputation while polls are slower than that
AGE_TICK = 1.0
#: the least pause between the end of a poll and the next one (a poll slower than the
#: interval must not make the console poll without a break)
MIN_GAP = 0.25
STATE_COLOUR = {"ok": "#a3be8c", "busy": "#88c0d0", "bad": "#bf616a", "idle": "#d8dee9"}
EMPTY = ("No pair is protected yet.\n\nTo protect one: Esc, choose an application, then "
         "a source and a target on the Setup tab; validate (v), then Enable Protection "
         "(e).\nHeadless: appmgr protect SOURCE TARGET.")
HINT = "Enter Open pair · f Fail over · ctrl+r Refresh · Esc Back"
#: (pair, its state) → run the main window's failover flow for it
Failover = Callable[[Pair, str], None]


class DashboardScreen(ApiCaller, Screen[Pair | None]):
    """Answers the pair to open (Enter), or None (Esc)."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("f", "failover", "Fail over"),
        Binding("ctrl+r", "refresh", "Refresh"),
    ]

    def __init__(self, failover: Failover, *, interval: float = 1.0,
                 in_bytes: bool = False) -> None:
        super().__init__(id="dashboard")
        self.failover = failover
        self.interval = max(1.0, interval)
        self.rows = PairRows(in_bytes)
        #: what each row shows now (row key → column key → text): a cell is written only
        #: when its text changes
        self.shown: dict[str, dict[str, str]] = {}
        self.facts: dict[str, PairOverview] = {}
        self._timer: Timer | None = None
        self._started = 0.0
        self.polls = 0
        #: the columns shown now (tui.pair_rows.fit: fewer on a narrow screen), and the
        #: last poll's rows (shown again when a resize changes the columns)
        self.columns: tuple[Column, ...] = COLUMNS
        self._last: list[PairOverview] = []
        #: the last poll's longest pair and state texts (what the columns are fitted to)
        self._widths = (0, 0)
        #: the cursor's row before the table was built again (put back by :meth:`_show`)
        self._cursor: int | None = None
        self._said: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("Dashboard: every protected pair", id="dash-title")
        table = PairTable(id="dash-table", cursor_type="row",
                          fixed_columns=1)  # the pair stays in sight
        for col in COLUMNS:
            table.add_column(col.title, key=col.key, width=col.width)
        yield table
        yield Static(EMPTY, id="dash-empty")
        yield Static("", id="dash-detail")
        yield Static("Reading every pair…", id="dash-refresh")
        yield Static(HINT, id="dash-keys", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dash-empty").display = False
        self.query_one("#dash-table").focus()
        if self.interval > AGE_TICK:
            self.set_interval(AGE_TICK, self.refresh_ages)
        self._poll()

    # --- polling -----------------------------------------------------------------
    def _poll(self) -> None:
        self._timer = None
        self._started = time.monotonic()
        self.call_api("overview", self.api.monitoring.overview, group="dashboard")

    def _next(self) -> None:
        """Schedule the next poll once this one has ended (never two at once): one
        interval after this one started, but at least MIN_GAP after it ended."""
        if self._timer is not None:
            self._timer.stop()
        took = time.monotonic() - self._started
        self._timer = self.set_timer(max(MIN_GAP, self.interval - took), self._poll)

    def action_refresh(self) -> None:
        if self._timer is not None:  # else a poll runs now: its end schedules the next
            self._timer.stop()
            self._poll()

    def api_overview(self, ovs: list[PairOverview], _tag: Any) -> None:
        self.polls += 1
        self.rows.add(ovs)
        self._show(ovs)
        self._say("#dash-refresh", f"{len(ovs)} pair(s) · refreshed every {self.interval:g} s")
        self._next()

    def api_failed_overview(self, err: BaseException, _tag: Any) -> None:
        self._say("#dash-refresh", f"Status unavailable: {error_text(err)} (trying again)")
        self._next()

    # --- display -------------------------------------------------------------------
    def on_resize(self) -> None:
        if self._lay_out(len(self._last)) and self.polls:
            self._show(self._last)

    def _lay_out(self, rows: int) -> bool:
        """Fit the columns to the screen's width (tui.pair_rows.fit: every column kept in
        sight; 80 columns leave out the trend and the application); when they change, the
        table is built again (its rows at the next :meth:`_show`, the cursor where it
        was). True: changed."""
        table = self.query_one("#dash-table", PairTable)
        width = self.size.width
        lines = table.size.height or self.size.height  # hidden while no pair is protected
        if rows >= lines:  # more rows than lines (one is the header): a scrollbar
            width -= table.styles.scrollbar_size_vertical
        cols = fit(width, *self._widths)
        if cols == self.columns:
            return False
        self.columns, self.shown = cols, {}
        if self._cursor is None:
            self._cursor = table.cursor_row
        table.clear(columns=True)
        for col in cols:
            table.add_column(col.title, key=col.key, width=col.width)
        return True

    def _show(self, ovs: list[PairOverview]) -> None:
        table = self.query_one("#dash-table", PairTable)
        now = appmgr_app(self).clock()
        self._last = ovs
        rows = [self.rows.cells(ov, now) for ov in ovs]
        self._widths = (max((len(c["pair"]) for c in rows), default=0),
                        max((len(c["state"]) for c in rows), default=0))
        self._lay_out(len(ovs))
        cols = [c.key for c in self.columns]
        keys = [ov.key for ov in ovs]
        with table.updating():  # by key, one repaint for the whole poll
            for gone in set(self.shown) - set(keys):
                table.remove_row(gone)
                del self.shown[gone]
                self.facts.pop(gone, None)
            for key, ov, cells in zip(keys, ovs, rows, strict=True):
                self.facts[key] = ov
                before = self.shown.get(key)
                if before is None:
                    table.add_row(*(self._cell(k, cells[k], ov) for k in cols), key=key)
                else:
                    for col in cols:
                        text = cells[col]
                        if before[col] != text:
                            table.update_cell(key, col, self._cell(col, text, ov),
                                              update_width=col in AUTO)
                self.shown[key] = cells
        if self._cursor is not None and ovs:
            table.move_cursor(row=min(self._cursor, len(ovs) - 1))
            self._cursor = None
        empty = not ovs
        self.query_one("#dash-empty").display = empty
        table.display = not empty
        self._title(ovs)
        self._detail()

    @staticmethod
    def _cell(col: str, text: str, ov: PairOverview) -> str | Text:
        if col != "state":
            return text
        # cut with "…" where the column is narrower (the detail line has it whole)
        return Text(text, style=STATE_COLOUR[STATE_CLASS.get(ov.state, "bad")],
                    overflow="ellipsis")

    def _title(self, ovs: list[PairOverview]) -> None:
        counts = Counter(ov.state for ov in ovs)
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        self._say("#dash-title",
                  "Dashboard: every protected pair" + (f" · {summary}" if summary else ""))

    def refresh_ages(self) -> None:
        """Heartbeat and snapshot ages from the clock, while polls are slower."""
        table = self.query_one("#dash-table", PairTable)
        now = appmgr_app(self).clock()
        with table.updating():
            for key, ov in self.facts.items():
                shown = self.shown[key]
                for col, text in self.rows.ages(ov, now).items():
                    if shown[col] != text:
                        table.update_cell(key, col, text)
                        shown[col] = text

    def selected(self) -> PairOverview | None:
        table = self.query_one("#dash-table", DataTable)
        if not self.facts or not table.is_valid_row_index(table.cursor_row):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.facts.get(key or "")

    @on(DataTable.RowHighlighted, "#dash-table")
    def _detail(self) -> None:
        ov = self.selected()
        text = ""
        if ov is not None:  # in full, and the ages a narrow table scrolls out of sight
            now = appmgr_app(self).clock()
            text = (f"{ov.pair}: {ov.state}" + (f" — {ov.reason}" if ov.reason else "")
                    + f" · heartbeat {self.rows.exact_age(ov.last_heartbeat, now)}"
                    + f" · snapshot {self.rows.exact_age(ov.last_snapshot, now)}")
        self._say("#dash-detail", text)

    def _say(self, selector: str, text: str) -> None:
        """Show ``text`` as it is (never markup); a line whose text did not change is not
        touched. An update lays the screen out again and draws the table anew — unless
        the old and the new text each fit on one line (the detail line's ages change
        every second): then only the line is drawn."""
        before = self._said.get(selector)
        if before == text:
            return
        self._said[selector] = text
        line = self.query_one(selector, Static)
        width = line.content_region.width
        one_line = before is not None and width > 0 and all(
            "\n" not in t and cell_len(t) <= width for t in (before, text))
        line.update(plain(text), layout=not one_line)

    # --- keys ------------------------------------------------------------------------
    @on(DataTable.RowSelected, "#dash-table")
    def action_open_pair(self) -> None:
        """Enter: the pair on the main window."""
        ov = self.selected()
        if ov is not None:
            self.dismiss(ov.pair)

    def action_failover(self) -> None:
        ov = self.selected()
        if ov is None:
            self.notify("No pair is protected.", title="Failover", severity="warning")
            return
        # core says whether this pair may fail over now (and if not, why)
        self.call_api("allowed", self.api.protection.allowed_actions, ov.pair, tag=ov)

    def api_allowed(self, allowed: dict[str, Any], ov: PairOverview) -> None:
        label, reason = allowed.get("failover", ("Failover", "Failover is not offered."))
        if reason is not None:
            self.notify(f"{ov.pair.source.upper()} → {ov.pair.target.upper()}: {reason}",
                        title=label or "Failover", severity="warning")
            return
        self.failover(ov.pair, ov.lifecycle or ov.state)

    def action_close(self) -> None:
        self.dismiss(None)
