"""Engine security against real engine processes (127.0.82.x): TLS with the
estate's certificates, protocol versions, bounded frames, authenticated
heartbeats, and state directories from before TLS."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.engine import auth, handshake, pki, protocol, tls
from core.engine.client import EngineClient
from core.engine.heartbeat import Prober, monitor_key, parse_request, reply, request
from core.errors import AuthFailed
from core.model.rules import Rule

from .harness import (
    REPO,
    Server,
    console_identity,
    estate_ca,
    free_port,
    spawn_engine,
    wait_for,
)

NET = "127.0.82"
PORT = free_port(NET)
SET = "secure"
RULES = [Rule("E:\\Shares\\Data")]


class Engine:
    """A real engine process whose log (stderr, level WARNING) is a file we can read."""

    def __init__(self, tmp_path: Path, name: str, last: int) -> None:
        self.server = Server(tmp_path / name, f"{NET}.{last}", port=PORT)
        self.log = tmp_path / f"{name}.log"
        self._fh = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = spawn_engine(self.server, stderr=self._fh)  # type: ignore[arg-type]

    @property
    def ip(self) -> str:
        return self.server.ip

    def logged(self, text: str) -> bool:
        return text in self.log.read_text()

    def serves(self) -> bool:
        """The engine still answers a console (a fresh connection)."""
        c = self.server.client()
        try:
            return c.info()["port"] == PORT
        finally:
            c.close()

    def stop(self) -> None:
        self.server.stop()
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self._fh.close()


@pytest.fixture
def engines(tmp_path: Path) -> Iterator[list[Engine]]:
    started: list[Engine] = []
    yield started
    for e in started:
        e.stop()


def identity(role: str, ca: pki.Issued | None = None) -> tls.Identity:
    ca = ca or estate_ca()
    mine = pki.issue(ca, role, f"test {role}")
    return tls.Identity(ca.cert_pem, mine.cert_pem, mine.key_pem)


def tls_socket(ip: str, ident: tls.Identity | None) -> ssl.SSLSocket:
    """A TLS connection to the engine as ``ident`` (None: no certificate at all)."""
    if ident is None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.load_verify_locations(cadata=estate_ca().cert_pem)
    else:
        ctx = tls.client_context(ident)
    raw = socket.create_connection((ip, PORT), timeout=5)
    return ctx.wrap_socket(raw)


def closed(sock: ssl.SSLSocket) -> bool:
    """The engine ended the connection (after an error frame, if it sent one)."""
    try:
        while True:
            protocol.recv_frame_sync(sock)
    except (ConnectionError, ssl.SSLError, OSError):
        return True


# --- TLS and versions --------------------------------------------------------------
def test_a_plain_text_peer_is_refused_and_logged(tmp_path: Path, engines) -> None:
    """A protocol-1 console or engine (plain text) connecting to an engine."""
    tgt = Engine(tmp_path, "FS02", 2)
    engines.append(tgt)
    with socket.create_connection((tgt.ip, PORT), timeout=5) as plain:
        plain.sendall(protocol.encode({"op": "hello", "channel": "admin", "user": "LAB\\x",
                                       "proof": "00"}))
        assert plain.recv(4096) == b""  # closed without a single frame
    wait_for(lambda: tgt.logged("it does not speak TLS"), 5, "the refusal in the log")
    assert tgt.serves()


def test_a_plain_text_target_is_refused_with_a_message(tmp_path: Path, engines) -> None:
    """Our source engine connecting to a protocol-1 target (plain text) says so, and
    sends it nothing of the set's token."""
    received: list[bytes] = []
    old = socket.socket()
    old.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    old.bind((f"{NET}.9", PORT))
    old.listen()

    def serve() -> None:
        with old:
            conn, _ = old.accept()
            with conn:
                protocol.send_frame_sync(conn, {"op": "challenge", "nonce": "00" * 32,
                                                "version": 1, "engine": "OLD"})
                received.append(conn.recv(65536))

    threading.Thread(target=serve, daemon=True).start()
    src = Engine(tmp_path, "FS01", 1)
    engines.append(src)
    s = src.server.client()
    s.create_set(SET, RULES)
    s.connect(SET, f"{NET}.9", PORT, "tok", replicate=False)
    wait_for(lambda: "plain text" in s.stats(SET).last_error, 10, "the refusal")
    assert "older than protocol version 2" in s.stats(SET).last_error
    assert received and received[0][:1] == b"\x16"  # a TLS ClientHello, no hello frame


