"""Manage Snapshots (F-6.3): list, take now, delete; the Monitor tab's Last snapshot; and
the Failover dialog asking which point to serve when the target holds snapshots."""

from __future__ import annotations

from textual.widgets import DataTable, Select, Static

from core.model.pair import Pair
from core.model.state import PairState
from tests.tui.tui_helpers import make_app, press, reopen_pair, settle
from tui.screens.confirm import ConfirmScreen
from tui.screens.failover_confirm import FailoverConfirmScreen
from tui.screens.snapshots import SnapshotsScreen
from tui.screens.steps import StepsScreen


async def test_take_list_and_delete_snapshots(api):
    reopen_pair(api)
    api.state = PairState.PROTECTED
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+r")
        await press(pilot, "S")
        screen = app.screen
        assert isinstance(screen, SnapshotsScreen)
        table = screen.query_one("#snap-table", DataTable)
        assert table.row_count == 0
        assert "No snapshots yet" in str(screen.query_one("#snap-status", Static).render())
        await press(pilot, "t")
        await press(pilot, "t")
        assert api.called("take_snapshot") == [("FS01", "FS02")] * 2
        newest = api.snaps[-1].id
        assert table.row_count == 2 and screen.ids[0] == newest  # newest first, selected
        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert api.called("delete_snapshot") == [(newest,)]
        assert table.row_count == 1
        await press(pilot, "escape")
        assert not isinstance(app.screen, SnapshotsScreen)
        await press(pilot, "ctrl+r")
        shown = str(app.screen.query_one("#mon-table", DataTable).get_cell("snapshot", "value"))
        assert shown == "60 s ago"  # the fake clock: taken 60 s before now


async def test_manage_snapshots_needs_a_protected_pair(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "S")
        assert not isinstance(app.screen, SnapshotsScreen)


async def test_failover_asks_which_point_when_snapshots_exist(api):
    reopen_pair(api)
    api.state = PairState.PROTECTED
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.snapshots.take_snapshot(Pair("fileprint", "FS01", "FS02"))
        api.fail_source()
        await press(pilot, "ctrl+r")
        assert isinstance(app.screen, ConfirmScreen)  # the failure prompt: yes
        await press(pilot, "y")
        question = app.screen
        assert isinstance(question, FailoverConfirmScreen)
        point = question.query_one("#failover-point", Select)
        assert point.value == ""  # the latest data unless another point is chosen
        point.value = api.snaps[0].id
        await settle(pilot)
        await press(pilot, "y")
        assert isinstance(app.screen, StepsScreen)
        assert api.called("failover_snapshot") == [(api.snaps[0].id,)]


async def test_failover_without_snapshots_asks_nothing_more(api):
    reopen_pair(api)
    api.state = PairState.PROTECTED
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.fail_source()
        await press(pilot, "ctrl+r")
        await press(pilot, "y")
        assert isinstance(app.screen, StepsScreen)
        assert api.called("failover_snapshot") == []
