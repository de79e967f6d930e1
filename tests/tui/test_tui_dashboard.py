"""The Dashboard (SPEC F-8.5): every protected pair, one poll, rows updated by key;
Enter opens a pair, f fails it over after the Failover dialog. Keyboard only."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from core.model.state import PairState
from tests.tui.tui_fake_dashboard import MB, estate, row
from tests.tui.tui_fake_estate import NOW
from tests.tui.tui_helpers import (
    main_screen,
    make_app,
    press,
    reopen_pair,
    settle,
    until,
    wait_until,
)
from tui.actions import BY_ID
from tui.screens.dashboard import DashboardScreen
from tui.screens.failover_confirm import FailoverConfirmScreen


def table(app) -> DataTable:  # noqa: ANN001 - test helper
    return app.screen.query_one("#dash-table", DataTable)


def cell(app, key: str, col: str) -> str:  # noqa: ANN001
    return str(table(app).get_cell(key, col))


def screen_text(app) -> str:  # noqa: ANN001 - what the terminal shows, as text
    return app.export_screenshot().replace("&#160;", " ")


async def open_dashboard(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    await press(pilot, "b")
    assert isinstance(pilot.app.screen, DashboardScreen)


async def test_b_opens_every_pair_with_its_state_and_counters(api):
    api.estate = estate()
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        t = table(app)
        assert [k.value for k in t.rows] == ["fileprint_FS01_FS02", "sql_SQL01_SQL02",
                                            "exchange_EXCH01_EXCH02", "blackberry_BES01_BES02"]
        assert cell(app, "fileprint_FS01_FS02", "state") == "Protected"
        assert cell(app, "sql_SQL01_SQL02", "state") == "Degraded — Target unreachable"
        assert cell(app, "sql_SQL01_SQL02", "queue") == "18 24.0 MB"
        assert cell(app, "exchange_EXCH01_EXCH02", "mirror") == "42%"
        assert cell(app, "fileprint_FS01_FS02", "hb") == "<10 s"
        assert cell(app, "fileprint_FS01_FS02", "snap") == "10 min"
        assert cell(app, "blackberry_BES01_BES02", "hb") == "—"
        # a failed-over pair's counters are not read: unknown, never a reassuring 0
        assert [cell(app, "blackberry_BES01_BES02", c) for c in ("mirror", "queue", "rate")] \
            == ["—", "—", "—"]
        assert len(api.called("overview")) == 1  # one poll for all pairs
        await press(pilot, "down")  # the detail line says why in full
        detail = str(app.screen.query_one("#dash-detail", Static).render())
        assert "Target unreachable since 22:01 — 18 operations queued" in detail
        assert detail.endswith("heartbeat 3 s · snapshot —")  # to the second here


async def test_a_state_change_updates_that_row_by_key(api):
    api.estate = estate()
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        await press(pilot, "down", "down")  # the cursor on EXCH01 → EXCH02
        rows = dict(table(app).rows)
        # a state no longer than the longest shown: the columns stay as they are (a longer
        # one may narrow the others, and the table is built again: see the 80-column test)
        api.set_row(0, state="Degraded", condition="Replication error",
                    reason="Replication error", transfer_rate=4 * MB)
        await press(pilot, "ctrl+r")
        assert len(api.called("overview")) == 2
        assert cell(app, "fileprint_FS01_FS02", "state") == "Degraded — Replication error"
        assert cell(app, "fileprint_FS01_FS02", "trend") == "▅█"  # the rate seen twice
        # the same rows in place, the cursor where it was: updated, not rebuilt
        assert dict(table(app).rows) == rows and table(app).cursor_row == 2
        assert all(table(app).rows[k] is row for k, row in rows.items())
        assert "Dashboard: every protected pair · 2 Degraded" in str(
            app.screen.query_one("#dash-title", Static).render())


async def test_the_detail_lines_new_age_is_drawn_at_each_poll(api):
    """The detail line's exact age changes every poll; it is redrawn alone (no layout,
    the table not drawn anew), and what the terminal shows is the new text."""
    api.estate = estate()
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        assert "heartbeat 3 s · snapshot 10 min" in screen_text(app)
        api.set_row(0, last_heartbeat=NOW - 7)
        await press(pilot, "ctrl+r")
        await settle(pilot)
        shown = screen_text(app)
        assert "heartbeat 7 s · snapshot 10 min" in shown and "heartbeat 3 s" not in shown
        assert cell(app, "fileprint_FS01_FS02", "hb") == "<10 s"  # the row: unchanged


async def test_pairs_protected_or_unprotected_meanwhile_join_or_leave(api):
    api.estate = estate()[:1]
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        api.estate = estate()[1:]
        await press(pilot, "ctrl+r")
        assert [k.value for k in table(app).rows] == [
            "sql_SQL01_SQL02", "exchange_EXCH01_EXCH02", "blackberry_BES01_BES02"]


async def test_every_column_is_in_sight_at_80_columns_and_all_of_them_at_120(api):
    """80 columns leave out the trend and the application (the detail line names it) and
    cut a long state (the detail line has it whole): nothing scrolls off to the right.
    More pairs than lines: the vertical scrollbar takes its cells too."""
    api.estate = estate() + [row(f"FS{n}", f"FS{n + 50}") for n in range(10, 40)]
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        await press(pilot, "down")
        t = table(app)
        assert [str(c.label) for c in t.columns.values()] == [
            "Pair", "State", "Mirror", "Queue", "Rate", "HB", "Snap"]
        assert t.max_scroll_x == 0  # nothing beyond the right edge
        assert cell(app, "fileprint_FS01_FS02", "snap") == "10 min"
        assert cell(app, "blackberry_BES01_BES02", "state") == "Failed over"
        # the long state is cut with "…" on the screen; the detail line has it whole
        state = "Degraded — Target unreachable"
        assert isinstance(app.screen, DashboardScreen)
        width = next(c.width for c in app.screen.columns if c.key == "state")
        assert width is not None and width < len(state)
        assert f" {state[:width - 1]}… " in screen_text(app)
        assert "Degraded — Target unreachable since" in str(
            app.screen.query_one("#dash-detail", Static).render())

        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: len(table(app).columns) == 9, "every column")
        t = table(app)
        assert t.max_scroll_x == 0 and t.cursor_row == 1  # rebuilt, the cursor kept
        assert cell(app, "sql_SQL01_SQL02", "state") == "Degraded — Target unreachable"
        assert cell(app, "sql_SQL01_SQL02", "app") == "sql"
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: len(table(app).columns) == 7, "the narrow columns")
        assert table(app).max_scroll_x == 0 and table(app).cursor_row == 1


async def test_empty_estate_says_how_to_protect_a_pair(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        empty = app.screen.query_one("#dash-empty", Static)
        assert empty.display and not table(app).display
        assert "No pair is protected yet." in str(empty.render())
        assert "Enable Protection" in str(empty.render())
        await press(pilot, "f")  # nothing to fail over: said, not a crash
        assert [n.message for n in app._notifications] == ["No pair is protected."]


async def test_enter_opens_the_pair_on_the_main_window(api):
    api.estate = estate()
    api.logged_in.update({"SQL01", "SQL02"})
    api.state = PairState.PROTECTED
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        await press(pilot, "down", "enter")
        assert app.screen.id == "main"
        await until(pilot, lambda: (main_screen(app).session.source, main_screen(app).session.target)
                    == ("SQL01", "SQL02"))
        assert main_screen(app).session.app_id == "sql"
        await until(pilot, lambda: main_screen(app).session.status is not None)


async def test_f_asks_then_fails_the_selected_pair_over(api):
    reopen_pair(api)  # the main window shows FS01 → FS02; the dashboard's pick is another
    api.estate = estate()
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: main_screen(app).session.status is not None)
        await open_dashboard(pilot)
        api.state = PairState.FAILURE_DETECTED
        await press(pilot, "down", "f")
        assert isinstance(app.screen, FailoverConfirmScreen)
        assert (app.screen.source, app.screen.target) == ("SQL01", "SQL02")
        # Degraded but Protected: the source answers, only a graceful failover is offered
        assert app.screen.source_up is True
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen) and not api.called("failover")
        api.set_row(1, state="Failure detected", condition="", lifecycle="Failure detected")
        await press(pilot, "ctrl+r", "f")
        assert app.screen.source_up is False
        await press(pilot, "y")
        await until(pilot, lambda: api.called("failover"))
        assert "Failover SQL01 → SQL02" in api.called("log_action")[-1][0]


async def test_f_on_a_pair_that_may_not_fail_over_says_why(api):
    api.estate = estate()
    api.state = PairState.PROTECTED  # the fake offers failover only on a failure
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, DashboardScreen)
        assert [n.message for n in app._notifications] == [
            "FS01 → FS02: No failover condition: the source answers."]


async def test_escape_goes_back_and_the_poll_stops(api):
    api.estate = estate()
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        await press(pilot, "escape")
        assert app.screen.id == "main"
        assert BY_ID["dashboard"].key == "b" and BY_ID["dashboard"].menu == "Actions"