def test_an_old_protocol_version_is_refused_naming_both(tmp_path: Path, engines) -> None:
    tgt = Engine(tmp_path, "FS02", 3)
    engines.append(tgt)
    with tls_socket(tgt.ip, console_identity()) as sock:
        chal, _ = protocol.recv_frame_sync(sock)
        assert chal["version"] == protocol.PROTOCOL_VERSION == 5
        protocol.send_frame_sync(sock, {**handshake.admin_hello(), "version": 2})
        reply, _ = protocol.recv_frame_sync(sock)
    assert reply["op"] == "denied"
    assert "speaks engine protocol version 2, this side speaks version 5" in reply["message"]
    assert tgt.logged("version 2, this side speaks version 5")
    assert tgt.serves()


def test_a_client_without_the_estates_certificate_is_refused(tmp_path: Path,
                                                              engines) -> None:
    tgt = Engine(tmp_path, "FS02", 4)
    engines.append(tgt)
    other = identity(tls.ROLE_CONSOLE, pki.new_ca("other"))  # trusts our CA, not of it
    stranger = EngineClient(tgt.ip, PORT, tls.Identity(estate_ca().cert_pem, other.cert_pem,
                                                       other.key_pem))
    with pytest.raises(AuthFailed, match="refused our certificate"):
        stranger.info()
    wait_for(lambda: tgt.logged("its certificate was not issued by this estate's CA"), 5,
             "the refusal of another CA's certificate")
    with pytest.raises((ssl.SSLError, ConnectionError)), tls_socket(tgt.ip, None) as sock:
        protocol.recv_frame_sync(sock)  # TLS 1.3: the refusal shows on the first read
    wait_for(lambda: tgt.logged("it presented no certificate"), 5, "no certificate")
    with tls_socket(tgt.ip, identity(tls.ROLE_ENGINE)) as sock:  # an engine is no admin
        protocol.recv_frame_sync(sock)
        protocol.send_frame_sync(sock, handshake.admin_hello())
        reply, _ = protocol.recv_frame_sync(sock)
    assert reply["op"] == "denied" and "needs the console's" in reply["message"]
    assert tgt.serves()


# --- bounded frames ----------------------------------------------------------------
def test_an_oversized_header_drops_the_connection(tmp_path: Path, engines) -> None:
    tgt = Engine(tmp_path, "FS02", 5)
    engines.append(tgt)
    with tls_socket(tgt.ip, console_identity()) as sock:
        protocol.recv_frame_sync(sock)
        sock.sendall(protocol.PREFIX.pack(protocol.MAGIC, protocol.MAX_HEADER + 1, 0))
        assert closed(sock)
    wait_for(lambda: tgt.logged("frame header too large"), 5, "the drop in the log")
    assert tgt.serves()


def open_data_channel(ip: str, token: str) -> ssl.SSLSocket:
    sock = tls_socket(ip, identity(tls.ROLE_ENGINE))
    chal, _ = protocol.recv_frame_sync(sock)
    protocol.send_frame_sync(sock, handshake.data_hello(chal, SET, auth.token_key(token)))
    assert protocol.recv_frame_sync(sock)[0]["op"] == "welcome"
    protocol.send_frame_sync(sock, {"op": "begin", "rules": [r.to_dict() for r in RULES]})
    assert protocol.recv_frame_sync(sock)[0]["op"] == "ready"
    return sock


def test_a_decompression_bomb_drops_the_channel(tmp_path: Path, engines) -> None:
    """A chunk claiming 1 MiB that inflates to 256 MiB: refused after 1 MiB + 1 byte."""
    tgt = Engine(tmp_path, "FS02", 6)
    engines.append(tgt)
    tgt.server.client().accept(SET, "tok")
    bomb = zlib.compress(b"\0" * (256 << 20), 9)
    assert len(bomb) < 300_000
    with open_data_channel(tgt.ip, "tok") as sock:
        protocol.send_frame_sync(sock, {"op": "file", "path": "E:\\Shares\\Data\\bomb.bin",
                                        "size": 1 << 20, "mtime_ns": 0, "chunked": True,
                                        "seq": 1})
        protocol.send_frame_sync(sock, {"op": "chunk", "raw": 1 << 20, "z": True}, bomb)
        reply, _ = protocol.recv_frame_sync(sock)
        assert reply["op"] == "error" and "inflates beyond" in reply["message"]
        assert closed(sock)
    assert not (tgt.server.data / "bomb.bin").exists()
    assert tgt.serves()


def test_payload_bounds_in_process() -> None:
    assert protocol.inflate(zlib.compress(b"x" * 100), 100, 100) == b"x" * 100
    with pytest.raises(protocol.FrameError, match="inflates beyond"):
        protocol.inflate(zlib.compress(b"x" * 101), 1000, 100)
    with pytest.raises(protocol.FrameError, match="truncated"):
        protocol.inflate(zlib.compress(b"x" * 100)[:-4], 100)
    with pytest.raises(protocol.FrameError, match="corrupt"):
        protocol.inflate(b"not zlib", 100)


