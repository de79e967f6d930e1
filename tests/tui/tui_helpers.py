"""Keyboard-only helpers shared by the TUI tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.messages import Prompt
from textual.pilot import Pilot
from textual.screen import Screen

from tui.screens.main import MainScreen
from tui.widgets.validation_pane import ValidationTable

if TYPE_CHECKING:
    from tests.tui.tui_fake_api import FakeApi
    from tui.app import AppmgrApp

_CHARS = {"space": " ", "enter": "\r", "tab": "\t"}
#: how long one worker or one round of messages may take before the test fails
#: (a bound against hanging, not a wait: a quiet console returns at once)
FLUSH_BOUND = 60.0
#: quiet rounds in a row that make the console settled
QUIET_ROUNDS = 1


def _busy(app) -> bool:
    return any(not w.is_finished for w in app.workers)


def _nodes(app) -> list:
    """The app and every node of every screen on the stack (a dialog's parent keeps
    receiving its workers' answers while the dialog is open)."""
    nodes = [app]
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children(with_self=True))
    return nodes


async def _flush(app) -> None:
    """Every running node handles what is queued for it now: a callback queued behind
    its messages runs only after them (Textual's own Pilot does this for one screen)."""
    loop = asyncio.get_running_loop()
    waiting = []
    for node in _nodes(app):
        done = loop.create_future()
        if node.is_running and node.call_later(_resolve, done):
            waiting.append(done)
    if waiting:
        _, late = await asyncio.wait(waiting, timeout=FLUSH_BOUND)
        if late:
            raise AssertionError(f"{len(late)} widgets did not handle their messages")


def _resolve(done: asyncio.Future) -> None:
    # a Python function: Textual reads a callback's signature, a builtin's is slow to read
    done.set_result(None)


def _work_queued(node) -> bool:
    """A message waits that is more than a wake-up call (a Prompt only asks the node
    to look at its idle work, which the screen's refresh below has done)."""
    return any(not isinstance(m, Prompt) for m in node._message_queue.values)


def _pending(app) -> str:
    """What still waits to happen (empty: nothing), in words for a failure message."""
    if app._exception is not None:
        raise app._exception
    if app.animator._animations:
        return "animating " + ", ".join(str(key[1]) for key in app.animator._animations)
    if _busy(app):
        return "workers " + ", ".join(w.name for w in app.workers if not w.is_finished)
    for node in _nodes(app):
        if not node.is_running and not node._closed:
            return f"{node!r} is still being mounted"
        if _work_queued(node) or node._next_callbacks:
            return f"{node!r} has messages queued"
    screen = app.screen
    if screen._callbacks or screen._layout_required or screen._recompose_required or (
            screen._dirty_widgets):
        return f"{screen!r} waits for a refresh"
    return ""


async def settle(pilot: Pilot, rounds: int = 60) -> None:
    """Wait until the console is quiet — a state, never a clock.

    Quiet: no worker running, no message, callback or mount pending on any node,
    nothing left to lay out — twice in a row, since a handled message may start a
    worker or post a message. CPU load only makes this take longer; it cannot make
    it return early (Pilot.pause() guesses idleness from CPU time, and on a busy
    machine a process that is not scheduled looks idle).
    """
    app = pilot.app
    quiet = 0
    why = ""
    for _ in range(rounds):
        running = [w for w in app.workers if not w.is_finished]
        if running:  # a cancelled one is not waited for (its wait() raises)
            await asyncio.wait([asyncio.ensure_future(_finish(w)) for w in running],
                               timeout=FLUSH_BOUND)
        if app.animator._animations:  # a scroll glides to its end (no clock of ours)
            await app.animator.wait_until_complete()
        await _flush(app)
        screen = app.screen
        if screen._callbacks or screen._layout_required or screen._dirty_widgets:
            screen._on_timer_update()  # lay out now and run call_after_refresh callbacks
            await _flush(app)
        why = _pending(app)
        quiet = 0 if why else quiet + 1
        if quiet == QUIET_ROUNDS:
            return
    # a console kept busy by its own clock (a 1 s refresh timer outpacing a round on a
    # loaded machine) is left as it is, as Pilot would; snapshots still check toasts
    return


async def _finish(worker) -> None:
    with contextlib.suppress(Exception):  # cancelled or failed: finished all the same
        await worker.wait()


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys, then settle.

    Printable characters go in one batch (a fast typist); after any other key
    the console settles, so the next key meets the state this one left.
    """
    app = pilot.app
    for index, key in enumerate(keys):
        char = key if len(key) == 1 else _CHARS.get(key)
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, char)
        event.set_sender(app)
        app.post_message(event)  # queued now (the driver would queue it a loop turn later)
        typing_on = len(key) == 1 and index + 1 < len(keys) and len(keys[index + 1]) == 1
        if not typing_on:
            await settle(pilot)


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
    table = pilot.app.screen.query_one("#val-table", ValidationTable)
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
    from tests.tui.tui_fake_estate import LastPair

    api._settings.load_last_pair = True
    api._settings.last_pair = LastPair(app, source, target)
    api.logged_in.update({source, target})


def make_app(api: FakeApi, *, preselect_app: str | None = "fileprint", advanced: bool = False,
             clock: Callable[[], float] | None = None) -> AppmgrApp:
    """The console over the fake façade, File server preselected, time fixed."""
    from tests.tui.tui_fake_estate import NOW
    from tui.app import AppmgrApp

    # the fake is every service at once, not an instance of each service class
    return AppmgrApp(api, preselect_app=preselect_app, advanced=advanced,  # type: ignore[arg-type]
                     clock=clock or (lambda: NOW))


def screen_lines(app) -> list[str]:
    """The screen as the terminal shows it, one string per row (no styles)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def until(pilot: Pilot, state, limit: int = 200) -> None:  # noqa: ANN001 - a predicate
    """Let the app run until ``state()`` holds: for a chain of messages and workers that
    ``settle`` may see idle between two hops (e.g. a pair reopened on startup)."""
    for _ in range(limit):
        if state():
            return
        await settle(pilot)
    raise AssertionError("the app never reached the awaited state")


def top_screen(app: App[Any]) -> Screen[object]:
    """The screen on top now (a call: mypy keeps no earlier isinstance narrowing of it)."""
    return app.screen


def main_screen(app: App[Any]) -> MainScreen:
    """The main screen, which must be the one on top."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def wait_until(pilot: Pilot[Any], holds: Callable[[], object], what: str = "the state",
                     limit: float = 60.0) -> None:
    """Wait until ``holds()`` is true: after the app's workers end and its messages are
    handled, each time, so a worker's posted result or a timer's effect is seen as soon
    as it is there. ``limit`` only ends a broken test (a busy CI machine is slow)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not holds():
        assert loop.time() < deadline, f"{what} did not happen within {limit} s"
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
