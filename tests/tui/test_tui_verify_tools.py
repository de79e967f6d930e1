"""The console's Verify Target Data, Delegate Rights and Restore PF Tree (SPEC F-11):
each runs in a worker from its action key and shows what it found or changed."""

from __future__ import annotations

from textual.widgets import Input, RichLog, Static
from tui_helpers import make_app, notices, press, reopen_pair, settle

from core.model.state import PairState
from tui.screens.confirm import ConfirmScreen
from tui.screens.delegate_rights import DelegateRightsScreen
from tui.screens.steps import StepsScreen
from tui.screens.verify import VerifyScreen


def _log_text(screen: StepsScreen) -> str:
    return "\n".join(str(line.text) for line in screen.query_one(RichLog).lines)


def _state_text(screen: StepsScreen) -> str:
    return str(screen.query_one("#steps-state", Static).render())


async def test_verify_target_data_shows_each_database(api):
    reopen_pair(api, "SQL01", "SQL02", app="sql")
    api.state = PairState.PROTECTED
    app = make_app(api, preselect_app="sql")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+r")
        await press(pilot, "V")
        screen = app.screen
        assert isinstance(screen, VerifyScreen)
        await settle(pilot)
        assert api.called("verify_target_data") == [("SQL01", "SQL02", None)]
        text = _log_text(screen)
        assert "checking Sales on SQL02" in text
        assert "✔ MSSQLSERVER\\Sales — usable (8 pages checked)" in text
        assert "✔ MSSQLSERVER\\HR — usable" in text
        assert "The target's data is usable" in _state_text(screen)
        assert screen.ok is True
        await press(pilot, "escape")
        assert not isinstance(app.screen, VerifyScreen)


async def test_verify_names_the_database_that_is_not_usable(api):
    reopen_pair(api, "SQL01", "SQL02", app="sql")
    api.state = PairState.PROTECTED
    api.verify_bad = frozenset({"Sales"})
    app = make_app(api, preselect_app="sql")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+r")
        await press(pilot, "V")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, VerifyScreen) and screen.ok is False
        text = _log_text(screen)
        assert "✖ MSSQLSERVER\\Sales — NOT usable" in text and "page 3" in text
        assert "✔ MSSQLSERVER\\HR — usable" in text
        assert "NOT usable: MSSQLSERVER\\Sales" in _state_text(screen)


async def test_verify_needs_a_protected_pair(api):
    reopen_pair(api, "SQL01", "SQL02", app="sql")
    app = make_app(api, preselect_app="sql")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "V")
        assert not isinstance(app.screen, VerifyScreen)
        assert api.called("verify_target_data") == []
        assert "Protection is not enabled." in notices(app)


async def test_delegate_rights_grants_and_says_so(api):
    app = make_app(api, preselect_app="exchange")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "D")
        screen = app.screen
        assert isinstance(screen, DelegateRightsScreen)
        assert app.focused is screen.query_one("#dr-account", Input)
        await press(pilot, *"LAB\\nosuch", "enter")
        await settle(pilot)
        result = screen.query_one("#dr-result", Static)
        assert "no account" in str(result.render())
        await press(pilot, "ctrl+u", *"LAB\\helpdesk", "enter")
        await settle(pilot)
        assert api.called("delegate_rights")[-1] == ("LAB\\helpdesk",)
        assert "LAB\\helpdesk is now a member of Exchange Organization Administrators" in str(
            result.render())
        await press(pilot, "escape")
        assert not isinstance(app.screen, DelegateRightsScreen)


async def test_restore_pf_tree_is_advanced_and_asks_first(api):
    reopen_pair(api, "EXCH01", "EXCH02", app="exchange")
    api.state = PairState.PROTECTED
    app = make_app(api, preselect_app="exchange")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+r")
        await press(pilot, "P")
        assert any("--advanced" in n for n in notices(app))
        app.screen.session.advanced = True  # as `appmgr --advanced` starts it
        await press(pilot, "P")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        await settle(pilot)
        steps = app.screen
        assert isinstance(steps, StepsScreen)
        assert api.called("restore_pf_tree") == [("EXCH01",)]
        assert "EXCH02: public folder tree of EXCH01 — 1 store(s) rejoined" in _log_text(steps)
