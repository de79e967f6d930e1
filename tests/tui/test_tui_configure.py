"""Configure Protection with the keyboard (F-6): field errors, OK saves, Cancel drafts."""

from __future__ import annotations

from textual.widgets import Input, Static, TabbedContent
from tui_helpers import make_app, press, reopen_pair, settle

from tui.configure.dns_dialog import DnsDialog
from tui.screens.configure import ConfigureScreen


async def open_configure(pilot, tab_presses: int) -> ConfigureScreen:
    await press(pilot, "c")
    screen = pilot.app.screen
    assert isinstance(screen, ConfigureScreen)
    await press(pilot, *["right"] * tab_presses)
    return screen


async def test_bad_interval_is_shown_at_the_field_and_nothing_is_saved(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 1)  # Monitoring
        await press(pilot, "tab", "tab", "tab", "tab")  # enabled, manual, method, interval
        assert app.focused is screen.query_one("#f-monitoring-interval")
        await press(pilot, "end", "ctrl+u", "0")
        assert "after 0 s" in str(screen.query_one("#failure-after", Static).render())
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        error = screen.query_one("#err-monitoring-interval", Static)
        assert error.has_class("-shown")
        assert "from 1 to 3600" in str(error.render())
        assert app.focused is screen.query_one("#f-monitoring-interval")
        assert api.called("apply") == [(["monitoring.interval=0"],)]
        assert api.called("save_config") == []
        await press(pilot, "ctrl+u", "2", "tab", "end", "ctrl+u", "3")
        assert "after 6 s" in str(screen.query_one("#failure-after", Static).render())
        await press(pilot, "ctrl+s")
        assert app.screen is not screen
        assert api.called("save_config") == [("FS01", "FS02")]
        saved = api.saved[-1]
        assert (saved.monitoring.interval, saved.monitoring.missed) == (2, 3)
        assert api.called("apply")[-1] == (["monitoring.interval=2", "monitoring.missed=3"],)
        note = str(app.screen.query_one("#val-summary", Static).render())
        assert "validate again" in note


async def test_error_on_another_tab_switches_to_it(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 2)  # Snapshots
        await press(pilot, "tab", "tab", "end", "ctrl+u", "5")  # interval below 15 minutes
        await press(pilot, "shift+tab", "shift+tab", "left", "left")  # back to Failover
        assert screen.query_one("#cfg-tabs", TabbedContent).active == "tab-failover"
        await press(pilot, "ctrl+s")
        assert screen.query_one("#cfg-tabs", TabbedContent).active == "tab-snapshots"
        assert screen.query_one("#err-snapshots-interval_min").has_class("-shown")
        assert api.saved == []


async def test_cancel_keeps_a_draft_and_offers_it_again(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_configure(pilot, 0)
        await press(pilot, "tab", "right", "space")  # failover type → Identity
        await press(pilot, "escape")
        assert api.called("save_draft") == [("FS01", "FS02")]
        assert api.drafts[-1].failover.type == "identity"
        assert api.saved == []
        await press(pilot, "c")
        assert "Continue with them?" in str(app.screen.query_one(".dialog-text").render())
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ConfigureScreen)
        assert screen.cfg.failover.type == "identity"


async def test_services_and_dns_dialog(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 0)
        # Tab order: type, DNS…, services list, Up, Down, Remove, name, must stop, Add
        await press(pilot, "tab", "tab", "tab", "tab", "tab", "tab", "tab", *"Spool", "right", "enter")
        assert [s.name for s in screen.query_one("#failover-tab").services] == [
            "LanmanServer", "Spooler"]
        await press(pilot, "shift+tab", "shift+tab", "shift+tab", "enter")  # Up, on Spooler
        assert [s.name for s in screen.query_one("#failover-tab").services] == [
            "Spooler", "LanmanServer"]
        await press(pilot, "shift+tab", "shift+tab", "enter")  # Configure DNS failover…
        dns = app.screen
        assert isinstance(dns, DnsDialog)
        await press(pilot, *"10.9.9.x", "enter")
        assert "not an IP address" in str(dns.query_one("#err-failover-dns-servers").render())
        await press(pilot, "ctrl+u", *"10.9.9.9", "enter")
        assert [s.ip for s in dns.servers] == ["127.0.10.1", "10.9.9.9"]
        await press(pilot, *["tab"] * 9)  # Add, Delete, list, IP ✓, → IP, TTL ✓, TTL, user
        assert app.focused is dns.query_one("#dns-password")
        await press(pilot, "p", "w", "tab", "enter")  # Test
        assert "may update lab.example.com" in str(dns.query_one("#dns-test-result").render())
        assert api.dns_password_set
        await press(pilot, "tab", "enter")  # OK
        assert app.screen is screen
        assert [s.ip for s in screen.cfg.failover.dns.servers] == ["127.0.10.1", "10.9.9.9"]
        await press(pilot, "ctrl+s")
        saved = api.saved[-1]
        assert [s.name for s in saved.failover.services] == ["Spooler", "LanmanServer"]
        assert saved.failover.dns.servers[-1].role == "added"


async def test_connection_tree_and_advanced_tab(api):
    reopen_pair(api)
    app = make_app(api, advanced=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 3)  # Connection
        await press(pilot, "tab", "tab", "down", "down", "down", "space")  # un-share Users
        assert screen.query_one("#connection-tab").shares == {"Data"}
        await press(pilot, "tab", *"E:\\Apps", "enter")
        assert screen.query_one("#connection-tab").paths == ["E:\\Apps"]
        await press(pilot, "shift+tab", "shift+tab", "shift+tab", "right")  # to Advanced
        assert not screen.query("#f-advanced-create_set")  # only with --advanced
        text = screen.query_one("#plan-text").text
        assert text.startswith("# post-failover for FS01 -> FS02")
        await press(pilot, "ctrl+s")
        saved = api.saved[-1]
        assert saved.connection.shares == ["Data"]
        assert saved.connection.volume_paths == ["E:\\Apps"]


async def test_advanced_mode_shows_create_switches(api):
    reopen_pair(api)
    app = make_app(api, advanced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 4)
        assert screen.query_one("#f-advanced-create_monitor").value is True
        assert isinstance(screen.query_one("#f-advanced-set_name"), Input)
