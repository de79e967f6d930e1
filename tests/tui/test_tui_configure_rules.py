"""The rules of the Configure Protection tabs, keyboard only (F-6.2, F-6.4, F-6.5):
SQL protection modes and target paths, required system databases, application
monitoring (beta, confirmed), failover scripts edited in $EDITOR and the prompt
before regeneration, and the compression notice of a shared target."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.widgets import Checkbox, Static

from tests.tui.tui_helpers import focus_on, make_app, notices, press, reopen_pair, settle
from tui.screens.configure import ConfigureScreen
from tui.screens.confirm import ConfirmScreen


async def open_tab(pilot, tab: int) -> ConfigureScreen:
    await press(pilot, "c", *["ctrl+pagedown"] * tab)
    assert isinstance(pilot.app.screen, ConfigureScreen)
    return pilot.app.screen


async def tree_to(pilot, key: str) -> None:
    tree = pilot.app.screen.query_one("#items-tree")
    await press(pilot, "home")
    for _ in range(40):
        if tree.cursor_node is not None and tree.cursor_node.data.key == key:
            return
        await press(pilot, "down")
    raise AssertionError(f"{key} is not in the tree")


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_sql_modes_required_databases_and_target_paths(api):
    reopen_pair(api, "SQL01", "SQL02", app="sql")
    app = make_app(api, preselect_app="sql")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_tab(pilot, 3)
        await focus_on(pilot, "#items-tree")
        await tree_to(pilot, "db:MSSQLSERVER/master")
        await press(pilot, "space")  # required with its instance
        assert "master is required" in shown(screen, "#err-connection-items")
        assert "MSSQLSERVER/master" in screen.cfg.connection.databases
        await tree_to(pilot, "instance:INST1")
        await press(pilot, "space")  # the instance's databases go, but not the required ones
        assert [k for k in screen.cfg.connection.databases if k.startswith("INST1/")] == [
            "INST1/master", "INST1/model", "INST1/msdb"]
        await focus_on(pilot, "#f-connection-sql_mode", "shift+tab")
        await press(pilot, "right", "space")  # Database only
        assert screen.cfg.connection.sql_mode == "database"
        assert not any(k.endswith(("/master", "/msdb")) for k in screen.cfg.connection.databases)
        stopped = {s.name: s.must_stop_on_target for s in screen.cfg.failover.services}
        assert stopped["MSSQLSERVER"] is False  # the target's SQL Server keeps running
        await focus_on(pilot, "#tp-database")
        await press(pilot, "enter", "down", "enter")  # MSSQLSERVER/Sales
        await press(pilot, "tab", *"Q:\\Sales", "enter")
        assert "SQL02 has no Q: volume" not in shown(screen, "#err-connection-target_paths")
        assert screen.cfg.connection.target_paths == {"MSSQLSERVER/Sales": "Q:\\Sales"}
        await press(pilot, "ctrl+s")  # the target has no Q: refused at its field
        assert app.screen is screen and api.saved == []
        assert "SQL02 has no Q: volume" in shown(screen, "#err-connection-target_paths")
        await focus_on(pilot, "#tp-path")
        await press(pilot, "ctrl+u", *"E:\\Moved", "enter", "ctrl+s")
        assert app.screen is not screen, shown(screen, "#cfg-error")
        saved = api.saved[-1]
        assert saved.connection.sql_mode == "database"
        assert saved.connection.target_paths == {"MSSQLSERVER/Sales": "E:\\Moved"}


async def test_application_monitoring_is_beta_advanced_and_confirmed(api):
    api.advanced = True
    reopen_pair(api, "SQL01", "SQL02", app="sql")
    app = make_app(api, preselect_app="sql", advanced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_tab(pilot, 1)
        await focus_on(pilot, "#f-monitoring-application-enabled")
        await press(pilot, "space")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")  # not now: the box clears again
        assert screen.query_one("#f-monitoring-application-enabled", Checkbox).value is False
        await press(pilot, "space", "y")
        assert screen.query_one("#f-monitoring-application-enabled", Checkbox).value is True
        await press(pilot, "ctrl+s")  # the WMI user is required
        assert "enter the user that runs the WMI scripts" in shown(
            screen, "#err-monitoring-application-wmi_user")
        await focus_on(pilot, "#f-monitoring-application-wmi_user")
        await press(pilot, *"LAB\\monitor", "ctrl+s")
        saved = api.saved[-1].monitoring.application
        assert (saved.enabled, saved.wmi_user) == (True, "LAB\\monitor")


async def test_application_monitoring_needs_advanced_outside_sharepoint(api):
    reopen_pair(api, "SQL01", "SQL02", app="sql")  # SQL: advanced options need --advanced
    app = make_app(api, preselect_app="sql")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_tab(pilot, 1)
        assert not screen.query("#f-monitoring-application-enabled")  # advanced only


async def test_sharepoint_shows_its_advanced_options_editable(api):
    reopen_pair(api, "SQL05A", "SQL05B", app="sharepoint")  # F-6: shown by default
    app = make_app(api, preselect_app="sharepoint")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_tab(pilot, 1)
        assert not screen.query_one("#f-monitoring-application-enabled").disabled
        await press(pilot, "ctrl+pagedown", "ctrl+pagedown", "ctrl+pagedown")
        assert not screen.query_one("#f-advanced-create_set").disabled
        assert screen.query_one("#f-advanced-items_spns", Checkbox).value is True  # SharePoint's default


async def test_plan_edit_in_editor_survives_and_regeneration_is_asked(api, tmp_path: Path,
                                                                    monkeypatch):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "wait 10" >> "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_tab(pilot, 4)
        await focus_on(pilot, "#plan-edit")
        await press(pilot, "enter")
        assert screen.cfg.advanced.plan_edits["post-failover"].endswith("wait 10\n")
        assert "edited by you" in shown(screen, "#plan-state")
        await press(pilot, "ctrl+s")  # nothing changed since: saved with the edit, no question
        assert api.saved[-1].advanced.plan_edits["post-failover"].endswith("wait 10\n")
        screen = await open_tab(pilot, 3)
        await focus_on(pilot, "#items-tree")
        await tree_to(pilot, "share:Users")
        await press(pilot, "space", "ctrl+s")  # the script of post-failover changes
        assert isinstance(app.screen, ConfirmScreen)
        assert "post-failover" in shown(app.screen, ".dialog-text")
        await press(pilot, "n")  # keep my edits
        assert api.saved[-1].advanced.plan_edits["post-failover"].endswith("wait 10\n")
        assert api.saved[-1].connection.shares == ["Data"]
        screen = await open_tab(pilot, 4)
        await focus_on(pilot, "#plan-regenerate")
        await press(pilot, "enter", "y", "ctrl+s")
        assert api.saved[-1].advanced.plan_edits == {}


async def test_compression_applies_to_every_pair_to_the_target(api):
    api.target_compression["FS02"] = 0
    api.other_pairs["FS02"] = ["FS03"]
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_tab(pilot, 3)
        await focus_on(pilot, "#f-connection-compression")
        await press(pilot, "enter", "down", "down", "enter", "ctrl+s")
        assert api.saved[-1].connection.compression == 2
        assert any("every pair to FS02 now uses level 2 (FS03 → FS02" in n
                   for n in notices(app))


async def test_cluster_pair_resources_dns_only_and_cushion_warning(api):
    reopen_pair(api, "SQLVS1", "SQL02", app="sql")
    app = make_app(api, preselect_app="sql")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_tab(pilot, 0)
        assert "Resources: brought online" in shown(screen, "#failover-tab .section-title")
        identity = [b for b in screen.query("#f-failover-type RadioButton")
                    if b.name == "identity"]
        assert identity[0].disabled  # F-10: DNS failover only
        assert "DNS only" in shown(screen, "#identity-note")
        await press(pilot, "ctrl+pagedown")
        warning = shown(screen, "#monitor-warning")
        assert "node failover of SQLCLUS takes up to 60 s" in warning
        await focus_on(pilot, "#f-monitoring-interval")
        await press(pilot, "ctrl+u", *"20")  # 100 s: enough cushion
        assert not screen.query_one("#monitor-warning").display


def test_overridden_rules_keep_where_a_remapped_file_lands() -> None:
    """Overriding the generated rules of a remapped database must not drop the remap."""
    from core.config.field_parsers import rules as parse_rules
    from core.model.config import ProtectionConfig
    from core.model.rules import Rule
    from tui.widgets.rules_panel import rules_text

    mapped = [Rule("E:\\SQLData\\Sales.mdf", True, False, "E:\\FromSQL01\\Sales\\Sales.mdf"),
              Rule("E:\\Tmp", include=False)]
    text = rules_text(mapped)
    assert text == ("include-flat:E:\\SQLData\\Sales.mdf>E:\\FromSQL01\\Sales\\Sales.mdf;"
                    "exclude:E:\\Tmp")
    assert parse_rules(text, "advanced.rules", ProtectionConfig("sql", "SQL01", "SQL02")) == mapped
