"""EngineClient when the engine goes away mid-call, or is not an engine of the
estate: always a typed error with a sentence naming the engine, never a raw
socket, TLS or parsing exception. Scripted engines (sockets in a thread, TLS
with a certificate of the test CA unless a test says otherwise) on 127.0.66.x."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.engine import auth, handshake, pki, protocol, tls
from core.engine.client import EngineClient
from core.errors import AuthFailed, ProtocolError, Unreachable

from .harness import Server, client, estate_ca, free_port

NET = "127.0.66"
PORT = free_port(NET)
Script = Callable[[socket.socket, int], None]


class ScriptedEngine:
    """Accepts connections and runs ``script(conn, n)`` for the n-th one (from 0)."""

    def __init__(self, ip: str, script: Script, context: ssl.SSLContext | None) -> None:
        self.script = script
        self.context = context
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
                if self.context is None:
                    self.script(conn, n)
                else:
                    with self.context.wrap_socket(conn, server_side=True) as tconn:
                        self.script(tconn, n)
            n += 1

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(5)


@pytest.fixture
def scripted() -> Iterator[Callable[..., EngineClient]]:
    engines: list[ScriptedEngine] = []
    clients: list[EngineClient] = []

    def make(last: int, script: Script, ca: pki.Issued | None = None,
             plain: bool = False) -> EngineClient:
        """An engine on .last signed by ``ca`` (default: the test CA), or in plain text."""
        ca = ca or estate_ca()
        mine = pki.issue(ca, tls.ROLE_ENGINE, "FAKE")
        ctx = None if plain else tls.server_context(
            tls.Identity(ca.cert_pem, mine.cert_pem, mine.key_pem))
        engines.append(ScriptedEngine(f"{NET}.{last}", script, ctx))
        clients.append(client(f"{NET}.{last}", PORT, timeout=2.0))
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


def test_engine_stopped_between_calls(tmp_path: Path) -> None:
    srv = Server(tmp_path / "FS01", f"{NET}.35", port=PORT).start()
    client = srv.client()
    assert client.info()["hostname"] == "FS01"
    srv.stop()
    with pytest.raises(Unreachable, match="refused the connection"):
        client.info()
    client.close()


def test_a_plain_text_engine_is_refused_before_anything_is_sent(scripted) -> None:
    """An engine of protocol 1 (plain text: it greets first with a challenge frame)."""
    got: list[bytes] = []

    def script(conn: socket.socket, _n: int) -> None:
        protocol.send_frame_sync(conn, {"op": "challenge", "nonce": "00" * 32, "version": 1})
        got.append(conn.recv(4096))

    with pytest.raises(ProtocolError, match="answered in plain text, not TLS.*older than "
                                            "protocol version 2"):
        scripted(36, script, plain=True).info()
    assert not got or not got[0].startswith(protocol.MAGIC)  # no hello, let alone a proof


def test_an_engine_of_another_ca_is_refused(scripted) -> None:
    """A spoofed engine (its certificate from another CA) learns nothing: the client
    stops in the TLS handshake, before any frame."""
    frames: list[object] = []

    def script(conn: socket.socket, _n: int) -> None:
        frames.append(protocol.recv_frame_sync(conn))

    with pytest.raises(AuthFailed, match="certificate that this estate's CA did not issue"):
        scripted(37, script, ca=pki.new_ca("spoofed")).info()
    assert frames == []


def test_an_engine_of_a_newer_protocol_is_named(scripted) -> None:
    def script(conn: socket.socket, _n: int) -> None:
        protocol.send_frame_sync(conn, {**handshake.challenge(auth.make_nonce(), "FAKE"),
                                        "version": protocol.PROTOCOL_VERSION + 1})
        protocol.recv_frame_sync(conn)

    newer, ours = protocol.PROTOCOL_VERSION + 1, protocol.PROTOCOL_VERSION
    with pytest.raises(ProtocolError, match=f"speaks engine protocol version {newer}, this side "
                                            f"speaks version {ours}"):
        scripted(38, script).info()
