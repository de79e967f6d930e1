"""The console over the REAL façade (core's Console over the core tests' fake world),
keyboard only: catches drift between the TUI, the fake façade and core."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Select
from tui_helpers import focus_on, press, settle

from core.console import Console
from core.model.pair import Pair
from tests.core.apps.app_estate import make_world
from tui.app import AppmgrApp
from tui.screens.configure import ConfigureScreen
from tui.screens.like_named import LikeNamedScreen


@pytest.fixture
def console(tmp_path: Path) -> Console:
    return Console(make_world(tmp_path).ctx)


async def choose(pilot, role: str, name: str) -> None:
    """Open the list and go down to ``name`` (the keys a user would press)."""
    select = pilot.app.screen.query_one(f"#{role}", Select)
    values = [str(v) for _p, v in select._options]
    await focus_on(pilot, f"#{role}")
    await press(pilot, "enter", *["down"] * values.index(name), "enter")


async def test_sql_pair_configured_on_every_tab_and_saved(console: Console):
    app = AppmgrApp(console, preselect_app="sql")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "source", "SQL01")
        await choose(pilot, "target", "SQL02")
        assert app.screen.session.target == "SQL02"
        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, ConfigureScreen)
        assert [s.name for s in screen.cfg.failover.services][0] == "MSSQLSERVER"
        await press(pilot, "ctrl+pagedown")
        await focus_on(pilot, "#f-monitoring-missed")
        await press(pilot, "ctrl+u", "8")
        await press(pilot, "ctrl+pagedown", "ctrl+pagedown")
        await focus_on(pilot, "#items-tree")
        tree = screen.query_one("#items-tree")
        while tree.cursor_node.data.key != "db:MSSQLSERVER/hr":
            await press(pilot, "down")
        await press(pilot, "space")
        await press(pilot, "ctrl+pagedown")
        assert screen.query_one("#rules-table").row_count > 0  # core's generated rules
        assert "sqldag01_SQL01_SQL02" in screen.query_one("#plan-text").text
        await press(pilot, "ctrl+s")
        assert app.screen is not screen
        saved = console.store.load_config(Pair("sql", "SQL01", "SQL02"))
        assert saved.monitoring.missed == 8
        assert "MSSQLSERVER/hr" not in saved.connection.databases
        assert "MSSQLSERVER/master" in saved.connection.databases


async def test_like_named_cluster_and_sharepoint_front_end(console: Console):
    app = AppmgrApp(console, preselect_app="exchange")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "source", "EVS1")
        await choose(pilot, "target", "EVS1 (like-named)")
        dialog = app.screen
        assert isinstance(dialog, LikeNamedScreen)
        await press(pilot, *"EXNODE3", "enter")
        assert dialog.query_one("#lnc-drive-E").disabled  # the EVS's data: locked
        await press(pilot, *"127.0.10.160")
        await focus_on(pilot, "#lnc-ok")
        await press(pilot, "enter")
        assert app.screen is not dialog
        saved = console.store.load_config(Pair("exchange", "EVS1", "EVS1_LN"))
        assert (saved.cluster.target_node, saved.cluster.ip) == ("EXNODE3", "127.0.10.160")
        await press(pilot, "shift+tab", "shift+tab", "shift+tab", "shift+tab")  # tasks
        await press(pilot, "down", "down", "down")  # SharePoint
        await focus_on(pilot, "#front-end")
        await press(pilot, *"SPFE", "enter")
        assert app.screen.query_one("#source", Select).value == "SPDB1"
