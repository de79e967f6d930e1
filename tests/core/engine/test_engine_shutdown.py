"""An engine stops cleanly: no traceback, no task left running, state persisted.

In-process engines run in the test's own event loop, whose exception handler
records everything asyncio would otherwise print ("Exception in callback",
"Task exception was never retrieved", "Task was destroyed but it is pending").
Addresses 127.0.66.x only, on a port of their own.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from core.engine import auth, handshake, protocol, tasks, tls
from core.engine.monitor import MonitorSpec
from core.engine.replicator import ConnSpec
from core.engine.scan import TMP_PREFIX
from core.engine.service import EngineService
from core.engine.volumes import VolumeMap
from core.model.rules import Rule

from .harness import console_identity, engine_identity, free_port

NET = "127.0.66"
PORT = free_port(NET)
SET = "shutdown"


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """Every context that reaches the running loop's exception handler."""
    loop = asyncio.get_running_loop()
    seen: list[dict[str, Any]] = []
    old = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, ctx: seen.append(ctx))
    yield seen
    loop.set_exception_handler(old)


def described(errors: list[dict[str, Any]]) -> list[str]:
    return [f"{c.get('message')}: {c.get('exception')!r}" for c in errors]


def engine(base: Path, last: int, vol_e: Path | None = None) -> EngineService:
    vol_e = vol_e or base / "E"
    vol_e.mkdir(parents=True, exist_ok=True)
    ip = f"{NET}.{last}"
    return EngineService(ip, PORT, base / "state", VolumeMap({"E": vol_e}),
                         engine_identity(base / "tls", base.name, ip), hostname=base.name)


async def admin_connection(svc: EngineService) -> tuple[asyncio.StreamReader,
                                                       asyncio.StreamWriter]:
    """A signed-in management connection to ``svc``."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills fast when not read
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (svc.listen, svc.port))
    reader, writer = await asyncio.open_connection(
        sock=sock, ssl=tls.client_context(console_identity()), server_hostname=svc.listen)
    await protocol.read_frame(reader)
    await protocol.write_frame(writer, handshake.admin_hello())
    welcome, _ = await protocol.read_frame(reader)
    assert welcome["op"] == "welcome"
    return reader, writer


async def poll(pred: Any, what: str, timeout: float = 4.0) -> None:
    async with asyncio.timeout(timeout):
        while not pred():
            await asyncio.sleep(0.005)
    assert pred(), what


def leftover_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


async def test_stop_while_a_connection_closes(tmp_path: Path,
                                              loop_errors: list[dict[str, Any]]) -> None:
    """The cause of the CancelledError traceback: a connection whose peer had just
    left was cancelled while closing; Python 3.11's stream server then logged
    "Exception in callback StreamReaderProtocol...callback" with a CancelledError.
    Stopping a few loop iterations after the peer left hits that window."""
    for k in range(12):
        svc = engine(tmp_path / f"FS{k}", 1)
        await svc.start()
        _, writer = await admin_connection(svc)
        writer.close()
        for _ in range(k):
            await asyncio.sleep(0)
        await svc.stop()
        for _ in range(5):  # room for late callbacks
            await asyncio.sleep(0)
        assert described(loop_errors) == [], f"stopped {k} iterations after the peer left"
        assert not svc.conn_tasks and not leftover_tasks()


async def test_stop_drops_a_peer_that_stopped_reading(
    tmp_path: Path, loop_errors: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client that sends requests but never reads the replies: the engine's
    replies pile up. Stopping used to wait for them forever (SIGTERM hung)."""
    monkeypatch.setattr(tasks, "CLOSE_TIMEOUT", 0.2)
    svc = engine(tmp_path / "FS01", 2)
    await svc.start()
    _, writer = await admin_connection(svc)
    request = protocol.encode({"op": "info", "args": {}}) * 1000
    loop, transport = asyncio.get_running_loop(), writer.transport
    deadline = loop.time() + 5
    while transport.get_write_buffer_size() == 0:  # until the kernel's buffers are full
        assert loop.time() < deadline, "the engine kept reading everything"
        for _ in range(20):
            writer.write(request)
        await asyncio.sleep(0.01)
    # the engine stops reading once its replies fill every buffer: our queue stops
    # shrinking. A slow (loaded) engine may still drain it for a while: keep it fed
    # until it holds still, not empty, for three looks in a row
    queued, still = -1, 0
    while still < 3:
        assert loop.time() < deadline + 10, "the engine never stopped reading"
        now = transport.get_write_buffer_size()
        if now == 0:
            writer.write(request)
        still = still + 1 if now == queued and now > 0 else 0
        queued = now
        await asyncio.sleep(0.05)
    assert queued > 0  # the engine really stopped reading: the stall this test is about
    async with asyncio.timeout(4):
        await svc.stop()
    assert described(loop_errors) == [] and not svc.conn_tasks
    writer.transport.abort()


