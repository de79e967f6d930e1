"""The Monitor tab tells the truth between polls: ages from the clock, missed
heartbeats past the threshold (F-8.4). Time is the app's injected clock."""

from __future__ import annotations

import dataclasses

from textual.widgets import DataTable

from core.model.state import PairState
from tests.tui.tui_fake_estate import NOW
from tests.tui.tui_helpers import make_app, press, reopen_pair, settle, wait_until


def cell(app, row: str) -> str:  # noqa: ANN001 - test helper
    return str(app.screen.query_one("#mon-table", DataTable).get_cell(row, "value"))


async def test_heartbeat_age_follows_the_clock_between_polls(api):
    reopen_pair(api)
    now = [NOW]
    app = make_app(api, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.state = PairState.PROTECTED
        await press(pilot, "ctrl+r")
        assert cell(app, "heartbeat") == "3 s ago"
        polls = len(api.called("status"))
        now[0] += 7  # no poll comes (the tests' refresh interval is long): the age moves anyway
        await wait_until(pilot, lambda: cell(app, "heartbeat") == "10 s ago", "the age to move")
        assert len(api.called("status")) == polls


async def test_missed_heartbeats_past_the_threshold_read_truthfully(api):
    reopen_pair(api)
    app = make_app(api)
    status = api.monitoring.status

    def seven_in_a_row(*pair):  # noqa: ANN002, ANN202 - the monitor counts on past 5
        st = status(*pair)
        return dataclasses.replace(st, monitor=dataclasses.replace(st.monitor, missed=7))

    api.monitoring.status = seven_in_a_row
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.state = PairState.PROTECTED
        api.fail_source()
        await press(pilot, "ctrl+r")
        prompt = str(app.screen.query_one(".dialog-text").render())
        assert "FS02's monitor missed 7 heartbeats in a row from FS01 (5 declare a failure)." \
            in prompt
        await press(pilot, "escape")  # the failure prompt: not now
        assert cell(app, "missed") == "5 of 5 (7 in a row)"


async def test_a_degraded_pair_says_why_on_the_monitor_tab_and_in_the_header(api):
    from core.protection.health import since_text

    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.state = PairState.PROTECTED
        await press(pilot, "ctrl+r")
        state = app.screen.query_one("#mon-state")
        assert str(state.render()) == "Protection status: Protected"
        api.target_down(NOW - 600)
        await press(pilot, "ctrl+r")
        at = since_text(NOW - 600, NOW)
        await wait_until(pilot, lambda: "Degraded" in str(state.render()), "the degraded state")
        assert str(state.render()) == (f"Protection status: Degraded — Target unreachable since {at}"
                                       " — 18 operations queued (24.0 MB)")
        problems = str(app.screen.query_one("#mon-problems").render())
        assert problems == (f"▲ Target unreachable since {at}: the target engine on "
                            "127.0.10.12:7000 refused the connection")
        assert cell(app, "queue") == "18 operations (24.0 MB)"
        header = str(app.screen.query_one("#pair-header").render())
        assert "Degraded: Target unreachable" in header
        api.down_since = None  # the target is back
        await press(pilot, "ctrl+r")
        await wait_until(pilot, lambda: str(state.render()) == "Protection status: Protected",
                       "Protected again")
        assert "Degraded" not in str(app.screen.query_one("#pair-header").render())
