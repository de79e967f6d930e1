"""Application Setup with the keyboard: Manage SQL Servers and Test SQL, SharePoint's
front end → Get Config, and the like-named cluster setup dialog (F-5.3, F-5.6)."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select, Static

from tests.tui.tui_helpers import focus_on, main_screen, make_app, press, settle, top_screen
from tui.screens.advanced_find import AdvancedFindScreen
from tui.screens.like_named import LikeNamedScreen
from tui.screens.login import LoginScreen


async def test_manage_sql_servers_searches_adds_and_tests_sql(api):
    app = make_app(api, preselect_app="sql")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "Q")
        dialog = app.screen
        assert isinstance(dialog, AdvancedFindScreen)
        assert "Manage SQL Servers" in str(dialog.query_one(".dialog-title").render())
        await focus_on(pilot, "#find-name")
        await press(pilot, *"sql01", "enter")  # Add name
        assert api.called("add_server") == [("sql", "sql01")]
        await focus_on(pilot, "#find-current")
        await press(pilot, "home")  # SQL01
        await focus_on(pilot, "#find-test-sql")
        await press(pilot, "enter")
        result = str(dialog.query_one("#find-test-result", Static).render())
        assert "SQL01\\MSSQLSERVER (default instance): SQL Server 2008" in result
        assert "SQL01\\INST1 (named instance)" in result
        await focus_on(pilot, "#find-name")
        await press(pilot, *"FS01")
        await focus_on(pilot, "#find-test-sql")
        await press(pilot, "enter")
        answer = dialog.query_one("#find-test-result", Static)
        assert "SQL Server is not installed" in str(answer.render()) and answer.has_class("-error")
        assert api.called("test_sql") == [("SQL01",), ("FS01",)]


async def test_sharepoint_get_config_makes_the_back_end_the_source(api):
    app = make_app(api, preselect_app="sharepoint")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "shift+tab", "shift+tab")  # Source → Get Config → front end
        assert app.focused is app.screen.query_one("#front-end")
        await press(pilot, *"sql01", "enter")  # its inventory needs a login first
        assert isinstance(app.screen, LoginScreen)
        await press(pilot, "enter")
        assert "not a SharePoint front end" in str(app.screen.query_one("#pair-notes").render())
        await press(pilot, "ctrl+u", *"sp01", "enter")
        assert isinstance(app.screen, LoginScreen)  # the front end's inventory needs a login
        await press(pilot, "enter")
        assert isinstance(app.screen, LoginScreen)  # then the back end, now the source
        await press(pilot, "enter")
        assert app.screen.query_one("#source", Select).value == "SQL05A"
        notes = str(app.screen.query_one("#pair-notes").render())
        assert "MOSS 2007 farm on SQL05A" in notes
        assert api.called("sharepoint_get_config") == [("sql01",), ("sp01",)]
        assert "SQL05A" in api.setup.server_list("sharepoint")


async def test_like_named_cluster_setup_dialog(api):
    api.logged_in.add("EVS1")
    app = make_app(api, preselect_app="exchange")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "down", "down", "enter")  # source EVS1
        await press(pilot, "tab", "enter", "end", "enter")  # target: the last, like-named
        dialog = app.screen
        assert isinstance(dialog, LikeNamedScreen)
        assert api.called("select_pair") == [("exchange", "EVS1", "EVS1 (like-named)")]
        await press(pilot, "enter")  # OK before connecting: the node is asked for
        assert "enter a node" in str(dialog.query_one("#err-cluster-target_node").render())
        await press(pilot, *"exnode2", "enter")  # a node of EVS1's own cluster
        assert isinstance(app.screen, LoginScreen)
        await press(pilot, "enter")
        assert "EVS1's own cluster" in str(dialog.query_one("#err-cluster-target_node").render())
        await focus_on(pilot, "#f-cluster-target_node")
        await press(pilot, "ctrl+u", *"exnode3", "enter")  # a node of the standby EXCLUS2
        assert isinstance(app.screen, LoginScreen)
        await press(pilot, "enter")
        assert app.focused is dialog.query_one("#f-cluster-ip")
        assert dialog.query_one("#f-cluster-network", Select).value == "Local Area Connection"
        assert dialog.query_one("#f-cluster-subnet_mask", Input).value == "255.255.255.0"
        assert dialog.query_one("#lnc-drive-C", Checkbox).value is False
        locked = dialog.query_one("#lnc-drive-E", Checkbox)
        assert locked.value is True and locked.disabled  # EVS1's data on both clusters
        await press(pilot, *"10.9.9.9", "enter")  # Enter in the field is OK
        error = dialog.query_one("#err-cluster-ip", Static)
        assert "not on the network" in str(error.render()) and app.focused is dialog.query_one(
            "#f-cluster-ip")
        assert api.saved == []
        await press(pilot, "ctrl+u", *"127.0.10.160", "ctrl+s")  # ctrl+s is OK too
        assert top_screen(app) is not dialog
        saved = api.saved[-1]
        assert (saved.target, saved.cluster.target_node, saved.cluster.ip,
                saved.cluster.storage) == ("EVS1_LN", "EXNODE3", "127.0.10.160", ["E", "F"])
        assert main_screen(app).session.target == "EVS1_LN"
        assert "EVS1 → EVS1_LN" in str(app.screen.query_one("#pair-header").render())
