"""Small pieces: framing, auth, volumes, queue, block sums, settle timer, rate."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import pytest

from core.engine import auth, blocks, protocol
from core.engine.clock import FakeClock
from core.engine.counters import RateMeter
from core.engine.opqueue import OpQueue
from core.engine.settle import Settler
from core.engine.volumes import VolumeError, VolumeMap, normalize_win
from tests.present import present


def test_frame_roundtrip_sync() -> None:
    a, b = socket.socketpair()
    with a, b:
        protocol.send_frame_sync(a, {"op": "x", "n": 1}, b"payload")
        assert protocol.recv_frame_sync(b) == ({"op": "x", "n": 1}, b"payload")
        a.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
        with pytest.raises(protocol.FrameError, match="does not speak"):
            protocol.recv_frame_sync(b)


async def test_frame_roundtrip_async(tmp_path: Path) -> None:
    src = tmp_path / "f.bin"
    src.write_bytes(os.urandom(3 << 20))
    got: list[tuple[dict, bytes]] = []
    done = asyncio.Event()

    async def serve(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        h, n = await protocol.read_header(r)
        out = tmp_path / "copy.bin"
        with open(out, "wb") as fh:
            await protocol.copy_payload(r, n, fh)
        got.append((h, out.read_bytes()))
        got.append(await protocol.read_frame(r))
        w.close()
        done.set()

    server = await asyncio.start_server(serve, "127.0.41.9", 0)
    port = server.sockets[0].getsockname()[1]
    r, w = await asyncio.open_connection("127.0.41.9", port)
    with open(src, "rb") as fh:
        await protocol.write_file_frame(w, {"op": "file"}, fh, 3 << 20)
    await protocol.write_frame(w, {"op": "end"}, b"xyz")
    await asyncio.wait_for(done.wait(), 5)
    w.close()
    server.close()
    assert got[0] == ({"op": "file"}, src.read_bytes())
    assert got[1] == ({"op": "end"}, b"xyz")


def test_token_proof() -> None:
    key = auth.token_key("tok")
    nonce = auth.make_nonce()
    p = auth.proof(key, nonce, "data:set")
    assert "tok" not in p and auth.verify(key, nonce, "data:set", p)
    assert not auth.verify(key, auth.make_nonce(), "data:set", p)
    assert not auth.verify(auth.token_key("other"), nonce, "data:set", p)


def test_volume_map(tmp_path: Path) -> None:
    v = VolumeMap({"E": tmp_path / "E"})
    assert v.to_local("e:\\Shares\\Data") == tmp_path / "E" / "Shares" / "Data"
    assert v.to_windows(tmp_path / "E" / "Shares" / "x.txt") == "E:\\Shares\\x.txt"
    assert v.to_windows(tmp_path / "E") == "E:\\"
    with pytest.raises(VolumeError, match="volume F: does not exist"):
        v.to_local("F:\\x")
    with pytest.raises(VolumeError):
        v.to_local("E:\\a\\..\\..\\etc")
    with pytest.raises(VolumeError):
        v.to_windows(tmp_path / "Elsewhere")
    assert normalize_win("e:/a/b/") == "E:\\a\\b"
    assert VolumeMap(None).to_windows("E:\\a") == "E:\\a"


async def test_queue_spills_in_order(tmp_path: Path) -> None:
    q = OpQueue(tmp_path / "q.spill", mem_limit=3)
    for i in range(10):
        q.push({"kind": "mkdir", "path": f"p{i}"})
    assert len(q) == 10 and q.spilled == 7 and (tmp_path / "q.spill").exists()
    out = []
    for _ in range(5):
        out.append(present(q.head())["path"])
        q.pop()
    q.push({"kind": "mkdir", "path": "late"})  # behind the spilled ones
    out += [op["path"] for op in q.take_all()]
    assert out == [f"p{i}" for i in range(10)] + ["late"]
    assert not (tmp_path / "q.spill").exists()
    assert await q.wait(0.01) is False


def test_queue_dedupes_repeated_tail_writes(tmp_path: Path) -> None:
    q = OpQueue(tmp_path / "q.spill")
    q.push({"kind": "write", "path": "a"})
    q.push({"kind": "write", "path": "b"})
    q.push({"kind": "write", "path": "b"})
    q.push({"kind": "write", "path": "a"})
    assert [op["path"] for op in q.take_all()] == ["a", "b", "a"]


def test_block_runs(tmp_path: Path) -> None:
    data = bytearray(os.urandom(blocks.BLOCK * 40 + 123))
    a = tmp_path / "a"
    a.write_bytes(data)
    data[blocks.BLOCK * 3 + 5] ^= 1
    data[blocks.BLOCK * 4] ^= 1
    data[-1] ^= 1
    b = tmp_path / "b"
    b.write_bytes(data)
    src, dst = blocks.file_sums(str(b)), blocks.file_sums(str(a))
    assert len(src) == 41 * blocks.DIGEST
    runs = blocks.differing_runs(src, dst, len(data))
    assert runs == [(blocks.BLOCK * 3, blocks.BLOCK * 2), (blocks.BLOCK * 40, 123)]
    assert blocks.differing_runs(src, b"", len(data))[0] == (0, 1 << 20)
    assert blocks.file_sums(str(tmp_path / "missing")) == b""


def test_settler_sends_quiet_files_and_busy_ones_every_bounded_interval() -> None:
    # times in tenths of a second (exact arithmetic): settle 0.5 s, bound 2 s
    st = Settler(settle=5, max_delay=20)
    sent: list[float] = []
    for now in range(0, 51):
        if now < 50:  # changed every 100 ms for 5 s
            st.touch("/d/busy", now)
        sent += [now for _ in st.due(now)]
    # sent while still being written, never held longer than the bound, then once quiet
    assert sent == [20, 41]
    assert st.next_deadline() == 54  # 0.5 s after its last change at 4.9 s
    assert st.due(53) == [] and st.due(54) == ["/d/busy"]
    st.touch("/d/a/x", 0)
    st.touch("/d/b", 0)
    assert st.take_under("/d/a") == ["/d/a/x"] and st.discard("/d/b") and len(st) == 0


def test_rate_meter() -> None:
    clock = FakeClock()
    m = RateMeter(clock, window=5.0)
    m.add(1000)
    clock.advance(1)
    m.add(4000)
    assert m.rate() == 1000.0
    clock.advance(10)
    assert m.rate() == 0.0


async def test_a_streamed_file_is_counted_slice_by_slice(tmp_path: Path) -> None:
    """The transfer rate moves while a large file goes out, not once at its end."""
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(3 << 20))
    received = asyncio.Event()

    async def serve(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        _, n = await protocol.read_header(r)
        with open(tmp_path / "copy.bin", "wb") as fh:
            await protocol.copy_payload(r, n, fh)
        w.close()
        received.set()

    server = await asyncio.start_server(serve, "127.0.41.9", 0)
    port = server.sockets[0].getsockname()[1]
    r, w = await asyncio.open_connection("127.0.41.9", port)
    seen: list[int] = []
    with open(src, "rb") as fh:
        sent = await protocol.write_file_frame(w, {"op": "file"}, fh, 3 << 20,
                                               on_sent=seen.append, slice_size=1 << 20)
    await asyncio.wait_for(received.wait(), 5)
    w.close()
    server.close()
    assert sent == 3 << 20 and seen == [1 << 20] * 3
    assert (tmp_path / "copy.bin").read_bytes() == src.read_bytes()
