"""The console at 80×24 (an SSH session's default): nothing a user needs is cut off."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast
from textual.widgets.data_table import ColumnKey

from tests.tui.tui_helpers import (
    focus_on,
    make_app,
    press,
    reopen_pair,
    screen_lines,
    settle,
    until,
    validate_and_fix,
)
from tui.screens.help import HelpScreen
from tui.widgets.action_footer import fitting
from tui.widgets.help_line import HelpLine
from tui.widgets.validation_pane import ValidationPane, ValidationTable


def footer_keys(app) -> dict[str, FooterKey]:
    return {k.action: k for k in app.screen.query(FooterKey) if k.display}


async def test_the_footer_shows_the_essential_keys_whole_at_80_columns(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = footer_keys(app)
        for action in ("menu", "configure", "validate", "enable", "failover", "help", "quit",
                       "command_palette"):
            assert action in keys, f"{action} is not in the footer: {sorted(keys)}"
        for key in keys.values():  # whole, inside the screen
            assert key.region.right <= 80 and key.region.width > 0, key
        bottom = screen_lines(app)[-1]
        for text in ("f10 Menu", "f1 Help", "q Exit", "^p Palette"):
            assert text in bottom
        await press(pilot, "v")  # a focused table does not push the window's keys out
        # the footer recomposes for the newly focused widget's bindings: wait for it
        await until(pilot, lambda: {"menu", "help", "quit", "command_palette"}
                    <= set(footer_keys(app)))


async def test_the_footer_shows_every_key_when_there_is_room(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert {"logs", "options", "restore", "enable_monitoring"} <= set(footer_keys(app))


def test_keys_are_left_out_by_priority_and_a_later_short_one_may_fill_the_gap():
    # (priority, width): the 3-wide priority-2 key does not fit, the 2-wide one does
    assert fitting([(1, 4), (2, 3), (2, 2), (1, 2)], 8) == {0, 2, 3}


async def test_help_scrolls_to_its_last_row_by_keyboard(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one(VerticalScroll)
        dialog = app.screen.query_one("#help")
        assert scroll.max_scroll_y > 0  # too long for 24 rows: it must scroll
        # the scrolling part lies inside the dialog's border (it was taller, cut below)
        assert scroll.region.bottom <= dialog.region.bottom - 1
        await press(pilot, "end")
        assert scroll.scroll_y == scroll.max_scroll_y
        assert any("Command palette" in line and "^p" in line for line in screen_lines(app))


async def test_validation_results_wrap_instead_of_being_cut(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await validate_and_fix(pilot)
        table = app.screen.query_one("#val-table", ValidationTable)
        results = app.screen.query_one("#validation", ValidationPane).results
        assert table.row_count == len(results) > 0
        width = table.columns[ColumnKey("title")].width  # one column: the reason under the title
        for r in results:
            cell = table.get_cell(r.id, "title")
            assert r.title in cell.plain and r.reason in cell.plain
            assert table.rows[r.id].height == len(cell.wrap(app.console, width)) > 1
        shown = screen_lines(app)
        assert not any("…" in line for line in shown[8:20]), "\n".join(shown)
        # the summary's second line (what the Fix did) is not cut off either
        assert any("✔" in line and "passed" in line for line in shown)
        assert any("Fix — " in line for line in shown), "\n".join(shown)


async def test_the_log_viewer_opens_at_column_0_on_the_newest_lines(api):
    reopen_pair(api)
    lines = [f"2023-11-14 22:13:{i:02d} entry {i} " + "x" * 150 for i in range(60)]
    api.logs.log_text = lambda kind, server=None, lines_=500: "\n".join(lines)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "l")
        area = app.screen.query_one("#log-text")
        assert area.scroll_offset.x == 0
        assert area.scroll_y == area.max_scroll_y > 0
        shown = screen_lines(app)
        assert any("entry 59" in line for line in shown)
        assert any(line.strip("│▊ ").startswith("2023-11-14 22:13:59") for line in shown), "\n".join(shown)


async def test_a_long_help_line_wraps_instead_of_being_cut(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "down", "enter")  # the login dialog of FS01
        await focus_on(pilot, "#login-user")
        line = app.screen.query_one(HelpLine)
        assert len(line.text) > line.content_region.width  # longer than the dialog is wide
        assert line.size.height == 2
        shown = " ".join(" ".join(row.strip("│ ").split()) for row in screen_lines(app))
        assert " ".join(line.text.split()) in shown
        await focus_on(pilot, "#login-password")  # a short one takes one row again
        assert line.size.height == (1 if len(line.text) <= line.content_region.width else 2)


async def test_toasts_leave_the_header_status_help_line_and_footer_visible(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        app.notify("A long notice that wraps onto a second line of its own toast",
                   title="Notice", severity="warning")
        app.notify("A second notice", severity="error")
        await settle(pilot)
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == 2
        keep = [app.screen.query_one(s) for s in ("#pair-header", "#val-summary",
                                                   "#help-line", "ActionFooter")]
        for toast in toasts:
            for widget in keep:
                assert not toast.region.overlaps(widget.region), (toast, widget)
