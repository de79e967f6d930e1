"""The validation pane (SPEC F-7): glyphs and colours, filter, Fix and Fix All with their
outcomes, Save as JSON, and Enable kept disabled while errors remain."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from textual.widgets import DataTable, Static

from core.errors import Refused
from tests.tui.tui_fake_api import FakeApi
from tests.tui.tui_helpers import main_screen, make_app, notices, press, reopen_pair, settle
from tui.widgets.validation_pane import ValidationPane, ValidationTable


class RefusingApi(FakeApi):
    """Starting the engine is refused; the TTL Fix works and says its new status."""

    def fix(self, cfg: Any, check_id: str) -> Any:
        if check_id == "engine.running":
            self._rec("fix", check_id)
            raise Refused("access denied starting AppMgrEngine on FS02")
        out = super().fix(cfg, check_id)
        return SimpleNamespace(result=SimpleNamespace(status="passed"), config=out.config,
                               config_changed=out.config_changed)


def summary(app: Any) -> str:
    return str(app.screen.query_one("#val-summary", Static).render())


async def test_rows_have_coloured_glyphs_and_the_filter_keeps_one_status(api: FakeApi) -> None:
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        table = app.screen.query_one("#val-table", DataTable)
        glyph = table.get_cell("engine.running", "status")
        assert (str(glyph), "#bf616a" in str(glyph.style)) == ("✖", True)
        assert "⚒" in str(table.get_cell("engine.running", "title"))  # fixable rows say so
        assert "⚒" not in str(table.get_cell("os.identical", "title"))
        pane = app.screen.query_one("#validation", ValidationPane)
        pane._filter = "warning"
        pane._render_rows()
        assert [str(k.value) for k in table.rows] == ["dns.ttl"]


async def test_fix_all_runs_in_order_and_reports_each_outcome(tmp_path: Path) -> None:
    api = RefusingApi()
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        await press(pilot, "shift+tab", "enter")  # the results table ← Fix All
        # the engine first (other repairs need it), the configuration last; a refusal
        # does not stop the others
        assert api.called("fix") == [("engine.running",), ("dns.ttl",)]
        text = summary(app)
        assert "Fixed 1 of 2" in text
        assert "Engine running on FS02: not fixed" in text
        assert "DNS TTL 300 s or less: now passed" in text
        assert any("Could not fix “Engine running on FS02”: access denied" in n
                   for n in notices(app))
        cfg = main_screen(app).session.cfg
        assert cfg is not None
        assert cfg.failover.dns.ttl == 300  # the Fix's config is adopted
        assert not app.screen.check_action("enable", ())  # the error remains
        note = str(app.screen.query_one("#val-enable-note", Static).render())
        assert "1 validation error must be fixed first" in note


async def test_a_single_fix_that_fails_says_why(tmp_path: Path) -> None:
    api = RefusingApi()
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        table = app.screen.query_one("#val-table", DataTable)
        await press(pilot, "ctrl+home", *["down"] * table.get_row_index("engine.running"), "f")
        assert "Fix failed: access denied starting AppMgrEngine on FS02" in summary(app)


async def test_save_writes_the_results_as_json(api: FakeApi) -> None:
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        assert app.focused is app.screen.query_one("#val-table", ValidationTable)
        await press(pilot, "s")
        path = (Path(os.environ["APPMGR_HOME"]) / "state" / "validation"
                / "fileprint_FS01_FS02.json")
        pane = app.screen.query_one("#validation", ValidationPane)
        assert pane.save_path().name == path.name
        doc = json.loads(pane.save_path().read_text())
        assert doc["ok"] is False
        assert {r["id"]: r["status"] for r in doc["results"]}["engine.running"] == "error"
        assert any("Saved the results to" in n for n in notices(app))


async def test_save_before_validating_says_so(api: FakeApi) -> None:
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one("#validation", ValidationPane)
        pane.post_message(pane.SaveRequested())
        await settle(pilot)
        assert any("Nothing to save: validate first." in n for n in notices(app))
