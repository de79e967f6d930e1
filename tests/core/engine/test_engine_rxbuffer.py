"""The target's BufferedReader: frames read out of one reused buffer, with the
transport's reading paused while the reader is behind and resumed after."""

from __future__ import annotations

import asyncio
import os

import pytest

from core.engine import rxbuffer
from core.engine.rxbuffer import BufferedReader


class Transport(asyncio.ReadTransport):
    def __init__(self) -> None:
        super().__init__()
        self.reading = True

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_reading(self) -> bool:
        return self.reading


class Old:
    """The StreamReaderProtocol the writer keeps: hears the end and write flow control."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def eof_received(self) -> bool:
        self.calls.append("eof")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.calls.append("lost")

    def pause_writing(self) -> None:
        self.calls.append("pause")

    def resume_writing(self) -> None:
        self.calls.append("resume")


def feed(r: BufferedReader, data: bytes) -> None:
    """As the TLS layer does: decrypt into the buffer it hands out."""
    while data:
        buf = r.get_buffer(-1)
        n = min(len(buf), len(data))
        buf[:n] = data[:n]
        r.buffer_updated(n)
        data = data[n:]


async def test_bytes_come_out_in_order_across_growth_and_flow_control() -> None:
    t, old = Transport(), Old()
    r = BufferedReader(old, t, b"ahead")
    blob = os.urandom(rxbuffer.SIZE * 2 + 123)  # larger than the buffer: it grows
    assert await r.readexactly(5) == b"ahead"
    reading = asyncio.create_task(r.readexactly(len(blob)))
    await asyncio.sleep(0)
    feed(r, blob[: rxbuffer.SIZE])
    feed(r, blob[rxbuffer.SIZE :])
    assert await reading == blob
    # the reader falls behind: reading pauses once the buffer is nearly full ...
    chunk = os.urandom(rxbuffer.SIZE)
    while t.reading:
        feed(r, chunk[: rxbuffer.MIN_FREE])
    got = await r.readexactly(rxbuffer.MIN_FREE)
    assert got == chunk[: rxbuffer.MIN_FREE]
    assert t.reading  # ... and resumes once it caught up
    r.pause_writing()
    r.resume_writing()
    assert old.calls == ["pause", "resume"]


async def test_the_end_of_the_stream_is_an_incomplete_read_and_reaches_the_writer() -> None:
    t, old = Transport(), Old()
    r = BufferedReader(old, t, b"")
    reading = asyncio.create_task(r.readexactly(10))
    await asyncio.sleep(0)
    feed(r, b"abc")
    r.eof_received()
    with pytest.raises(asyncio.IncompleteReadError) as err:
        await reading
    assert err.value.partial == b"abc"
    r.connection_lost(ConnectionResetError("reset"))
    assert old.calls == ["eof", "lost"]
    with pytest.raises(ConnectionResetError):
        await r.readexactly(1)
