"""At 80×24 every control of every Configure Protection tab is reached with Tab and
scrolled into view (F-3: usable at 80×24, mouse never required)."""

from __future__ import annotations

import pytest
from textual.widgets._select import SelectOverlay

from tests.tui.tui_helpers import make_app, press, reopen_pair, settle
from tui.screens.configure import TABS, ConfigureScreen

#: SQL at --advanced has the most controls: every tab has its longest page there
PAIRS = {"sql": ("SQL01", "SQL02")}
CHECKED = {"sql": TABS}


def shown(widget) -> bool:
    """On the page: displayed, its containers too; not a closed drop-down's list."""
    if isinstance(widget, SelectOverlay):
        return False
    return all(node.display for node in widget.ancestors_with_self if hasattr(node, "display"))


@pytest.mark.parametrize("app_id", list(PAIRS))
async def test_every_control_is_reached_and_shown_at_80x24(api, app_id):
    api.advanced = True  # every control on show
    reopen_pair(api, *PAIRS[app_id], app=app_id)
    app = make_app(api, preselect_app=app_id, advanced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, ConfigureScreen)
        for index, name in enumerate(TABS):
            if index:
                await press(pilot, "ctrl+pagedown")
            if name not in CHECKED[app_id]:
                continue
            pane = screen.query_one(f"#{name}-tab")
            wanted = {w for w in pane.query("*") if w.focusable and shown(w)}
            assert wanted, name
            seen = set()
            for _ in range(len(wanted) + 6):  # the tab strip, OK and Cancel come round too
                await press(pilot, "tab")
                await settle(pilot)  # scrolled into view and laid out (help may wrap)
                widget = app.focused
                if widget in wanted:
                    seen.add(widget)
                    visible = screen.find_widget(widget).visible_region
                    assert visible.area > 0, f"{widget} is focused but out of view"
            assert seen == wanted, f"{name}: never reached {wanted - seen}"
