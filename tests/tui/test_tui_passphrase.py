"""The first server login in real mode over SSH (issue 11's blocker): no desktop keyring,
so the real encrypted-file keyring asks its passphrase — in a dialog, from the worker
that needs it, never with getpass on the terminal Textual owns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from core.console import Console
from core.credentials.backend import CRYPTFILE_NAME, AppmgrCryptFileKeyring
from core.credentials.store import KeyringStore
from core.errors import AuthFailed, InvalidInput
from core.ports import Credential
from tests.core.apps.app_estate import make_world
from tests.core.doubles import ADMIN
from tests.tui.tui_helpers import settle, wait_until
from tui.app import AppmgrApp
from tui.screens.login import LoginScreen
from tui.screens.passphrase import DialogPassphrase, PassphraseScreen

PASSPHRASE = "correct horse battery"
GOOD = "Pa55-word"


def fast_keyring(path: Path, passphrase: Any) -> AppmgrCryptFileKeyring:
    kr = AppmgrCryptFileKeyring(path, passphrase)
    kr.time_cost, kr.memory_cost, kr.parallelism = 1, 8, 1  # cheap Argon2, tests only
    return kr


def on_file(tmp_path: Path) -> Credential | None:
    """What the encrypted file holds for SQL01, read with a fresh keyring."""
    return KeyringStore(fast_keyring(tmp_path / CRYPTFILE_NAME,
                                     lambda new: PASSPHRASE)).get("server", "SQL01")


@pytest.fixture
def real(tmp_path: Path) -> tuple[Console, DialogPassphrase]:
    """The real Console over the fake estate, with the real encrypted-file keyring asking
    through the console's dialog, and a server (host_as) that checks the password."""
    world = make_world(tmp_path)
    dialog = DialogPassphrase()
    world.ctx.secrets = KeyringStore(fast_keyring(tmp_path / CRYPTFILE_NAME, dialog),
                                     tmp_path / "idx.json")
    tried: list[str] = []

    def host_as(name: str, cred: Credential) -> Any:
        tried.append(cred.password)
        if cred != Credential(ADMIN, GOOD):
            raise AuthFailed(f"{name} refused the password or the account {cred.user}")
        return world.ctx.host(name)

    world.ctx.host_as = host_as
    return Console(world.ctx), dialog


def existing_file(tmp_path: Path) -> None:
    """A credential file made in an earlier session, holding nothing for SQL01."""
    store = KeyringStore(fast_keyring(tmp_path / CRYPTFILE_NAME, lambda new: PASSPHRASE))
    store.put("server", "OTHER", Credential(ADMIN, "x"))


def dialog_on(pilot: Pilot, error: str | None = None) -> Any:
    def check() -> bool:
        screen: Screen[Any] = pilot.app.screen
        if not isinstance(screen, PassphraseScreen) or not screen.is_mounted:
            return False
        return error is None or error in str(screen.query_one("#pp-error", Static).content)

    return check


async def choose_source(pilot: Pilot) -> None:
    """Source ▸ SQL01 with the keys a person presses (no settling: the check waits
    for the dialog)."""
    select = pilot.app.screen.query_one("#source", Select)
    values = [str(v) for _p, v in select._options]
    select.focus()
    await pilot.press("enter", *["down"] * values.index("SQL01"), "enter")


async def type_in(pilot: Pilot, text: str, *keys: str) -> None:
    await pilot.press(*text, *keys)


