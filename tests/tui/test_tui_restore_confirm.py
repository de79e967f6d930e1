"""The restore question shows what the restore would overwrite; discard is explicit (F-9.3)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Button, Static

from core.model.state import PairState
from tests.tui.tui_fake_api import FakeApi
from tests.tui.tui_helpers import make_app, press, reopen_pair, settle
from tui.screens.restore_confirm import RestoreConfirmScreen
from tui.screens.steps import StepsScreen


async def _ask_restore(api: FakeApi, pilot: Pilot[int]) -> RestoreConfirmScreen:
    await settle(pilot)
    api.state = PairState.RESTORING  # failed back: core (and the fake) wait for Restore
    await press(pilot, "ctrl+r", "r")
    screen = pilot.app.screen
    assert isinstance(screen, RestoreConfirmScreen)
    return screen


async def test_the_confirmation_shows_the_count_and_keeps_copies_by_default(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _ask_restore(api, pilot)
        assert api.called("restore_preview") == [()]
        assert api.called("restore") == []  # nothing runs before the answer
        text = str(screen.query_one("#restore-text", Static).render())
        assert "2 file(s) on FS01 (3.0 MB) differ from FS02" in text
        assert "E:\\Shares\\Data\\late.txt (only on the source)" in text
        assert app.focused is screen.query_one("#keep", Button)
        await press(pilot, "enter")
        assert isinstance(app.screen, StepsScreen)
        assert api.called("restore") == [()] and api.restore_discard is False


async def test_discard_is_a_separate_button_and_escape_cancels(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ask_restore(api, pilot)
        await press(pilot, "escape")
        assert not isinstance(app.screen, RestoreConfirmScreen) and api.called("restore") == []
        await _ask_restore(api, pilot)
        await press(pilot, "tab", "enter")  # Restore, keep copies → Restore, discard
        assert isinstance(app.screen, StepsScreen)
        assert api.restore_discard is True
