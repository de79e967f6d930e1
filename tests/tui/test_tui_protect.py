"""Validate → fix → enable → monitor → failure prompt → failover (F-7, F-8, F-9)."""

from __future__ import annotations

from textual.widgets import DataTable, ProgressBar, RichLog, Sparkline, Static, TabbedContent

from core.model.state import PairState
from tests.tui.tui_helpers import (
    choose_pair,
    main_screen,
    make_app,
    notices,
    press,
    reopen_pair,
    settle,
    validate_and_fix,
)
from tui.screens.confirm import ConfirmScreen
from tui.screens.steps import StepsScreen


def cell(table: DataTable, row: str, col: str = "value") -> str:
    return str(table.get_cell(row, col))


async def test_validate_shows_rows_and_errors_block_enable(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose_pair(pilot)
        await press(pilot, "e")
        assert any("Validate the configuration first" in n for n in notices(app))
        await press(pilot, "v")
        table = app.screen.query_one("#val-table", DataTable)
        assert table.row_count == 6
        assert str(table.get_cell("engine.running", "status")) == "✖"
        assert str(table.get_cell("dns.ttl", "status")) == "▲"
        assert str(table.get_cell("os.identical", "status")) == "✔"
        assert not app.screen.check_action("enable", ())
        note = str(app.screen.query_one("#val-enable-note", Static).render())
        assert "1 validation error must be fixed first" in note
        await press(pilot, "e")
        assert api.called("enable") == []
        assert any("1 validation error" in n for n in notices(app))
        assert app.screen.query_one("#btn-enable").disabled


async def test_filter_and_details_of_a_row(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        await press(pilot, "shift+tab", "shift+tab", "shift+tab")  # table ← Fix All ← Fix ←
        assert app.focused is app.screen.query_one("#val-filter")
        await press(pilot, "enter", "down", "enter")  # All results → Errors
        table = app.screen.query_one("#val-table", DataTable)
        assert table.row_count == 1
        await press(pilot, "tab", "tab", "tab", "enter")  # Fix, Fix All, table → details
        assert "The engine service is stopped on FS02." in str(
            app.screen.query_one(".dialog-text", Static).render())
        await press(pilot, "f")  # fix from the details dialog
        assert api.called("fix") == [("engine.running",)]
        assert table.row_count == 0  # no errors left under the Errors filter


async def test_fix_all_repairs_and_adopts_a_changed_configuration(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        await press(pilot, "shift+tab", "enter")  # the results table ← Fix All
        assert sorted(api.called("fix")) == [("dns.ttl",), ("engine.running",)]
        statuses = {r.id: r.status for r in main_screen(app).session.results}
        assert set(statuses.values()) == {"passed"}
        cfg = main_screen(app).session.cfg
        assert cfg is not None
        assert cfg.failover.dns.ttl == 300
        assert app.screen.check_action("enable", ())


async def test_fix_then_enable_then_monitor_shows_progress(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await validate_and_fix(pilot)
        assert api.called("fix") == [("engine.running",)]
        assert app.screen.check_action("enable", ())
        await press(pilot, "e")
        steps = app.screen
        assert isinstance(steps, StepsScreen)
        log = "\n".join(str(line.text) for line in steps.query_one(RichLog).lines)
        assert "create replication set" in log and "create failover monitor" in log
        await press(pilot, "enter")  # Close
        main = app.screen
        assert main.query_one("#app-page", TabbedContent).active == "tab-monitor"
        assert "Mirroring" in str(main.query_one("#mon-state", Static).render())
        progress = main.query_one("#mon-progress", ProgressBar)
        assert progress.progress == 40
        counters = main.query_one("#mon-table", DataTable)
        assert cell(counters, "sent") == "160.0 MB"
        assert cell(counters, "queue") == "12 operations"
        assert cell(counters, "heartbeat") == "3 s ago"
        assert cell(counters, "missed") == "0 of 5"
        await press(pilot, "ctrl+r", "ctrl+r")
        assert "Protected" in str(main.query_one("#mon-state", Static).render())
        assert progress.progress == 100
        spark = main.query_one("#mon-spark", Sparkline).data
        assert spark is not None
        assert spark[-4:] == [0, 52428800, 41943040, 41943040]
        # labels follow state: the e key now disables, m disables monitoring
        assert main.check_action("disable", ()) and main.check_action("enable", ()) is False
        assert main.check_action("disable_monitoring", ())
        await press(pilot, "e", "y")  # Disable protection, after a question
        steps = app.screen
        assert isinstance(steps, StepsScreen) and steps.ok
        assert api.called("disable") == [("FS01", "FS02")]


async def test_failure_detected_prompts_and_failover_runs(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.state = PairState.PROTECTED
        api.fail_source()
        await press(pilot, "ctrl+r")
        prompt = app.screen
        assert isinstance(prompt, ConfirmScreen)
        assert prompt.query_one("#failover-prompt")
        text = str(prompt.query_one(".dialog-text", Static).render())
        assert text.startswith("FS01 has failed. Fail over to FS02 now?")
        assert "missed 5 of 5 heartbeats" in text
        assert str(prompt.query_one("#confirm-keys", Static).render()) == "y Fail over · n Not now"
        await press(pilot, "y")  # Fail over
        steps = app.screen
        assert isinstance(steps, StepsScreen)
        assert api.called("failover") == [()]
        log = "\n".join(str(line.text) for line in steps.query_one(RichLog).lines)
        assert "✔ DNS: fs01 A and PTR -> 127.0.10.12 — done" in log
        await press(pilot, "escape")
        assert "Failed over" in str(app.screen.query_one("#pair-header").render())
        assert app.screen.check_action("failback", ())
        await press(pilot, "F")  # the failover key now fails back, after a question
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "enter")
        await press(pilot, "escape")
        assert api.called("failback") == [()]
        header = str(app.screen.query_one("#pair-header").render())
        assert "Failed back (restore next)" in header and "Restoring" not in header
        await press(pilot, "r")
        await press(pilot, "enter")
        await press(pilot, "escape")
        assert api.called("restore") == [()]
        assert "Protected" in str(app.screen.query_one("#pair-header").render())


async def test_not_now_does_not_fail_over_and_does_not_nag(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.state = PairState.PROTECTED
        api.fail_source()
        await press(pilot, "ctrl+r")
        await press(pilot, "escape")
        await press(pilot, "ctrl+r")
        assert not isinstance(app.screen, ConfirmScreen)
        assert api.called("failover") == []


async def test_a_stray_enter_on_the_failure_prompt_does_not_fail_over(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.state = PairState.PROTECTED
        api.fail_source()
        await press(pilot, "ctrl+r")
        prompt = app.screen
        assert isinstance(prompt, ConfirmScreen)
        assert app.focused is prompt.query_one("#no")  # the safe choice
        await press(pilot, "enter")
        assert not isinstance(app.screen, ConfirmScreen | StepsScreen)
        assert api.called("failover") == []


async def test_without_manual_intervention_the_console_says_who_fails_over(api):
    from core.protection.plan_lock import PlanHolder
    from core.protection.watch_beat import WatcherState

    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.state = PairState.PROTECTED
        # no watcher runs: nothing fails over by itself, so the console asks and says why
        api.watcher = WatcherState(False)
        api.fail_source()
        await press(pilot, "ctrl+r")
        prompt = app.screen
        assert isinstance(prompt, ConfirmScreen)
        text = str(prompt.query_one(".dialog-text", Static).render())
        assert "appmgr watch: not running — failover will wait for you." in text
        await press(pilot, "n")
        problems = str(app.screen.query_one("#mon-problems", Static).render())
        assert "▲ Automatic failover: appmgr watch: not running — failover will wait" in problems
        # a watcher runs: the console promises only what it will do, and asks nothing
        main_screen(app)._prompted_failure = False
        api.watcher = WatcherState(True, "adm1", 4242)
        api.plan = PlanHolder("appmgr watch", "adm1", 4242, "failover", 0.0)
        await press(pilot, "ctrl+r")
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("FS01 has failed; appmgr watch on adm1 fails it over to FS02." in n
                   for n in notices(app))
        problems = str(app.screen.query_one("#mon-problems", Static).render())
        assert "▶ appmgr watch on adm1 is running the failover plan (pid 4242)" in problems
        assert "● Automatic failover: appmgr watch on adm1: running" in problems
        assert not any("automatic failover to FS02 runs" in n for n in notices(app))
