"""Application monitoring's WMI account on the Monitoring tab (F-6.2), keyboard only:
password, Test, Clear cached credentials, and OK caching the typed password (nothing
saved when the password step is refused); locked for clusters, absent without --advanced."""

from __future__ import annotations

from textual.widgets import Input, Static

from tests.tui.tui_fake_config import WMI_PASSWORD
from tests.tui.tui_helpers import focus_on, make_app, press, reopen_pair, settle
from tui.screens.configure import ConfigureScreen
from tui.widgets.help_line import HelpLine

PASSWORD = "#f-monitoring-application-wmi_password"


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def monitoring_tab(pilot) -> ConfigureScreen:
    await settle(pilot)
    await press(pilot, "c", "ctrl+pagedown")
    assert isinstance(pilot.app.screen, ConfigureScreen)
    return pilot.app.screen


async def test_test_and_clear_cached_credentials(api):
    api.advanced = True
    reopen_pair(api, "SQL01", "SQL02", app="sql")
    app = make_app(api, preselect_app="sql", advanced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await monitoring_tab(pilot)
        await focus_on(pilot, "#f-monitoring-application-wmi_user")
        await press(pilot, *"LAB\\monitor", "tab", *"Bad-Pw9")
        assert app.focused is screen.query_one(PASSWORD, Input)
        await press(pilot, "tab", "enter")  # Test
        assert "✖ SQL01 refused the WMI login as LAB\\monitor" in shown(screen, "#wmi-result")
        assert "Bad-Pw9" not in shown(screen, "#wmi-result")
        await focus_on(pilot, PASSWORD, "shift+tab")
        await press(pilot, "ctrl+u", *WMI_PASSWORD, "tab", "enter")
        assert shown(screen, "#wmi-result").startswith(
            "✔ SQL01: WMI login as LAB\\monitor works; 2 services answered")
        assert api.called("set_wmi_credentials")[-1] == ("LAB\\monitor",)
        assert all(WMI_PASSWORD not in str(c) for c in api.calls)  # never recorded
        await press(pilot, "tab", "enter")  # Clear cached credentials
        assert shown(screen, "#wmi-result") == ("Cleared the cached WMI credentials of SQL01 "
                                                "(1 entry).")
        assert screen.query_one(PASSWORD, Input).value == ""
        await press(pilot, "shift+tab", "enter")  # Test again: the password is asked for
        assert "no WMI password is cached for SQL01" in shown(
            screen, "#err-monitoring-application-wmi_password")
        assert app.focused is screen.query_one(PASSWORD, Input)
        assert api.saved == []  # Test and Clear save nothing


async def test_ok_caches_the_typed_password_or_saves_nothing(api):
    api.advanced = True
    reopen_pair(api, "SQL01", "SQL02", app="sql")
    app = make_app(api, preselect_app="sql", advanced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await monitoring_tab(pilot)
        await focus_on(pilot, PASSWORD)
        assert screen.query_one(HelpLine).text.startswith("Password of the WMI account")
        await press(pilot, *WMI_PASSWORD, "ctrl+s")  # a password without a user: refused
        assert app.screen is screen and api.saved == []
        assert "enter a user name" in shown(screen, "#err-monitoring-application-wmi_user")
        assert api.wmi_cached is None
        await focus_on(pilot, "#f-monitoring-application-wmi_user")
        await press(pilot, *"LAB\\monitor", "ctrl+s")
        assert app.screen is not screen, shown(screen, "#cfg-error")
        assert api.saved[-1].monitoring.application.wmi_user == "LAB\\monitor"
        assert api.wmi_cached == WMI_PASSWORD
        assert WMI_PASSWORD not in str(api.saved[-1].to_dict())


async def test_a_save_that_fails_keeps_no_typed_wmi_password(api, monkeypatch):
    from core.errors import StateError

    api.advanced = True
    reopen_pair(api, "SQL01", "SQL02", app="sql")

    def refuse(_cfg):
        raise StateError("the configuration could not be written: disk full")

    monkeypatch.setattr(api, "save_config", refuse)
    app = make_app(api, preselect_app="sql", advanced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await monitoring_tab(pilot)
        await focus_on(pilot, "#f-monitoring-application-wmi_user")
        await press(pilot, *"LAB\\monitor", "tab", *WMI_PASSWORD, "ctrl+s")
        assert app.screen is screen and "disk full" in shown(screen, "#cfg-error")
        assert api.wmi_cached is None  # cached for the save, taken out when it failed


async def test_cluster_pair_locks_the_wmi_controls(api):
    api.advanced = True
    reopen_pair(api, "SQLVS1", "SQL02", app="sql")
    app = make_app(api, preselect_app="sql", advanced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await monitoring_tab(pilot)
        for selector in (PASSWORD, "#wmi-test", "#wmi-clear"):
            assert screen.query_one(selector).disabled, selector


async def test_without_advanced_there_is_no_wmi_account(api):
    reopen_pair(api, "SQL01", "SQL02", app="sql")
    app = make_app(api, preselect_app="sql")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await monitoring_tab(pilot)
        assert not screen.query(PASSWORD) and not screen.query("#wmi-test")
