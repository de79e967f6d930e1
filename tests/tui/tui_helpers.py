"""Keyboard-only helpers shared by the TUI tests."""

from __future__ import annotations

import asyncio

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

_CHARS = {"space": " ", "enter": "\r", "tab": "\t"}


def _running(pilot: Pilot) -> list:
    return [w for w in pilot.app.workers if not w.is_finished and not w.is_cancelled]


def _busy(pilot: Pilot) -> bool:
    return any(not w.is_finished for w in pilot.app.workers)


async def settle(pilot: Pilot) -> None:
    """Let workers finish and their messages be handled (no sleeping on a clock).

    A finished worker's message may start another worker, hence the loop.
    """
    for _ in range(8):
        await _wait_workers(pilot)
        await pilot.pause()
        if not _busy(pilot):
            return


async def _wait_workers(pilot: Pilot) -> None:
    running = _running(pilot)
    if running:  # a cancelled one is not waited for (its wait() raises)
        await asyncio.wait([asyncio.ensure_future(w.wait()) for w in running])


async def _drain(pilot: Pilot) -> None:
    """Like ``settle`` after a pause already taken: nothing more when no worker runs."""
    for _ in range(8):
        if not _busy(pilot):
            return
        await _wait_workers(pilot)
        await pilot.pause()


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
            if app.screen is not screen:  # a dialog opened or closed: let it mount
                await pilot.pause()
            await _drain(pilot)


async def choose_pair(pilot: Pilot, source_down: int = 1, target_down: int = 1) -> None:
    """From the Source field: open it, choose a server, log in; Tab, same for Target.

    ``*_down`` is how many ↓ from the blank entry (sources FS01 = 1, FS02 = 2, FS03 = 3;
    the targets leave the source out: FS01 → FS02 = 1, FS03 = 2).
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


async def focus_on(pilot: Pilot, selector: str, key: str = "tab", limit: int = 60) -> None:
    """Press ``key`` (Tab) until the widget matching ``selector`` has the focus."""
    target = pilot.app.screen.query_one(selector)
    for _ in range(limit):
        if pilot.app.focused is target:
            return
        await press(pilot, key)
    raise AssertionError(f"{selector} never took the focus with {key}")


def notices(app) -> list[str]:
    """Messages of the notifications on show (Textual keeps them on the app)."""
    return [n.message for n in app._notifications]


def reopen_pair(api, source: str = "FS01", target: str = "FS02", app: str = "fileprint") -> None:
    """Settings that reopen a pair on start (F-4), credentials cached: no dialogs."""
    from tui_fake_estate import LastPair

    api._settings.load_last_pair = True
    api._settings.last_pair = LastPair(app, source, target)
    api.logged_in.update({source, target})


def make_app(api, **kwargs: object):
    """The console over the fake façade, File server preselected, time fixed."""
    from tui_fake_estate import NOW

    from tui.app import AppmgrApp

    kwargs.setdefault("preselect_app", "fileprint")
    kwargs.setdefault("clock", lambda: NOW)
    return AppmgrApp(api, **kwargs)



async def until(pilot: Pilot, state, limit: int = 200) -> None:  # noqa: ANN001 - a predicate
    """Let the app run until ``state()`` holds: for a chain of messages and workers that
    ``settle`` may see idle between two hops (e.g. a pair reopened on startup)."""
    for _ in range(limit):
        if state():
            return
        await settle(pilot)
    raise AssertionError("the app never reached the awaited state")
