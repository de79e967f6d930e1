"""Many engines asked at once by one thread (core.engine.sweep): the same answers as
plain calls, each engine's errors its own, a stale kept connection asked again."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.engine.sweep import sweep
from core.errors import NotFound, Unreachable

from .harness import PORT, Server, client, servers_on

IPS = ("127.0.41.11", "127.0.41.12", "127.0.41.13")


@pytest.fixture
def three(tmp_path: Path) -> Iterator[list[Server]]:
    with servers_on(tmp_path, IPS) as servers:
        yield servers


def answer(got: object) -> dict[str, Any]:
    """One call's answer, which must be the engine's reply (not an error)."""
    assert isinstance(got, dict), got
    return got


def test_answers_in_order_each_engine_its_own(three: list[Server]) -> None:
    a, b, c = (s.client() for s in three)
    calls = [(a, "info", {}), (b, "info", {}), (a, "stats", {"name": "nope"}),
             (c, "info", {}), (b, "info", {})]
    got = sweep(calls, timeout=5)
    assert [answer(g)["hostname"] for g in (got[0], got[1], got[3], got[4])] == ["FS0", "FS1", "FS2",
                                                                       "FS1"]
    assert isinstance(got[2], NotFound)  # a refusal is that call's answer, not raised
    assert a.info()["hostname"] == "FS0"  # the clients stay usable for plain calls


def test_a_stopped_engine_is_unreachable_and_the_others_answer(three: list[Server]) -> None:
    a, b, c = (s.client() for s in three)
    sweep([(x, "info", {}) for x in (a, b, c)], timeout=5)
    three[1].stop()
    got = sweep([(x, "info", {}) for x in (a, b, c)], timeout=5)
    assert answer(got[0])["hostname"] == "FS0" and answer(got[2])["hostname"] == "FS2"
    assert isinstance(got[1], Unreachable) and IPS[1] in str(got[1])


def test_a_stale_kept_connection_is_asked_again_on_a_fresh_one(three: list[Server]) -> None:
    a = three[0].client()
    assert answer(sweep([(a, "info", {})], timeout=5)[0])["hostname"] == "FS0"
    three[0].stop()
    three[0].start()  # the kept connection is now closed by the engine
    assert answer(sweep([(a, "info", {})], timeout=5)[0])["hostname"] == "FS0"


def test_window_of_one_still_asks_everyone(three: list[Server]) -> None:
    clients = [s.client() for s in three]
    got = sweep([(x, "info", {}) for x in clients * 2], timeout=5, window=1)
    assert [answer(g)["hostname"] for g in got] == ["FS0", "FS1", "FS2"] * 2


def test_an_engine_that_never_answers_is_unreachable_after_the_timeout() -> None:
    """A peer that takes the request and says nothing (a hung engine)."""
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.41.19", PORT))
    lsock.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(lsock.accept()[0]), daemon=True).start()
    mute = client("127.0.41.19", PORT)
    # the connection as if opened earlier (a hung engine still completed its handshake)
    mute._sock = socket.create_connection(("127.0.41.19", PORT))  # noqa: SLF001
    t0 = time.monotonic()
    [got] = sweep([(mute, "info", {})], timeout=0.5)
    assert isinstance(got, Unreachable) and "did not answer" in str(got)
    assert time.monotonic() - t0 < 5 and not mute.connected
    lsock.close()
