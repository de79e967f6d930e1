"""Setup tab with the keyboard: domain, source/target, login, Advanced Find (F-5)."""

from __future__ import annotations

from textual.widgets import DataTable, Input, OptionList, Select, Static

from core.ports import DirectoryComputer
from tests.tui.tui_helpers import choose_pair, make_app, notices, press, reopen_pair, settle, until
from tui.screens.advanced_find import AdvancedFindScreen, column_widths
from tui.screens.domain_login import DomainLoginScreen
from tui.screens.login import LoginScreen


def options(app, role: str) -> list[str]:
    return [str(value) for _prompt, value in app.screen.query_one(f"#{role}", Select)._options
            if value != Select.NULL]


def notes(app) -> str:
    return str(app.screen.query_one("#pair-notes", Static).render())


async def test_choose_source_and_target_logs_in_and_selects_pair(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused is app.screen.query_one("#source")
        await press(pilot, "enter", "down", "enter")
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#login-user", Input).value == "LAB\\Administrator"
        await press(pilot, "enter")
        assert options(app, "target") == ["FS02", "FS03"]  # never the source itself
        await press(pilot, "tab", "enter", "down", "enter")
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


async def test_changing_the_source_offers_the_other_servers_as_targets(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose_pair(pilot, 1, 1)  # FS01 → FS02
        await press(pilot, "shift+tab", "enter", "down", "enter")  # the target: refused
        assert "FS02 is already the target" in notes(app)
        assert app.screen.query_one("#source", Select).value == "FS01"
        await press(pilot, "enter", "down", "down", "enter", "enter")  # FS03, log in
        assert app.screen.query_one("#source", Select).value == "FS03"
        assert options(app, "target") == ["FS01", "FS02"]
        assert app.screen.query_one("#target", Select).value == "FS02"
        assert api.called("select_pair")[-1] == ("fileprint", "FS03", "FS02")


async def test_single_label_domain_shows_message_at_the_field(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "shift+tab")
        assert app.focused is app.screen.query_one("#domain")
        await press(pilot, "end", "ctrl+u", *"corp", "enter")
        error = app.screen.query_one("#err-domain", Static)
        assert "suffix" in str(error.render()) and error.has_class("-shown")


async def test_each_application_prefills_its_domain_and_lists_its_servers(api):
    api.nosqlsearch = True
    app = make_app(api, preselect_app="exchange")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#domain", Input).value == "lab.example.com"  # forest root
        assert options(app, "source") == ["DC02", "EVS1", "EXCH01", "EXCH02", "EXCH03"]
        assert "5 servers found" in notes(app)
        await press(pilot, "shift+tab", "shift+tab", "shift+tab", "down")  # tasks: SQL Server
        assert "skipped (--nosqlsearch)" in notes(app)
        assert options(app, "source") == []
        await press(pilot, "down")  # File Server: no automatic discovery (Advanced Find)
        assert options(app, "source") == ["FS01", "FS02", "FS03"]
        assert api.called("discover") == [("exchange",)]


async def test_domain_login_dialog_when_the_cached_credentials_are_refused(api):
    api.directory_denied = True
    app = make_app(api, preselect_app="exchange")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        login = app.screen
        assert isinstance(login, DomainLoginScreen)
        assert "cannot read" in str(login.query_one(".dialog-text").render())
        await settle(pilot)  # the dialog's own calls (lab account, saved settings)
        assert login.query_one("#dlogin-password", Input).value  # the lab account, filled in
        login.query_one("#dlogin-password").focus()
        await pilot.pause()
        await press(pilot, "ctrl+u", *"nope", "enter")
        assert "rejected the login" in str(login.query_one("#dlogin-error").render())
        assert app.screen is login
        await press(pilot, "ctrl+u", *"Lab-Passw0rd!", "enter")
        assert app.screen is not login
        assert api.called("domain_login")[-1] == ("lab.example.com", "LAB\\Administrator")
        assert "EXCH01" in options(app, "source")


async def test_advanced_find_search_add_and_remove(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "tab", "tab", "enter")  # Source → Target → Find…
        find = app.screen
        assert isinstance(find, AdvancedFindScreen)
        assert not find.query("#find-test-sql")  # Test SQL is for the SQL applications
        await press(pilot, "enter")  # Search: every server of the domain, nodes hidden
        assert api.called("search") == [("fileprint", False)]
        names = [str(k.value) for k in find.query_one("#find-results", DataTable).rows]
        assert "EXNODE1" not in names and {"EVS1", "SQLVS1", "BES01"} <= set(names)
        await press(pilot, "enter")  # the highlighted row (BES01) → current list
        assert api.called("add_server") == [("fileprint", "BES01")]
        current = find.query_one("#find-current", OptionList)
        assert current.option_count == 4
        await press(pilot, "tab", "tab", *"fs09", "enter")  # Add by name
        assert "FS09" in api.setup.server_list("fileprint")
        await press(pilot, "shift+tab", "home", "tab", "tab", "tab", "tab", "enter")  # Remove
        assert api.called("remove_server") == [("fileprint", "BES01")]
        await press(pilot, "escape")
        assert options(app, "source") == ["FS01", "FS02", "FS03", "FS09"]


async def test_advanced_find_columns_fit_the_names_and_disabled_on_request(api):
    api.extra_computers = (
        DirectoryComputer("FS-MUENCHEN-001", "CN=FS-MUENCHEN-001",
                          "fs-muenchen-001.lab.example.com", "Windows Server 2019 Standard"),
        DirectoryComputer("FS-OLD", "CN=FS-OLD", "fs-old.lab.example.com",
                          "Windows Server 2003", disabled=True))
    app = make_app(api)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "tab", "tab", "enter", "enter")  # Find…, Search
        find = app.screen
        table = find.query_one("#find-results", DataTable)
        names = [str(k.value) for k in table.rows]
        assert "FS-MUENCHEN-001" in names and "FS-OLD" not in names
        widths = {str(c.key.value): c.width for c in table.columns.values()}
        assert widths["name"] == 15  # the longest name, whole
        assert widths["ip"] == len("fs-muenchen-001.lab.example.com")  # DNS names whole
        assert widths["os"] >= len("Windows Server 2019 Standard")
        assert "disabled hidden" in str(find.query_one("#find-state", Static).render())
        await press(pilot, "ctrl+d")  # disabled accounts too: searched again, marked
        assert api.called("search")[-1] == ("fileprint", True)
        assert "FS-OLD" in [str(k.value) for k in table.rows]
        assert str(table.get_cell("FS-OLD", "os")).startswith("(disabled)")


def test_column_widths_keep_names_and_give_the_os_the_rest():
    rows = [("FS-MUENCHEN-001", "fs-muenchen-001.lab.example.com", "Windows Server 2019")]
    assert column_widths(rows, 100) == [15, 31, 54]  # the last column takes the rest
    name, dns, os_width = column_widths(rows, 50)
    assert name == 15 and os_width >= 16 and name + dns + os_width == 50
    assert column_widths([("A", "a.b", "—")], 40) == [4, 8, 28]  # the titles fit


async def test_manage_sql_servers_only_for_the_sql_applications(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "Q")
        assert any("for SQL Server and SharePoint only" in n for n in notices(app))
        assert not isinstance(app.screen, AdvancedFindScreen)


async def test_load_last_pair_on_startup_reopens_it(api):
    reopen_pair(api, "FS01", "FS03")
    app = make_app(api, preselect_app=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "FS03 has no E: volume" in notes(app))
        assert api.called("select_pair") == [("fileprint", "FS01", "FS03")]
        assert api.called("login") == []


async def test_a_server_is_added_by_its_address(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "tab", "tab", "enter")  # Source → Target → Find…
        find = app.screen
        assert isinstance(find, AdvancedFindScreen)
        await press(pilot, "tab", "tab", "tab", "tab", *"10.0.127.99", "enter")  # Add by address
        assert api.called("add_server") == [("fileprint", "10.0.127.99")]
        assert "10.0.127.99" in api.setup.server_list("fileprint")
        assert any("10.0.127.99 has no name in DNS" in n for n in notices(app))
        await press(pilot, "escape")
        assert "10.0.127.99" in options(app, "source")
