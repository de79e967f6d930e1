"""Setup tab with the keyboard: domain, source/target, login, Advanced Find (F-5)."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Select, Static
from tui_helpers import choose_pair, make_app, notices, press, reopen_pair, settle

from tui.screens.advanced_find import AdvancedFindScreen
from tui.screens.login import LoginScreen


async def test_choose_source_and_target_logs_in_and_selects_pair(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused is app.screen.query_one("#source")
        await press(pilot, "enter", "down", "enter")
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#login-user", Input).value == "LAB\\Administrator"
        await press(pilot, "enter")
        await press(pilot, "tab", "enter", "down", "down", "enter")
        assert isinstance(app.screen, LoginScreen)
        await press(pilot, "enter")
        assert app.screen.query_one("#source", Select).value == "FS01"
        assert app.screen.query_one("#target", Select).value == "FS02"
        assert api.called("login") == [("FS01", "LAB\\Administrator"),
                                       ("FS02", "LAB\\Administrator")]
        assert api.called("select_pair") == [("fileprint", "FS01", "FS02")]
        assert "FS01 → FS02" in str(app.screen.query_one("#pair-header").render())


async def test_wrong_password_keeps_login_open_with_the_reason(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "down", "enter")
        login = app.screen
        await press(pilot, "shift+tab")  # from "Log in" to the password field
        assert app.focused is login.query_one("#login-password")
        await press(pilot, "ctrl+u", *"wrong", "enter")
        assert app.screen is login
        error = str(login.query_one("#login-error", Static).render())
        assert "refused the user name or password" in error
        await press(pilot, "escape")
        assert app.screen.query_one("#source", Select).value == Select.NULL
        assert api.called("select_pair") == []


async def test_same_server_twice_is_refused(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose_pair(pilot, 1, 1)
        assert app.screen.query_one("#target", Select).value == Select.NULL
        assert "already the source" in str(app.screen.query_one("#pair-notes").render())
        assert api.called("select_pair") == []


async def test_single_label_domain_shows_message_at_the_field(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "shift+tab")
        assert app.focused is app.screen.query_one("#domain")
        await press(pilot, "end", "ctrl+u", *"corp", "enter")
        error = app.screen.query_one("#err-domain", Static)
        assert "no suffix" in str(error.render()) and error.has_class("-shown")


async def test_advanced_find_search_add_and_remove(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "tab", "tab", "enter")  # Source → Target → Find…
        find = app.screen
        assert isinstance(find, AdvancedFindScreen)
        await press(pilot, "enter")  # Search
        assert api.called("discover") == [("fileprint",)]
        assert find.query_one("#find-results").row_count == 4
        await press(pilot, "enter")  # the highlighted row (DC01) → current list
        assert api.called("add_server") == [("fileprint", "DC01")]
        current = find.query_one("#find-current", OptionList)
        assert current.option_count == 4
        await press(pilot, "tab", "tab", *"fs09", "enter")  # Add by name
        assert api.servers[-1] == "FS09"
        await press(pilot, "shift+tab", "home", "tab", "tab", "tab", "tab", "enter")  # Remove
        assert api.called("remove_server") == [("fileprint", "FS01")]
        await press(pilot, "escape")
        names = [o[0] for o in app.screen.query_one("#source", Select)._options]
        assert "DC01" in [str(n) for n in names] and "FS01" not in [str(n) for n in names]


async def test_non_protectable_application_says_why(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "shift+tab", "shift+tab", "shift+tab", "up")  # tasks: SQL Server
        page = app.screen.query_one("#later-page", Static)
        assert page.display
        assert "Protecting SQL Server comes in a later release." in str(page.render())
        await press(pilot, "v")
        assert any("later release" in n for n in notices(app))
        assert api.called("validate") == []


async def test_load_last_pair_on_startup_reopens_it(api):
    reopen_pair(api, "FS01", "FS03")
    app = make_app(api, preselect_app=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert api.called("select_pair") == [("fileprint", "FS01", "FS03")]
        assert "FS03 has no E: volume" in str(app.screen.query_one("#pair-notes").render())
        assert api.called("login") == []
