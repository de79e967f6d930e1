"""Keyboard-only helpers shared by the TUI tests."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

_CHARS = {"space": " ", "enter": "\r", "tab": "\t"}


async def settle(pilot: Pilot) -> None:
    """Let workers finish and their messages be handled (no sleeping on a clock).

    A finished worker's message may start another worker, hence the loop.
    """
    for _ in range(8):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys, then settle.

    Printable characters go in one batch (a fast typist); any other key is
    handled through bindings that bubble to the app, so the next key waits
    for it. Cheaper than Pilot.press's idle wait after every key.
    """
    app = pilot.app
    for index, key in enumerate(keys):
        char = key if len(key) == 1 else _CHARS.get(key)
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, char)
        event.set_sender(app)
        app._driver.send_message(event)
        typing_on = len(key) == 1 and index + 1 < len(keys) and len(keys[index + 1]) == 1
        if not typing_on:
            screen = app.screen
            await pilot.pause()
            if app.screen is not screen:  # a dialog opened or closed: let it settle
                await settle(pilot)
    await settle(pilot)


async def choose_pair(pilot: Pilot, source_down: int = 1, target_down: int = 2) -> None:
    """From the Source field: open it, choose a server, log in; Tab, same for Target.

    ``*_down`` is how many ↓ from the blank entry (FS01 = 1, FS02 = 2, FS03 = 3).
    """
    await press(pilot, "enter", *["down"] * source_down, "enter")
    await press(pilot, "enter")  # the login dialog has the lab account filled in
    await press(pilot, "tab", "enter", *["down"] * target_down, "enter")
    await press(pilot, "enter")


async def validate_and_fix(pilot: Pilot) -> None:
    """v (the results table takes the focus), then f on the fixable error row."""
    await press(pilot, "v")
    table = pilot.app.screen.query_one("#val-table")
    assert pilot.app.focused is table
    row = table.get_row_index("engine.running")
    await press(pilot, "ctrl+home", *["down"] * row, "f")


def notices(app) -> list[str]:
    """Messages of the notifications on show (Textual keeps them on the app)."""
    return [n.message for n in app._notifications]


def reopen_pair(api, source: str = "FS01", target: str = "FS02") -> None:
    """Settings that reopen a pair on start (F-4), credentials cached: no dialogs."""
    from tui_fake_estate import LastPair

    api._settings.load_last_pair = True
    api._settings.last_pair = LastPair("fileprint", source, target)
    api.logged_in.update({source, target})


def make_app(api, **kwargs: object):
    """The console over the fake façade, File server preselected, time fixed."""
    from tui_fake_estate import NOW

    from tui.app import AppmgrApp

    kwargs.setdefault("preselect_app", "fileprint")
    return AppmgrApp(api, clock=lambda: NOW, **kwargs)