async def test_first_login_asks_the_passphrase_in_a_dialog_and_caches_only_what_the_server_accepted(  # noqa: E501
        tmp_path: Path, real: tuple[Console, DialogPassphrase]) -> None:
    console, dialog = real
    existing_file(tmp_path)
    app = AppmgrApp(console, preselect_app="sql")
    dialog.attach(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose_source(pilot)
        await wait_until(pilot, dialog_on(pilot))
        assert app.screen.query_one("#pp-error", Static).content == ""
        assert not app.screen.query("#pp-again")  # an existing file: asked once
        await type_in(pilot, "not the passphrase", "enter")
        # refused with a message in the dialog, and asked again
        await wait_until(pilot, dialog_on(pilot, "Wrong passphrase for the credential file"))
        await type_in(pilot, PASSPHRASE, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        login = app.screen
        await type_in(pilot, ADMIN, "enter")
        await type_in(pilot, "wrong", "enter")
        await wait_until(pilot, lambda: "refused the password or the account"
                       in str(login.query_one("#login-error", Static).content))
        assert on_file(tmp_path) is None  # a rejected password is not cached
        field = login.query_one("#login-password", Input)
        field.value = ""
        await type_in(pilot, GOOD, "enter")
        await wait_until(pilot, lambda: app.screen is not login)
        await settle(pilot)
        assert on_file(tmp_path) == Credential(ADMIN, GOOD)
        assert app.screen.query_one("#source", Select).value == "SQL01"


async def test_escape_cancels_with_a_message_and_never_hangs(
        tmp_path: Path, real: tuple[Console, DialogPassphrase]) -> None:
    console, dialog = real
    app = AppmgrApp(console, preselect_app="sql")
    dialog.attach(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose_source(pilot)
        await wait_until(pilot, dialog_on(pilot))
        assert app.screen.query("#pp-again")  # a new file: the passphrase twice
        await pilot.press("escape")
        await settle(pilot)  # the worker ended: nothing waits any more
        notes = str(app.screen.query_one("#pair-notes", Static).content)
        assert "the credential file stays locked" in notes
        assert not isinstance(app.screen, PassphraseScreen | LoginScreen)
        assert not (tmp_path / CRYPTFILE_NAME).exists()


async def test_new_file_passphrases_must_match(tmp_path: Path,
                                               real: tuple[Console, DialogPassphrase]) -> None:
    console, dialog = real
    app = AppmgrApp(console, preselect_app="sql")
    dialog.attach(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose_source(pilot)
        await wait_until(pilot, dialog_on(pilot))
        screen = app.screen
        await type_in(pilot, "one", "enter")
        await type_in(pilot, "two", "enter")
        assert app.screen is screen  # stays open
        assert "differ" in str(screen.query_one("#pp-error", Static).content)
        await type_in(pilot, "")  # the fields were cleared
        await type_in(pilot, PASSPHRASE, "enter", *PASSPHRASE, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert (tmp_path / CRYPTFILE_NAME).exists()
        assert on_file(tmp_path) is None  # the file exists; nothing in it for SQL01 yet


async def test_asked_on_the_ui_thread_it_refuses_at_once(
        real: tuple[Console, DialogPassphrase]) -> None:
    console, dialog = real
    app = AppmgrApp(console, preselect_app="sql")
    dialog.attach(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with pytest.raises(InvalidInput, match="locked"):
            dialog(False)  # the test runs on the app's thread: no deadlock, an error
    with pytest.raises(InvalidInput, match="not running"):
        dialog(False)


@pytest.mark.parametrize("file_given", [False, True])
def test_the_console_command_wires_the_dialog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              file_given: bool) -> None:
    """`appmgr` (real mode) builds its Console with the dialog as the passphrase source
    and hands the same dialog to the app; a configured file or fd replaces the dialog."""
    import signal

    from tests.core.doubles import make_world as plain_world
    from tui.cli import console_cmd
    from tui.cli.main import build_parser

    monkeypatch.setattr(signal, "signal", lambda *_a: None)  # not pytest's handlers
    monkeypatch.setattr(console_cmd, "_watch_terminal", lambda: None)
    if file_given:
        pf = tmp_path / "pp"
        pf.write_text(PASSPHRASE)
        pf.chmod(0o600)
        monkeypatch.setenv("APPMGR_PASSPHRASE_FILE", str(pf))
    else:
        monkeypatch.delenv("APPMGR_PASSPHRASE_FILE", raising=False)
    seen: dict[str, Any] = {}
    world = plain_world(tmp_path)

    def fake_context(paths: Any, settings: Any, domain: str, **kw: Any) -> Any:
        seen["passphrase"] = kw["passphrase"]
        return world.ctx

    def fake_run(api: Any, **kw: Any) -> int:
        seen["run"] = kw.get("passphrase")
        return 0

    monkeypatch.setattr("core.wiring.real_context", fake_context)
    monkeypatch.setattr("tui.run.run_tui", fake_run)
    assert console_cmd.open_console(build_parser().parse_args([])) == 0
    if file_given:
        assert seen["run"] is None and seen["passphrase"](False) == PASSPHRASE
    else:
        assert isinstance(seen["passphrase"], DialogPassphrase)
        assert seen["run"] is seen["passphrase"]
