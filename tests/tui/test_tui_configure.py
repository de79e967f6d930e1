"""Configure Protection with the keyboard (F-6): field errors, OK saves, Cancel drafts,
the services list, the DNS dialog, the items tree and the Advanced tab (File server)."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Input, Static, TabbedContent, TextArea

from tests.tui.tui_helpers import focus_on, make_app, notices, press, reopen_pair, settle
from tui.configure.dns_dialog import DnsDialog
from tui.screens.configure import ConfigureScreen
from tui.widgets.help_line import HelpLine


async def open_configure(pilot, tab_presses: int) -> ConfigureScreen:
    await press(pilot, "c")
    screen = pilot.app.screen
    assert isinstance(screen, ConfigureScreen)
    await press(pilot, *["right"] * tab_presses)
    return screen


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_bad_interval_is_shown_at_the_field_and_nothing_is_saved(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 1)  # Monitoring
        await press(pilot, "tab", "tab", "tab", "tab")  # enabled, manual, method, interval
        assert app.focused is screen.query_one("#f-monitoring-interval")
        assert "Seconds between checks" in screen.query_one(".help-line", HelpLine).text  # core's help
        await press(pilot, "end", "ctrl+u", "0")
        assert "after 0 s" in text(screen, "#failure-after")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        error = screen.query_one("#err-monitoring-interval", Static)
        assert error.has_class("-shown")
        assert "between 1 and 3600" in str(error.render())
        assert app.focused is screen.query_one("#f-monitoring-interval")
        assert api.called("apply")[-1] == (["monitoring.interval=0"],)
        assert api.called("save_config") == []
        await press(pilot, "ctrl+u", "2", "tab", "end", "ctrl+u", "3")
        assert "after 6 s" in text(screen, "#failure-after")
        await press(pilot, "ctrl+s")
        assert app.screen is not screen
        assert api.called("save_config") == [("FS01", "FS02")]
        saved = api.saved[-1]
        assert (saved.monitoring.interval, saved.monitoring.missed) == (2, 3)
        assert ["monitoring.interval=2", "monitoring.missed=3"] in [a[0] for a in
                                                                   api.called("apply")]
        assert "validate again" in text(app.screen, "#val-summary")


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
        assert "at least 15" in text(screen, "#err-snapshots-interval_min")
        assert api.saved == []


async def test_snapshots_start_at_a_date(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 2)
        assert screen.query_one("#f-snapshots-start_at", Input).disabled  # "Start now"
        await press(pilot, "tab", "space")  # enabled
        await focus_on(pilot, "#snap-start")
        await press(pilot, "right", "space")  # Start at: the date field takes the focus
        assert app.focused is screen.query_one("#f-snapshots-start_at")
        await press(pilot, *"2030-01-31T22:00", "ctrl+s")
        assert api.saved[-1].snapshots.start_at.startswith("2030-01-31T22:00")
        assert api.saved[-1].snapshots.enabled


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
        assert "Continue with them?" in text(app.screen, ".dialog-text")
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ConfigureScreen)
        assert screen.cfg.failover.type == "identity"


async def test_services_list_and_dns_dialog(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 0)
        await focus_on(pilot, "#service-name")
        await press(pilot, *"Spool", "right", "enter")  # the target's services complete it
        await press(pilot, *"W3SVC", "enter")  # any name goes ("must be stopped on target")
        names = [s.name for s in screen.cfg.failover.services]
        assert names == ["Spooler", "W3SVC"]
        assert all(s.user_added for s in screen.cfg.failover.services)
        await focus_on(pilot, "#service-up", "shift+tab")
        await press(pilot, "enter")  # W3SVC, the highlighted one, moves up
        assert [s.name for s in screen.cfg.failover.services] == ["W3SVC", "Spooler"]
        await focus_on(pilot, "#dns-configure", "shift+tab")
        await press(pilot, "enter")
        dns = app.screen
        assert isinstance(dns, DnsDialog)
        await press(pilot, *"10.9.9.x", "enter")
        assert "not an IP address" in text(dns, "#err-failover-dns-servers")
        await press(pilot, "ctrl+u", *"10.9.9.9", "enter")
        assert [s.ip for s in dns.servers] == ["127.0.10.1", "10.9.9.9"]
        await focus_on(pilot, "#dns-password")
        await press(pilot, "p", "w", "tab", "enter")  # Test
        assert "may update" in text(dns, "#dns-test-result")
        assert api.dns_password_set
        await press(pilot, "tab", "enter")  # OK
        assert app.screen is screen
        assert [s.ip for s in screen.cfg.failover.dns.servers] == ["127.0.10.1", "10.9.9.9"]
        await press(pilot, "ctrl+s")
        saved = api.saved[-1]
        assert [s.name for s in saved.failover.services] == ["W3SVC", "Spooler"]
        assert saved.failover.dns.servers[-1].role == "added"
        assert api.called("add_service")[0][1:] == ("Spooler", True)


async def test_connection_tree_and_advanced_tab(api):
    reopen_pair(api)
    app = make_app(api, advanced=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 3)  # Connection
        await focus_on(pilot, "#items-tree")
        await press(pilot, "down", "down", "space")  # un-share Users
        assert screen.cfg.connection.shares == ["Data"]
        await press(pilot, "tab", *"E:\\Apps", "enter")
        assert screen.cfg.connection.volume_paths == ["E:\\Apps"]
        assert api.called("select_items")[-1][1] == ["share:Data", "path:E:\\Apps"]
        await press(pilot, "ctrl+home")
        await focus_on(pilot, "#cfg-tabs Tabs", "shift+tab")
        await press(pilot, "right")  # Advanced
        assert not screen.query("#f-advanced-create_set")  # only with --advanced
        rules = screen.query_one("#rules-table", DataTable)
        assert rules.row_count == 2  # generated from Data and E:\Apps
        plan = screen.query_one("#plan-text", TextArea).text
        assert plan.startswith("# post-failover for fileprint FS01 -> FS02")
        assert "publish-share Data" in plan
        await press(pilot, "ctrl+s")
        saved = api.saved[-1]
        assert saved.connection.shares == ["Data"]
        assert saved.connection.volume_paths == ["E:\\Apps"]


async def test_advanced_mode_shows_create_switches_and_rules_override(api):
    api.advanced = True
    reopen_pair(api)
    app = make_app(api, advanced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_configure(pilot, 4)
        assert screen.query_one("#f-advanced-create_monitor", Checkbox).value is True
        await press(pilot, "tab", "space")  # override the generated rules
        assert screen.query_one("#rules-table", DataTable).row_count == 2
        await focus_on(pilot, "#rule-path")
        await press(pilot, *"E:\\Shares\\Data\\tmp")
        await focus_on(pilot, "#rule-include")
        await press(pilot, "enter", "down", "enter")  # Exclude
        await focus_on(pilot, "#rule-add")
        await press(pilot, "enter")
        await focus_on(pilot, "#f-advanced-create_monitor")
        await press(pilot, "space", "ctrl+s")
        saved = api.saved[-1]
        assert saved.advanced.override_rules and not saved.advanced.create_monitor
        assert [(r.path, r.include) for r in saved.advanced.rules][-1] == (
            "E:\\Shares\\Data\\tmp", False)
        assert any("Configuration saved." in n for n in notices(app))
