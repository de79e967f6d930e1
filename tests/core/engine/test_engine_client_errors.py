"""EngineClient when the engine goes away mid-call: always a typed error with a
sentence naming the engine, never a raw socket or parsing exception.
Scripted engines (plain sockets in a thread) on 127.0.66.x."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.engine import auth, handshake, protocol
from core.engine.client import EngineClient
from core.errors import ProtocolError, Unreachable

from .harness import PASSWORD, USER, Server, free_port

NET = "127.0.66"
PORT = free_port(NET)
Script = Callable[[socket.socket, int], None]


class ScriptedEngine:
    """Accepts connections and runs ``script(conn, n)`` for the n-th one (from 0)."""

    def __init__(self, ip: str, script: Script) -> None:
        self.script = script
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((ip, PORT))
        self.sock.listen()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        n = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, contextlib.suppress(OSError):  # the client went away first
                self.script(conn, n)
            n += 1

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(5)


@pytest.fixture
def scripted() -> Iterator[Callable[[int, Script], EngineClient]]:
    engines: list[ScriptedEngine] = []
    clients: list[EngineClient] = []

    def make(last: int, script: Script) -> EngineClient:
        engines.append(ScriptedEngine(f"{NET}.{last}", script))
        clients.append(EngineClient(f"{NET}.{last}", PORT, USER, PASSWORD, timeout=2.0))
        return clients[-1]

    yield make
    for c in clients:
        c.close()
    for e in engines:
        e.close()


def sign_in(conn: socket.socket) -> None:
    protocol.send_frame_sync(conn, handshake.challenge(auth.make_nonce(), "FAKE"))
    protocol.recv_frame_sync(conn)
    protocol.send_frame_sync(conn, {"op": "welcome"})


def test_engine_closes_after_reading_the_request(scripted) -> None:
    def script(conn: socket.socket, _n: int) -> None:
        sign_in(conn)
        protocol.recv_frame_sync(conn)

    with pytest.raises(Unreachable, match=f"{NET}.30:{PORT} closed the connection"):
        scripted(30, script).info()


def test_engine_stops_halfway_through_its_reply(scripted) -> None:
    def script(conn: socket.socket, _n: int) -> None:
        sign_in(conn)
        protocol.recv_frame_sync(conn)
        frame = protocol.encode({"ok": True, "result": {"version": "x"}})
        conn.sendall(frame[: len(frame) // 2])

    with pytest.raises(Unreachable, match="closed the connection"):
        scripted(31, script).info()


def test_engine_stops_while_signing_in(scripted) -> None:
    def script(conn: socket.socket, _n: int) -> None:
        protocol.send_frame_sync(conn, handshake.challenge(auth.make_nonce(), "FAKE"))

    with pytest.raises(Unreachable, match="closed the connection while signing in"):
        scripted(32, script).info()


@pytest.mark.parametrize("bad", ["reply", "nonce"])
def test_garbage_is_a_protocol_error(scripted, bad: str) -> None:
    def script(conn: socket.socket, _n: int) -> None:
        if bad == "nonce":
            protocol.send_frame_sync(conn, {"op": "challenge", "nonce": "not hex"})
            return
        sign_in(conn)
        protocol.recv_frame_sync(conn)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    with pytest.raises(ProtocolError, match=f"{NET}.33:{PORT}"):
        scripted(33, script).info()


def test_a_stale_connection_is_reopened_once(scripted) -> None:
    def script(conn: socket.socket, n: int) -> None:
        sign_in(conn)
        while True:
            protocol.recv_frame_sync(conn)
            protocol.send_frame_sync(conn, {"ok": True, "result": {"n": n}})
            if n == 0:
                return  # the first connection ends after one answer

    client = scripted(34, script)
    assert client.info() == {"n": 0}
    assert client.info() == {"n": 1}


def test_engine_stopped_between_calls(tmp_path: Path, admins: Path) -> None:
    srv = Server(tmp_path / "FS01", f"{NET}.35", admins, port=PORT).start()
    client = srv.client()
    assert client.info()["hostname"] == "FS01"
    srv.stop()
    with pytest.raises(Unreachable, match="refused the connection"):
        client.info()
    client.close()