# --- heartbeats ----------------------------------------------------------------------
def test_forged_and_replayed_heartbeats_are_ignored(tmp_path: Path, engines) -> None:
    src = Engine(tmp_path, "FS01", 7)
    engines.append(src)
    src.server.client().accept(SET, "tok")  # the engine now holds the set's key
    key = monitor_key(auth.token_key("tok"), SET)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(5)
        udp.bind((f"{NET}.100", 0))
        genuine = request(key, SET, 1000, b"n" * 16)
        udp.sendto(genuine, (src.ip, PORT))
        assert udp.recv(256) == reply(key, SET, 1000, b"n" * 16)

        udp.sendto(genuine, (src.ip, PORT))  # the same request again
        wait_for(lambda: src.logged("ignored a replayed heartbeat"), 5, "replay logged")
        forged = request(b"k" * 32, SET, 2000, b"f" * 16)
        udp.sendto(forged, (src.ip, PORT))
        wait_for(lambda: src.logged("ignored a forged heartbeat"), 5, "forgery logged")
        udp.setblocking(False)
        with pytest.raises(BlockingIOError):  # neither was answered
            udp.recv(256)
        udp.setblocking(True)
        fresh = request(key, SET, 1001, b"m" * 16)
        udp.sendto(fresh, (src.ip, PORT))
        assert udp.recv(256) == reply(key, SET, 1001, b"m" * 16)


async def test_the_prober_ignores_forged_and_replayed_replies() -> None:
    """The failover monitor's side: a forged "alive" or an old reply sent again does
    not count as a heartbeat."""
    import asyncio

    set_key = auth.token_key("tok")
    key = monitor_key(set_key, SET)
    seen: list[bytes] = []
    mode = {"answer": "forged"}

    class Fake(asyncio.DatagramProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.t = transport

        def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
            name, seq, nonce, _ = parse_request(data) or ("", 0, b"", b"")
            good = reply(key, name, seq, nonce)
            if mode["answer"] == "forged":
                out = reply(b"x" * 32, name, seq, nonce)
            elif mode["answer"] == "replayed":
                out = seen[0]
            else:
                out = good
            seen.append(good)
            self.t.sendto(out, addr)  # type: ignore[attr-defined]

    loop = asyncio.get_running_loop()
    fake, _ = await loop.create_datagram_endpoint(Fake, local_addr=(f"{NET}.101", 0))
    port = fake.get_extra_info("sockname")[1]
    prober = await Prober.create(f"{NET}.102")
    try:
        assert await prober.probe(f"{NET}.101", port, 0.5, SET, set_key) is None
        assert prober.ignored.counts == {"forged": 1}
        mode["answer"] = "genuine"
        assert await prober.probe(f"{NET}.101", port, 2.0, SET, set_key) is not None
        mode["answer"] = "replayed"
        assert await prober.probe(f"{NET}.101", port, 0.5, SET, set_key) is None
        assert prober.ignored.counts == {"forged": 1, "replayed or late": 1}
    finally:
        prober.close()
        fake.close()


# --- state from before TLS -------------------------------------------------------------
def test_a_state_directory_without_certificates_is_refused(tmp_path: Path) -> None:
    """A protocol-1 engine's state (engine.json format 1, no tls/): the engine says what
    is missing instead of serving without TLS."""
    state = tmp_path / "engine"
    state.mkdir()
    (state / "engine.json").write_text(json.dumps({
        "format": 1, "sets": {}, "monitors": {}, "connections": {},
        "accepts": {SET: {"key": auth.token_key("tok")}}}))
    proc = subprocess.run(
        [sys.executable, "-m", "core.engine", "--listen", f"{NET}.8", "--port", str(PORT),
         "--state", str(state), "--volume", f"E={tmp_path}", "--admins", "admins.json"],
        cwd=REPO, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert f"has no TLS certificate in {state / 'tls'}" in proc.stderr
    assert "--admins is ignored" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_old_state_gets_heartbeat_keys_from_its_set_keys(tmp_path: Path) -> None:
    from core.engine.state import StateStore

    store = StateStore(tmp_path)
    store.file.write_text(json.dumps({
        "format": 1, "accepts": {"a": {"key": "aa"}},
        "connections": {"c": {"target": "x", "port": 1, "key": "cc"}}}))
    assert store.load()["heartbeat_keys"] == {"a": "aa", "c": "cc"}
