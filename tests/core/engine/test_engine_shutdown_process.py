"""Real engine processes stop cleanly on SIGTERM/SIGINT: exit code 0, state
persisted, nothing on stderr but log lines - mid-mirror, with a peer that does
not read, and during start-up. Addresses 127.0.66.x only."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from core.engine import handshake, protocol, tls
from core.model.rules import Rule

from .harness import (
    REPO,
    Server,
    console_identity,
    engine_argv,
    free_port,
    spawn_engine,
    wait_for,
)

NET = "127.0.66"
PORT = free_port(NET)
SET = "sigterm"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} engine (INFO|WARNING) ")
NEVER = ("Traceback", "CancelledError", "Exception in callback", "never retrieved",
         "destroyed but it is pending", "InvalidStateError")


def server(tmp_path: Path, name: str, last: int) -> Server:
    return Server(tmp_path / name, f"{NET}.{last}", port=PORT)


def assert_clean_exit(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> None:
    """Signal ``proc``; it must exit 0 with only log lines (no traceback) on stderr."""
    proc.send_signal(sig)
    try:
        rc = proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError("the engine did not stop within 5 s of the signal") from None
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert rc == 0, err
    assert not [m for m in NEVER if m in err], err
    assert all(LOG_LINE.match(line) for line in err.splitlines()), err


def stop_all(*procs: subprocess.Popen[str]) -> None:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


@pytest.mark.parametrize("compression", [0, 9])
def test_sigterm_mid_mirror(tmp_path: Path, compression: int) -> None:
    src = server(tmp_path, "FS01", 11)
    tgt = server(tmp_path, "FS02", 12)
    src.data.mkdir(parents=True)
    (src.data / "big.bin").write_bytes(os.urandom(16 << 20))
    for i in range(40):
        (src.data / f"f{i:02d}.bin").write_bytes(os.urandom(50_000))
    ps = spawn_engine(src, stderr=subprocess.PIPE)
    pt = spawn_engine(tgt, stderr=subprocess.PIPE)
    try:
        s, t = src.client(), tgt.client()
        s.create_set(SET, [Rule("E:\\Shares\\Data")])
        t.accept(SET, "tok")
        t.create_monitor(SET, [src.ip], PORT, "heartbeat", 0.05, 100, "all")
        s.connect(SET, tgt.ip, PORT, "tok", mirror_type="full", compression=compression)
        wait_for(lambda: s.stats(SET).bytes_sent > 0, 5, "the mirror under way")
        s.close()

        assert_clean_exit(ps)  # the source, mid-mirror
        assert not (src.state / "engine.ready").exists()
        assert SET in json.loads((src.state / "engine.json").read_text())["connections"]
        assert_clean_exit(pt)  # the target: its data channel just broke, its monitor runs
        assert not [n for _, _, files in os.walk(tgt.vol["E"]) for n in files
                    if n.startswith(".~appmgr.")]
        if compression:
            return
        pt = spawn_engine(tgt, stderr=subprocess.PIPE)  # state persisted: both resume
        ps = spawn_engine(src, stderr=subprocess.PIPE)
        s = src.client()
        wait_for(lambda: s.stats(SET).mirror_status == "complete", 5, "the resumed mirror")
        s.close()
        assert_clean_exit(ps)
        assert_clean_exit(pt)
    finally:
        stop_all(ps, pt)


def test_sigterm_with_a_peer_that_does_not_read(tmp_path: Path) -> None:
    """Replies the peer never reads pile up in the engine; it still stops (~1 s)."""
    srv = server(tmp_path, "FS01", 13)
    proc = spawn_engine(srv, stderr=subprocess.PIPE)
    try:
        with socket.socket() as raw:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            raw.connect((srv.ip, PORT))
            sock = tls.client_context(console_identity()).wrap_socket(raw)
            protocol.recv_frame_sync(sock)
            protocol.send_frame_sync(sock, handshake.admin_hello())
            assert protocol.recv_frame_sync(sock)[0]["op"] == "welcome"
            sock.setblocking(False)
            requests = protocol.encode({"op": "info", "args": {}}) * 1000
            refused_since = None  # the engine stopped reading: it is stuck writing replies
            while refused_since is None or time.monotonic() - refused_since < 0.2:
                try:
                    sock.send(requests)
                    refused_since = None
                except (BlockingIOError, ssl.SSLWantWriteError):
                    refused_since = refused_since or time.monotonic()
                    time.sleep(0.01)
            assert_clean_exit(proc)
    finally:
        stop_all(proc)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_start_up(tmp_path: Path, sig: int) -> None:
    """A signal that arrives while the engine starts stops it cleanly too (no kill by
    the signal, no KeyboardInterrupt), without a ready file left behind."""
    srv = server(tmp_path, "FS01", 14)
    proc = subprocess.Popen(engine_argv(srv), cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 5
        while not srv.state.exists():  # a millisecond: signal it as early as possible
            assert time.monotonic() < deadline, "the engine did not create its state directory"
            time.sleep(0.001)
        assert_clean_exit(proc, sig)
        assert not (srv.state / "engine.ready").exists()
        assert not (srv.state / "engine.pid").exists()
        assert (srv.state / "engine.json").exists()
    finally:
        stop_all(proc)
