"""The failover question offers a graceful failover where the application has one (F-9.2,
key g), and a plan stopped part-way can be aborted, or the pair unprotected, from the console."""

from __future__ import annotations

from textual.widgets import Button, RichLog, Static

from core.model.state import PairState
from tests.tui.tui_helpers import make_app, press, reopen_pair, settle
from tui.screens.confirm import ConfirmScreen
from tui.screens.failover_confirm import FailoverConfirmScreen
from tui.screens.steps import StepsScreen


def _log(screen: StepsScreen) -> str:
    return " ".join(" ".join(str(line.text) for line in screen.query_one(RichLog).lines).split())


async def _failover_question(pilot, app, api) -> FailoverConfirmScreen:  # noqa: ANN001
    await settle(pilot)
    api.state = PairState.PROTECTED
    api.fail_source()
    await press(pilot, "ctrl+r")
    assert isinstance(app.screen, ConfirmScreen)  # the failure prompt: not now
    await press(pilot, "escape")
    await press(pilot, "F")
    question = app.screen
    assert isinstance(question, FailoverConfirmScreen)
    return question


async def test_g_runs_a_graceful_failover_where_the_application_has_one(api):
    reopen_pair(api)
    api.tabs.graceful_failover = lambda app_id: True
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        question = await _failover_question(pilot, app, api)
        keys = str(question.query_one("#failover-keys", Static).render())
        assert keys == "y Fail over · g Graceful · n Cancel"
        text = str(question.query_one("#failover-text", Static).render())
        assert "drain (at most 60 s), stop FS01's services, then start FS02's" in text
        await press(pilot, "g")
        assert isinstance(app.screen, StepsScreen)
        assert api.called("graceful") == [(60.0,)] and api.called("failover") == [()]


async def test_the_file_server_question_has_no_graceful_choice(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        question = await _failover_question(pilot, app, api)
        assert str(question.query_one("#failover-keys", Static).render()) == "y Fail over · n Cancel"
        assert not question.query("#graceful")
        await press(pilot, "g")  # not offered: nothing happens
        assert app.screen is question
        await press(pilot, "y")
        assert isinstance(app.screen, StepsScreen)
        assert api.called("graceful") == [] and api.called("failover") == [()]


async def test_a_stuck_failover_is_aborted_from_the_console(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.state = PairState.FAILING_OVER
        await press(pilot, "ctrl+r")
        await press(pilot, "A")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        steps = app.screen
        assert isinstance(steps, StepsScreen)
        assert api.called("abort") == [("FS01", "FS02")]
        assert "Steps that did not run: post-failover: dns-failover" in _log(steps)


async def test_disable_of_a_stuck_pair_asks_then_aborts_first(api):
    reopen_pair(api)
    app = make_app(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        api.state = PairState.FAILING_OVER
        await press(pilot, "ctrl+r")
        await press(pilot, "e")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert "stopped part-way" in str(question.query_one(".dialog-text", Static).render())
        assert str(question.query_one("#yes", Button).label) == "Disable"
        await press(pilot, "y")
        assert api.called("disable") == [("FS01", "FS02", "force")]
