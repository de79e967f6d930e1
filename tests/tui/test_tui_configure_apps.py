"""Every application, keyboard only at 80×24: Setup, choose a pair, Configure
Protection, one change on every tab, OK saves (F-5, F-6; issue 4 acceptance)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from textual.widgets import Static, TextArea

from core.model.pair import Pair
from tests.tui.tui_helpers import focus_on, make_app, press, settle
from tui.screens.configure import ConfigureScreen
from tui.screens.login import LoginScreen


@dataclass(frozen=True)
class Case:
    app: str
    source_down: int  # ↓ from "(choose)" in the source list
    target_down: int  # ↓ in the target list (it leaves the source out)
    source: str
    target: str
    item: str  # a protected item toggled on the Connection tab


CASES = [
    Case("exchange", 3, 3, "EXCH01", "EXCH02", "sg:Second Storage Group"),
    Case("sql", 3, 3, "SQL01", "SQL02", "db:MSSQLSERVER/HR"),
    Case("fileprint", 1, 1, "FS01", "FS02", "share:Users"),
    Case("sharepoint", 0, 7, "SQL05A", "SQL05B", "db:MSSQLSERVER/WSS_Content"),
    Case("blackberry", 1, 1, "BES01", "BES02", "volume:C"),
]


async def choose(pilot, role: str, down: int) -> None:
    """Open the list, go down, choose; log in when asked (the lab account is filled in)."""
    if down:
        await press(pilot, "enter", *["down"] * down, "enter")
    if isinstance(pilot.app.screen, LoginScreen):
        await press(pilot, "enter")


async def tree_to(pilot, key: str) -> None:
    tree = pilot.app.screen.query_one("#items-tree")
    await press(pilot, "home")
    for _ in range(40):
        if tree.cursor_node is not None and tree.cursor_node.data.key == key:
            return
        await press(pilot, "down")
    raise AssertionError(f"{key} is not in the tree")


async def failover_tab(pilot, case: Case, screen: ConfigureScreen) -> None:
    """One change of the services list, by the application's rules."""
    if case.app == "sql":  # the engine service stays; SQL Browser may go
        await focus_on(pilot, "#services-list")
        await focus_on(pilot, "#service-remove")
        await press(pilot, "enter")
        error = str(screen.query_one("#err-failover-services", Static).render())
        assert "MSSQLSERVER cannot be removed: it is the SQL Server engine service" in error
        await focus_on(pilot, "#services-list", "shift+tab")
        await press(pilot, "down", "down")  # SQLBrowser
        await focus_on(pilot, "#service-remove")
        await press(pilot, "enter")
    elif case.app == "sharepoint":
        await focus_on(pilot, "#services-app")
        await press(pilot, "enter")
    elif case.app == "blackberry":
        await focus_on(pilot, "#service-down")
        await press(pilot, "enter")
    else:
        await focus_on(pilot, "#service-choice")
        await press(pilot, "enter", "down", "enter")  # the first service the target offers
        await focus_on(pilot, "#service-add")
        await press(pilot, "enter")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("case", CASES, ids=[c.app for c in CASES])
async def test_every_tab_of_every_application_by_keyboard(api, case: Case, size):
    app = make_app(api, preselect_app=case.app)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if case.app == "sharepoint":  # the source comes from the front end's farm
            await press(pilot, "shift+tab", "shift+tab", *"SP01", "enter")
            await press(pilot, "enter")  # log in to the front end
            await press(pilot, "enter")  # and to the back end, now the source
            await focus_on(pilot, "#source")
        await choose(pilot, "source", case.source_down)
        await press(pilot, "tab")
        await choose(pilot, "target", case.target_down)
        assert api.called("select_pair")[-1] == (case.app, case.source, case.target)
        before = api.configure.load_config(Pair(case.app, case.source, case.target))

        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, ConfigureScreen)
        await failover_tab(pilot, case, screen)
        services = [s.name for s in screen.cfg.failover.services]
        assert services != [s.name for s in before.failover.services]

        await press(pilot, "ctrl+pagedown")  # Monitoring
        await focus_on(pilot, "#f-monitoring-interval")
        await press(pilot, "ctrl+u", *"10")
        assert "after 50 s" in str(screen.query_one("#failure-after", Static).render())

        await press(pilot, "ctrl+pagedown")  # Snapshots
        await focus_on(pilot, "#f-snapshots-enabled")
        await press(pilot, "space", "tab", "ctrl+u", *"30")

        await press(pilot, "ctrl+pagedown")  # Connection
        await focus_on(pilot, "#items-tree")
        await tree_to(pilot, case.item)
        await press(pilot, "space")
        await focus_on(pilot, "#f-connection-mirror_type")
        await press(pilot, "right", "space")  # Full
        await focus_on(pilot, "#f-connection-codec")
        await press(pilot, "right", "space")  # zstd

        await press(pilot, "ctrl+pagedown")  # Advanced
        await focus_on(pilot, "#f-advanced-items_spns")
        await press(pilot, "space")
        spn = str(screen.query_one("#spn-warning", Static).render())
        assert ("must not move the AD host SPNs" in spn) == (
            case.app == "exchange" and not before.advanced.items_spns)
        assert screen.query_one("#plan-text", TextArea).text.startswith(f"# post-failover for {case.app}")

        await press(pilot, "ctrl+s")
        assert app.screen is not screen, screen.query_one("#cfg-error", Static).render()
        saved = api.saved[-1]
        assert [s.name for s in saved.failover.services] == services
        assert (saved.monitoring.interval, saved.snapshots.enabled,
                saved.snapshots.interval_min) == (10, True, 30)
        assert (saved.connection.mirror_type, saved.connection.codec) == ("full", "zstd")
        assert saved.advanced.items_spns is not before.advanced.items_spns
        chosen = {"exchange": saved.connection.storage_groups,
                  "fileprint": saved.connection.shares,
                  "blackberry": saved.connection.volume_paths}.get(
                      case.app, saved.connection.databases)
        value = case.item.split(":", 1)[1]
        value = {"volume:C": "C:\\"}.get(case.item, value)
        assert (value in chosen) != (value in {"exchange": before.connection.storage_groups,
                                               "fileprint": before.connection.shares,
                                               "blackberry": before.connection.volume_paths}
                                     .get(case.app, before.connection.databases))
