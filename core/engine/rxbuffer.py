"""The target's data channel reads into one reused buffer (``BufferedProtocol``).

asyncio's StreamReader over TLS copied every received byte three times in
user space: the TLS layer's records joined into one ``bytes``, appended to the
StreamReader's buffer, and copied out again by ``readexactly`` (measured with
py-spy on the 1 GB mirror: about a third of the target's event loop). Once
the data channel's handshake is done, :func:`take_over` gives the TLS
transport a :class:`BufferedReader` instead: TLS decrypts straight into its
buffer and ``readexactly`` copies out once.

Only reading changes hands. Flow control of writing and the end of the
connection are passed on to the StreamReaderProtocol the StreamWriter still
uses, so ``drain()``, ``close()`` and ``wait_closed()`` behave as before.
"""

from __future__ import annotations

import asyncio
from typing import Any

SIZE = 4 << 20  # the buffer (grown for a larger frame, up to protocol.MAX_DATA)
MIN_FREE = 64 << 10  # reading pauses while less than this is free


class BufferedReader(asyncio.BufferedProtocol):
    """``readexactly`` for the receiver (:mod:`core.engine.protocol` needs no more)."""

    def __init__(self, old: Any, transport: asyncio.ReadTransport, pending: bytes) -> None:
        self._old = old  # the StreamReaderProtocol the StreamWriter still talks to
        self._transport = transport
        self._buf = bytearray(max(SIZE, len(pending) + MIN_FREE))
        self._view = memoryview(self._buf)
        self._view[: len(pending)] = pending
        self._start, self._end = 0, len(pending)
        self._eof = False
        self._exc: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False

    # --- the transport's side ---------------------------------------------------------
    def get_buffer(self, sizehint: int) -> memoryview:
        if len(self._buf) - self._end < MIN_FREE:
            self._compact()
        return self._view[self._end :]

    def buffer_updated(self, nbytes: int) -> None:
        self._end += nbytes
        if len(self._buf) - self._end < MIN_FREE:
            self._compact()
            if len(self._buf) - self._end < MIN_FREE and not self._paused:
                self._paused = True  # the reader is behind: TLS stops reading
                self._transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool | None:
        self._eof = True
        self._wake()
        result: bool | None = self._old.eof_received()
        return result

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._exc = exc
        self._wake()
        self._old.connection_lost(exc)

    def pause_writing(self) -> None:
        self._old.pause_writing()

    def resume_writing(self) -> None:
        self._old.resume_writing()

    # --- the receiver's side ----------------------------------------------------------
    async def readexactly(self, n: int) -> bytes:
        if n > len(self._buf) - MIN_FREE:
            self._grow(n + MIN_FREE)
        while self._end - self._start < n:
            if self._eof:
                partial = bytes(self._view[self._start : self._end])
                self._start = self._end
                if self._exc is not None:
                    raise ConnectionResetError(str(self._exc)) from self._exc
                raise asyncio.IncompleteReadError(partial, n)
            if len(self._buf) - self._start < n:
                self._compact()  # room for the whole of it
            self._resume()
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        data = bytes(self._view[self._start : self._start + n])
        self._start += n
        if self._start == self._end:
            self._start = self._end = 0
        self._resume()
        return data

    # --- the buffer ---------------------------------------------------------------------
    def _compact(self) -> None:
        """Move the unread bytes to the front (usually few: the reader keeps up)."""
        if self._start:
            left = self._end - self._start
            self._view[:left] = self._view[self._start : self._end]
            self._start, self._end = 0, left

    def _grow(self, size: int) -> None:
        left = self._end - self._start
        buf = bytearray(max(size, left + MIN_FREE))
        buf[:left] = self._view[self._start : self._end]
        self._view.release()
        self._buf, self._view = buf, memoryview(buf)
        self._start, self._end = 0, left

    def _resume(self) -> None:
        if self._paused and len(self._buf) - self._end + self._start >= MIN_FREE:
            self._compact()
            self._paused = False
            self._transport.resume_reading()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


def take_over(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> BufferedReader:
    """Hand the connection's reading to a :class:`BufferedReader`, with what
    ``reader`` already holds; ``writer`` keeps working as before."""
    transport = writer.transport
    assert isinstance(transport, asyncio.ReadTransport)  # a TLS transport reads too
    old = transport.get_protocol()
    # what the StreamReader read ahead (the first frames may be there already)
    ahead: bytearray = reader._buffer  # type: ignore[attr-defined]  # noqa: SLF001
    new = BufferedReader(old, transport, bytes(ahead))
    ahead.clear()
    if reader.at_eof() or reader.exception() is not None:
        new._eof = True
        new._exc = reader.exception()
    transport.set_protocol(new)
    if not transport.is_reading():  # paused by the StreamReader's flow control
        transport.resume_reading()
    return new
