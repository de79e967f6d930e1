"""Snapshots (pytest-textual-snapshot) of every screen: every Configure Protection tab
of every application at 80×24 and at 120×40, Setup per application, the application
dialogs, and the other screens — at 80×24, some also at 120×40 (each snapshot costs
~1.3 s: the suite must stay within a few minutes).

The fake façade fixes time and data, polls only on ctrl+r, so the pictures are
stable. Update after looking at them: ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from core.model.pair import Pair
from core.model.state import PairState
from tests.tui.tui_fake_api import FakeApi
from tests.tui.tui_helpers import focus_on, make_app, press, reopen_pair, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SMALL = (80, 24)
TABS = ["failover", "monitoring", "snapshots", "connection", "advanced"]
PAIRS = {"exchange": ("EXCH01", "EXCH02"), "sql": ("SQL01", "SQL02"),
         "fileprint": ("FS01", "FS02"), "sharepoint": ("SQL05A", "SQL05B"),
         "blackberry": ("BES01", "BES02")}


def shot(snap_compare, api: FakeApi, size, *keys: str, app_id: str = "fileprint",
         advanced: bool = False, steps=None, toasts: tuple[str, ...] = ()) -> bool:
    """The picture of the settled console after ``keys`` and ``steps``.

    Settled is a state (tui_helpers.settle), never a time. Toasts are transient —
    they expire on a clock — so the picture is taken without them, after checking
    that exactly the ``toasts`` expected were raised (a stray one, such as
    "Reading the pair's state…" from a key pressed too early, fails here by name).
    """
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        for key in keys:
            await press(pilot, key)
        if steps is not None:
            await steps(pilot)
        await settle(pilot)
        assert tuple(raised) == toasts, f"toasts raised: {raised}"
        pilot.app.clear_notifications()
        await settle(pilot)

    app = make_app(api, preselect_app=app_id, advanced=advanced)
    raised: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs: object) -> None:
        raised.append(message)
        notify(message, **kwargs)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    return snap_compare(app, terminal_size=size, run_before=run_before)


def paired(app_id: str = "fileprint", advanced: bool = False) -> FakeApi:
    api = FakeApi()
    api.advanced = advanced
    reopen_pair(api, *PAIRS[app_id], app=app_id)
    return api


# --- Setup (F-5) -------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_main_setup(snap_compare, size):
    assert shot(snap_compare, paired(), size)


@pytest.mark.parametrize("app_id", ["exchange", "sql", "blackberry"])
def test_setup_of_application(snap_compare, app_id):
    assert shot(snap_compare, paired(app_id), SMALL, app_id=app_id)


def test_setup_discovery_nosqlsearch(snap_compare):
    api = FakeApi()
    api.nosqlsearch = True
    assert shot(snap_compare, api, SMALL, app_id="sql")


def test_sharepoint_get_config(snap_compare):
    async def steps(pilot: Pilot) -> None:
        await focus_on(pilot, "#front-end")
        await press(pilot, *"SP01", "enter", "enter", "enter")  # two logins

    assert shot(snap_compare, FakeApi(), SMALL, app_id="sharepoint", steps=steps)


# --- Configure Protection (F-6): every tab of every application --------------------------
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("app_id", list(PAIRS))
@pytest.mark.parametrize("tab", range(len(TABS)), ids=TABS)
def test_configure_tab(snap_compare, app_id, tab, size):
    advanced = app_id == "fileprint"  # one application shows the --advanced controls
    assert shot(snap_compare, paired(app_id, advanced), size, "c",
                *["ctrl+pagedown"] * tab, app_id=app_id, advanced=advanced)


@pytest.mark.parametrize("dialog", ["dns", "identity"])
def test_exchange_failover_dialogs(snap_compare, dialog):
    async def steps(pilot: Pilot) -> None:
        if dialog == "identity":
            await focus_on(pilot, "#f-failover-type")
            await press(pilot, "right", "space")
        await focus_on(pilot, f"#{dialog}-configure")
        await press(pilot, "enter")
        if dialog == "identity":
            await focus_on(pilot, "#f-failover-identity-spns")
            await press(pilot, "space")  # Exchange must not move SPNs: the warning

    assert shot(snap_compare, paired("exchange"), SMALL, "c", app_id="exchange", steps=steps)


# --- application dialogs (F-5.3, F-5.6, F-5.1) ------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_like_named_setup(snap_compare, size):
    api = FakeApi()
    api.logged_in.update({"EVS1", "EXNODE3"})

    async def steps(pilot: Pilot) -> None:
        await press(pilot, "enter", "down", "down", "enter")  # EVS1
        await press(pilot, "tab", "enter", "end", "enter")  # EVS1 (like-named)
        await press(pilot, *"EXNODE3", "enter")  # connect to a node of the standby cluster
        await press(pilot, *"127.0.10.160")

    assert shot(snap_compare, api, size, app_id="exchange", steps=steps)


def test_manage_sql_servers(snap_compare):
    async def steps(pilot: Pilot) -> None:
        await focus_on(pilot, "#find-name")
        await press(pilot, *"SQL01", "enter")
        await focus_on(pilot, "#find-current")
        await press(pilot, "home")
        await focus_on(pilot, "#find-test-sql")
        await press(pilot, "enter")

    assert shot(snap_compare, FakeApi(), SMALL, "Q", app_id="sql", steps=steps)


def test_domain_login(snap_compare):
    api = FakeApi()
    api.directory_denied = True
    assert shot(snap_compare, api, SMALL, app_id="exchange")


# --- the other screens --------------------------------------------------------------
def test_advanced_find(snap_compare):
    assert shot(snap_compare, FakeApi(), SMALL, "tab", "tab", "enter", "enter")


def test_login(snap_compare):
    assert shot(snap_compare, FakeApi(), SMALL, "enter", "down", "enter")


def test_validation_pane(snap_compare):
    assert shot(snap_compare, paired(), SMALL, "v")


def test_monitor_tab(snap_compare):
    api = paired()
    api.state = PairState.MIRRORING
    assert shot(snap_compare, api, (120, 40))


@pytest.mark.parametrize("size", SIZES)
def test_dashboard(snap_compare, size):
    """Four pairs: Protected, Degraded (why), Mirroring, Failed over; the second highlighted."""
    from tests.tui.tui_fake_dashboard import estate

    api = FakeApi()
    api.estate = estate()
    assert shot(snap_compare, api, size, "b", "down")


def test_dashboard_empty(snap_compare):
    assert shot(snap_compare, FakeApi(), SMALL, "b")


def test_failover_prompt(snap_compare):
    api = paired()
    api.fail_source()
    assert shot(snap_compare, api, SMALL)


def test_manage_snapshots(snap_compare):
    api = paired()
    api.state = PairState.PROTECTED
    for _ in range(2):
        api.snapshots.take_snapshot(Pair("fileprint", "FS01", "FS02"))
    assert shot(snap_compare, api, SMALL, "ctrl+r", "S")


def test_failover_to_which_point(snap_compare):
    api = paired()
    api.snapshots.take_snapshot(Pair("fileprint", "FS01", "FS02"))
    api.fail_source()
    assert shot(snap_compare, api, SMALL, "escape", "F")


def test_options(snap_compare):
    assert shot(snap_compare, paired(), SMALL, "o")


def test_log_viewer(snap_compare):
    assert shot(snap_compare, paired(), SMALL, "s")


def test_about(snap_compare):
    assert shot(snap_compare, paired(), SMALL, "a")


@pytest.mark.parametrize("new", [False, True], ids=["unlock", "create"])
def test_passphrase_dialog(snap_compare, new):
    """The credential file's passphrase (real mode, no desktop keyring): unlocking after
    a wrong passphrase, and choosing one for a new file."""
    from tui.screens.passphrase import PassphraseScreen

    error = "" if new else "Wrong passphrase for the credential file: type it again."

    async def steps(pilot: Pilot) -> None:
        await pilot.app.push_screen(PassphraseScreen(new, error))
        await press(pilot, *"secret")

    assert shot(snap_compare, FakeApi(), SMALL, steps=steps)
