"""Domain login from anywhere (issue 14): after Clear cached credentials Find… offers it,
and the menu/palette entry opens it with the DC, CA file and TLS fields."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, Select
from tui_helpers import make_app, press, settle, until

from tui.screens.advanced_find import AdvancedFindScreen
from tui.screens.domain_login import DomainLoginScreen


async def test_find_offers_the_login_after_the_credentials_were_cleared(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.options.clear_credentials()  # Options → Clear cached credentials (the domain's too)
        await press(pilot, "tab", "tab", "enter")  # Source → Target → Find…
        find = app.screen
        assert isinstance(find, AdvancedFindScreen)
        await press(pilot, "enter")  # Search
        login = app.screen
        assert isinstance(login, DomainLoginScreen)  # not a dead end
        await settle(pilot)  # the dialog's own calls (lab account, saved settings)
        assert login.query_one("#dlogin-domain", Input).value == "lab.example.com"
        assert app.focused is login.query_one("#dlogin-ok")  # the lab account is filled in
        await press(pilot, "enter")  # Log in
        assert app.screen is find
        assert api.called("search") == [("fileprint", False)] * 2  # searched again
        assert find.query_one("#find-results").row_count > 0


async def test_the_menu_entry_takes_the_dc_the_ca_file_and_ldaps(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "d")
        login = app.screen
        assert isinstance(login, DomainLoginScreen)
        await settle(pilot)  # the dialog's own calls (lab account, saved settings)
        login.query_one("#dlogin-dc", Input).value = "dc01.lab.example.com:636"
        login.query_one("#dlogin-ca", Input).value = "/etc/lab-ca.pem"
        login.query_one("#dlogin-tls", Select).value = "ldaps"
        login.query_one("#dlogin-ok").focus()
        await press(pilot, "enter")
        assert app.screen is not login
        assert api.called("domain_login")[-1] == ("lab.example.com", "LAB\\Administrator")
        assert api.last_domain_login == {"dc": "dc01.lab.example.com:636",
                                         "ca_file": "/etc/lab-ca.pem", "tls": "ldaps"}


async def test_the_palette_lists_domain_login(api):
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p", *"domain login")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        # the palette searches in a background task: wait for its answer, not for time
        await until(pilot, lambda: any('Tools: Domain login…' in str(o.prompt)
                                       for o in palette.query_one("CommandList").options))
        prompts = [str(o.prompt) for o in palette.query_one("CommandList").options]
        assert any("Tools: Domain login…" in p for p in prompts)