@pytest.fixture(scope="module")
def payload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A source volume E: with one large file and many small ones (~28 MB)."""
    vol = tmp_path_factory.mktemp("payload") / "E"
    data = vol / "Data"
    (data / "many").mkdir(parents=True)
    with open(data / "big.bin", "wb") as fh:
        for _ in range(6):
            fh.write(os.urandom(4 << 20))
    for i in range(120):
        (data / "many" / f"f{i:03d}.bin").write_bytes(os.urandom(32_000))
    return vol


@pytest.mark.parametrize("first,compression", [
    ("source", 0), ("target", 0), ("source", 6), ("both", 0),
])
async def test_stop_mid_mirror_leaves_nothing_running(
    tmp_path: Path, payload: Path, loop_errors: list[dict[str, Any]],
    first: str, compression: int,
) -> None:
    """Source and target engines in this loop, a mirror in flight and a failover
    monitor probing: stopping either side (or both at once) ends every task, logs
    nothing, persists the state and leaves no temp file on the target."""
    src = engine(tmp_path / "FS01", 3, vol_e=payload)
    tgt = engine(tmp_path / "FS02", 4)
    await src.start()
    await tgt.start()
    await src.create_set(SET, [Rule("E:\\Data")])
    tgt.accept(SET, auth.token_key("tok"))
    tgt.create_monitor(SET, MonitorSpec((src.listen,), PORT, "heartbeat", 0.05, 50, "all"))
    await src.connect(SET, ConnSpec(tgt.listen, PORT, auth.token_key("tok"), "full",
                                    compression))
    await poll(lambda: src.stats(SET).bytes_sent > 1 << 20, "the mirror under way")
    assert src.stats(SET).mirror_status == "mirroring"

    if first == "both":
        await asyncio.gather(src.stop(), tgt.stop())
    else:
        order = [src, tgt] if first == "source" else [tgt, src]
        await order[0].stop()
        await asyncio.sleep(0.05)  # the other side notices the broken channel meanwhile
        await order[1].stop()

    assert described(loop_errors) == []
    assert leftover_tasks() == []
    for svc in (src, tgt):
        assert not (svc.store.root / "engine.ready").exists()
    state = json.loads(src.store.file.read_text())
    assert SET in state["connections"] and SET in state["sets"]
    assert SET in json.loads(tgt.store.file.read_text())["monitors"]
    copies = [n for _, _, files in os.walk(tmp_path / "FS02" / "E")
              for n in files if n.startswith(TMP_PREFIX)]
    assert copies == []


async def test_stop_with_nothing_started_and_twice(tmp_path: Path,
                                                  loop_errors: list[dict[str, Any]]) -> None:
    """A second stop, or stop after a failed start, is harmless."""
    svc = engine(tmp_path / "FS01", 5)
    await svc.start()
    await svc.stop()
    await svc.stop()
    busy = engine(tmp_path / "FS02", 5)  # the same address and port: in use
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind((busy.listen, busy.port))
        holder.listen()
        with pytest.raises(OSError):
            await busy.start()
    await busy.stop()
    assert described(loop_errors) == [] and leftover_tasks() == []


async def test_a_file_frame_cancelled_while_the_peer_lags(
    tmp_path: Path, loop_errors: list[dict[str, Any]],
) -> None:
    """Cancelled while bytes still wait in the transport, sending a file used to
    leave the transport broken (sendfile's private waiter cancelled): every later
    write failed and closing logged an InvalidStateError traceback."""
    accepted: list[asyncio.StreamWriter] = []

    async def never_reads(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        accepted.append(w)

    server = await asyncio.start_server(never_reads, f"{NET}.6", PORT)
    _, writer = await asyncio.open_connection(f"{NET}.6", PORT)
    writer.transport.set_write_buffer_limits(high=64 << 20)  # drain() does not wait
    writer.write(b"\0" * (24 << 20))  # more than the kernel buffers: the rest stays queued
    blob = tmp_path / "blob.bin"
    blob.write_bytes(os.urandom(100_000))
    with open(blob, "rb") as fh:
        sending = asyncio.create_task(protocol.write_file_frame(writer, {"op": "file"}, fh,
                                                                100_000))
        for _ in range(10):
            await asyncio.sleep(0)
        assert not sending.done() and writer.transport.get_write_buffer_size() > 0
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
    writer.write(b"still usable")
    await tasks.close_writer(writer, timeout=0.05)  # the peer does not read: dropped
    for w in accepted:
        w.transport.abort()
    server.close()
    for _ in range(5):
        await asyncio.sleep(0)
    assert described(loop_errors) == []
