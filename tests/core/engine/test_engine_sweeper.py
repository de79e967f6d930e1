"""The dashboard's sweeps over kept connections (core.engine.sweep.Sweeper): one selector
kept from poll to poll must still see every engine's answer, a restart, a connection
number the system handed to another engine, and an engine that stops answering —
Unreachable within the sweep's timeout, never its last answer shown again."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.engine import protocol
from core.engine.sweep import Sweeper
from core.errors import Unreachable

from .harness import Server, servers_on

IPS = ("127.0.134.211", "127.0.134.212", "127.0.134.213")


@pytest.fixture
def three(tmp_path: Path) -> Iterator[list[Server]]:
    with servers_on(tmp_path, IPS) as servers:
        yield servers


@pytest.fixture
def sweeper() -> Iterator[Sweeper]:
    kept = Sweeper()
    yield kept
    kept.close()


def names(got: list[Any]) -> list[str]:
    assert all(isinstance(g, dict) for g in got), got
    return [g["hostname"] for g in got]


def test_poll_after_poll_with_one_selector_and_a_restart(three: list[Server],
                                                        sweeper: Sweeper) -> None:
    clients = [s.client() for s in three]
    for _ in range(3):  # the same kept connections, watched once
        assert names(sweeper.sweep([(c, "info", {}) for c in clients], 5)) == ["FS0", "FS1", "FS2"]
    three[1].stop()
    three[1].start()  # its kept connection is closed by the engine
    assert names(sweeper.sweep([(c, "info", {}) for c in clients], 5)) == ["FS0", "FS1", "FS2"]
    assert names(sweeper.sweep([(c, "info", {}) for c in clients], 5)) == ["FS0", "FS1", "FS2"]


def test_a_connection_number_reused_by_another_engine_is_watched_for_it(
        three: list[Server], sweeper: Sweeper) -> None:
    a, b = three[0].client(), three[1].client()
    assert names(sweeper.sweep([(a, "info", {})], 5)) == ["FS0"]
    assert a.sock is not None
    number = a.sock.fileno()
    a.close()  # the selector still holds that number for a's closed connection
    b.ensure_open()
    assert b.sock is not None and b.sock.fileno() == number  # the system reused it
    assert names(sweeper.sweep([(b, "info", {})], 5)) == ["FS1"]
    assert names(sweeper.sweep([(a, "info", {}), (b, "info", {})], 5)) == ["FS0", "FS1"]


def test_an_engine_that_stops_answering_is_unreachable_at_the_next_sweep(
        three: list[Server], sweeper: Sweeper) -> None:
    clients = [s.client() for s in three]
    assert names(sweeper.sweep([(c, "info", {}) for c in clients], 5)) == ["FS0", "FS1", "FS2"]
    hung = threading.Event()
    loop = three[2]._loop  # noqa: SLF001 - the engine's loop, blocked: it hangs
    assert loop is not None
    loop.call_soon_threadsafe(hung.wait, 30)
    try:
        t0 = time.monotonic()
        got = sweeper.sweep([(c, "info", {}) for c in clients], timeout=0.5)
        took = time.monotonic() - t0
        assert names(got[:2]) == ["FS0", "FS1"]
        assert isinstance(got[2], Unreachable) and "did not answer" in str(got[2])
        assert took < 3  # bounded by the timeout, not by the hung engine
        assert not clients[2].connected  # dropped: its late answer is never read as fresh
    finally:
        hung.set()
    assert names(sweeper.sweep([(c, "info", {}) for c in clients], 5)) == ["FS0", "FS1", "FS2"]


def test_a_reply_is_read_whole_however_it_arrives() -> None:
    ours, peer = socket.socketpair()
    with ours, peer:
        frame = protocol.encode({"ok": True, "result": {"x": 1}}, 3) + b"abc"
        for i in (1, 5, 17):  # in pieces: inside the prefix, the header, the payload
            peer.sendall(frame[:i])
            threading.Timer(0.05, peer.sendall, (frame[i:],)).start()
            assert protocol.recv_frame_sync(ours) == ({"ok": True, "result": {"x": 1}}, b"abc")


def test_more_than_the_frame_asked_for_is_a_broken_peer() -> None:
    ours, peer = socket.socketpair()
    with ours, peer:
        one = protocol.encode({"ok": True})
        peer.sendall(one + one)
        with pytest.raises(protocol.FrameError, match="more than the frame"):
            protocol.recv_frame_sync(ours)


def test_a_named_request_is_the_frame_a_call_sends() -> None:
    assert protocol.named_request("stats", "FS01") == \
        protocol.encode({"op": "stats", "args": {"name": "FS01"}})
