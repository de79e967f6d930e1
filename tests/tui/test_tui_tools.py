"""Options, logs, menu, command palette, help, and actions for other applications."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, Static
from tui_helpers import make_app, notices, press, reopen_pair, settle, until

from tui.screens.log_viewer import LogViewerScreen
from tui.screens.menu import MenuScreen
from tui.screens.options import OptionsScreen
from tui.screens.welcome import WelcomeScreen


async def test_options_refuse_a_bad_port_at_the_field_and_save_nothing(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "o")
        options = app.screen
        assert isinstance(options, OptionsScreen)
        assert app.focused is options.query_one("#opt-service_port")
        assert options.query_one("#opt-refresh_interval", Input).disabled is False  # auto off
        await press(pilot, "end", "ctrl+u", *"70000", "tab", "tab")  # port; past auto refresh
        await press(pilot, "end", "ctrl+u", "9")  # refresh interval 9 s
        await press(pilot, *["tab"] * 9, "enter")  # … OK
        error = options.query_one("#err-opt-service_port", Static)
        assert error.has_class("-shown") and "1 to 65535" in str(error.render())
        assert app.focused is options.query_one("#opt-service_port")
        assert api.called("set_option") == []  # nothing saved half-way
        await press(pilot, "ctrl+u", *"6321")
        await press(pilot, *["tab"] * 11, "enter")
        assert app.screen is not options
        assert sorted(api.called("set_option")) == [
            ("refresh_interval", "9"), ("service_port", "6321")]
        monitor = app.screen.query_one("#monitor")
        assert monitor.settings.refresh_interval == 9


async def test_clear_cached_credentials_asks_first(api):
    api.logged_in.update({"FS01", "FS02"})
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "o")
        await press(pilot, *["tab"] * 10, "enter")  # … Clear cached credentials
        await press(pilot, "escape")  # the question: no
        assert api.called("clear_credentials") == []
        await press(pilot, "enter")  # Clear cached credentials again
        await press(pilot, "enter")  # the question: Clear
        assert api.called("clear_credentials") == [()]
        assert any("Removed 2 cached credentials" in n for n in notices(app))


async def test_log_viewer_switches_logs_and_searches(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")  # target DFO log
        viewer = app.screen
        assert isinstance(viewer, LogViewerScreen)
        assert api.called("log_text")[-1] == ("dfo", "FS02")
        await press(pilot, "slash", *"DNS update", "enter")
        area = viewer.query_one("#log-text")
        assert area.selection.start == (20, 20)
        assert "line 21" in str(viewer.query_one("#log-found").render())
        await press(pilot, "shift+tab", "shift+tab", "shift+tab")  # Close, Reload, the log list
        await press(pilot, "enter", "home", "enter")
        assert api.called("log_text")[-1] == ("verbose", None)


async def test_menu_lists_every_action_with_its_state_and_runs_one(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f10")
        menu = app.screen
        assert isinstance(menu, MenuScreen)
        ids = [e[1] for e in menu.entries]
        for action in ("new", "quit", "options", "delegate_rights", "configure", "validate",
                       "enable", "enable_monitoring", "failover", "restore", "source_dfo_log",
                       "target_dfo_log", "source_exch_log", "target_exch_log", "manage_sql",
                       "verify_target", "restore_pf_tree", "manage_snapshots", "welcome",
                       "help", "about"):
            assert action in ids
        reasons = {e[1]: e[4] for e in menu.entries}
        assert reasons["validate"] == "Select a source and a target server first."
        assert reasons["manage_snapshots"] == "Select a source and a target server first."
        assert reasons["options"] is None
        await press(pilot, "end", "up", "enter")  # Help → About is last; one up is Help
        assert app.screen.__class__.__name__ == "HelpScreen"


async def test_command_palette_lists_actions_with_their_state(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await press(pilot, *"failover")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        # the palette searches in a background task: wait for its answer, not for time
        await until(pilot, lambda: any('Actions: Failover' in str(o.prompt)
                                       for o in palette.query_one("CommandList").options))
        prompts = [str(o.prompt) for o in palette.query_one("CommandList").options]
        assert any("Actions: Failover" in p for p in prompts)
        assert any("Unavailable — Select a source" in p for p in prompts)


async def test_welcome_opens_on_a_fresh_start_and_verify_needs_a_pair(api):
    app = make_app(api, preselect_app=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await press(pilot, "enter")  # Exchange, the first application
        await press(pilot, "V")
        assert "Select a source and a target server first." in notices(app)


async def test_exchange_and_sql_actions_say_so_for_a_file_server(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "V")
        assert any("Verify Target Data is for SQL Server and Exchange only" in n
                   for n in notices(app))
        await press(pilot, "D")
        assert any("Delegate Rights is for Exchange only" in n for n in notices(app))


async def test_steps_dialog_shows_each_outcome_in_place_of_its_announcement(api):
    from tui.screens.steps import StepsScreen

    def job(progress):
        for step in ("create set", "start mirror"):
            progress(f"{step}…")
            if step == "create set":
                progress("set created")  # a step's own word in between
            progress(f"{step}: ok")
        return []

    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(StepsScreen("Enable protection", job))
        await settle(pilot)
        assert [str(t) for t in app.screen._lines] == ["· create set: ok", "· set created",
                                                       "· start mirror: ok"]
        assert "Done." in str(app.screen.query_one("#steps-state").render())


async def test_a_long_step_wraps_whole_in_the_steps_dialog_at_80x24(api):
    from textual.widgets import RichLog

    from tui.screens.steps import StepsScreen

    long = ("create cluster resource EVS1_LN pre-failback script (Generic Script) in "
            "'EVS1 Group' on EXCLUS2: ok")

    def job(progress):
        progress(long)
        return []

    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(StepsScreen("Enable protection", job))
        await settle(pilot)
        log = app.screen.query_one(RichLog)
        shown = [strip.text.rstrip() for strip in log.lines]
        assert len(shown) > 1 and " ".join(shown) == f"· {long}"  # wrapped, nothing cut
        assert all(len(line) <= log.scrollable_content_region.width for line in shown)
