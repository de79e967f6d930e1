"""Snapshots of every screen at 80×24 and 120×40 (pytest-textual-snapshot).

The fake façade fixes time and data, polls only on ctrl+r, so the pictures are
stable. Update after looking at them: ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from tui_fake_api import FakeApi
from tui_helpers import make_app, press, reopen_pair, settle

from core.model.state import PairState

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
TABS = ["failover", "monitoring", "snapshots", "connection", "advanced"]


def shot(snap_compare, api: FakeApi, size, *keys: str, advanced: bool = False,
         linger: float = 0.0) -> bool:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        for key in keys:
            await press(pilot, key)
        if linger:  # a pressed button flashes for 0.2 s: take the picture after it
            await pilot.pause(linger)

    return snap_compare(make_app(api, advanced=advanced), terminal_size=size,
                        run_before=run_before)


def paired() -> FakeApi:
    api = FakeApi()
    reopen_pair(api)
    return api


@pytest.mark.parametrize("size", SIZES)
def test_main_setup(snap_compare, size):
    assert shot(snap_compare, paired(), size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", range(len(TABS)), ids=TABS)
def test_configure_tab(snap_compare, size, tab):
    assert shot(snap_compare, paired(), size, "c", *["right"] * tab, advanced=tab == 4)


@pytest.mark.parametrize("size", SIZES)
def test_advanced_find(snap_compare, size):
    assert shot(snap_compare, FakeApi(), size, "tab", "tab", "enter", "enter", linger=0.4)


@pytest.mark.parametrize("size", SIZES)
def test_login(snap_compare, size):
    assert shot(snap_compare, FakeApi(), size, "enter", "down", "enter")


@pytest.mark.parametrize("size", SIZES)
def test_validation_pane(snap_compare, size):
    assert shot(snap_compare, paired(), size, "v")


@pytest.mark.parametrize("size", SIZES)
def test_monitor_tab(snap_compare, size):
    api = paired()
    api.state = PairState.MIRRORING
    assert shot(snap_compare, api, size)


@pytest.mark.parametrize("size", SIZES)
def test_failover_prompt(snap_compare, size):
    api = paired()
    api.fail_source()
    assert shot(snap_compare, api, size)


@pytest.mark.parametrize("size", SIZES)
def test_options(snap_compare, size):
    assert shot(snap_compare, paired(), size, "o")


@pytest.mark.parametrize("size", SIZES)
def test_log_viewer(snap_compare, size):
    assert shot(snap_compare, paired(), size, "s")


@pytest.mark.parametrize("size", SIZES)
def test_about(snap_compare, size):
    assert shot(snap_compare, paired(), size, "a")
