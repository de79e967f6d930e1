"""The source's end of a data channel: frames for files, blocks and ops.

Uncompressed files go out as one frame whose payload is streamed from disk
(``sendfile``). With compression each 1 MiB chunk is compressed (zlib or
zstd, :mod:`core.engine.codec`) in a worker thread and sent as its own frame
(raw when compression does not shrink it). Every payload is counted: raw bytes and bytes on the wire.

Every operation that changes the target is numbered (``seq`` 1, 2, 3 … per
channel, i.e. per replication set and connection) in the order it is sent,
which is the order the source detected the changes; the target applies them
in that order and refuses a number out of turn (:class:`OutOfOrder`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import ssl
from collections.abc import Callable
from typing import Any, BinaryIO

from core.engine import codec, protocol
from core.engine.counters import Counters
from core.engine.handshake import open_data
from core.engine.tasks import close_writer

REPLY_TIMEOUT = 300.0  # a target hashing a very large file answers late, not never
LISTING_TIMEOUT = 3600.0  # a listing with digests hashes the target's whole copy of the set


class ChannelError(Exception):
    """The target reported an error or broke the channel (message says which)."""


class OutOfOrder(ChannelError):
    """The target saw an operation out of the set's sequence (a gap or a reordering):
    what it holds may not follow the source's order, so the set is re-mirrored."""


def target_error(header: dict[str, Any]) -> ChannelError:
    message = str(header.get("message", "the target reported an error"))
    return OutOfOrder(message) if header.get("kind") == "order" else ChannelError(message)


class Channel:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
        counters: Counters, compression: int, method: str = codec.ZLIB,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.counters = counters
        self.level = max(0, min(9, compression))
        #: the compression method of this channel's frames (agreed at the handshake)
        self.method = method
        self._seq = 0
        #: the ack number of the last frame sent that asked for one
        self.last_ack = 0
        #: the sequence number of the last change sent
        self.sent_seq = 0

    @classmethod
    async def open(
        cls, host: str, port: int, set_name: str, key_hex: str, counters: Counters,
        compression: int, context: ssl.SSLContext, timeout: float = 10.0,
        method: str = codec.ZLIB,
    ) -> Channel:
        """``method`` compresses at level ``compression`` (0: nothing is compressed, and
        no method is asked of the target)."""
        reader, writer = await open_data(host, port, set_name, key_hex, context, timeout,
                                         method if compression else None)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        return cls(reader, writer, counters, compression, method)

    async def close(self) -> None:
        """Close the channel; a target that does not take the last bytes within a
        second (stalled, or the engine stopping mid-frame) is dropped instead."""
        await close_writer(self.writer)

    async def pending_error(self) -> ChannelError | None:
        """After a broken send: the error the target sent before closing, if any."""
        try:
            async with asyncio.timeout(0.5):
                header, _ = await protocol.read_frame(self.reader)
        except Exception:
            return None
        return target_error(header) if header.get("op") == "error" else None

    def stamp(self, header: dict[str, Any]) -> dict[str, Any]:
        """``header`` with the set's next sequence number, when it changes the target."""
        if header.get("op") not in protocol.CHANGES:
            return header
        self.sent_seq += 1
        return {**header, "seq": self.sent_seq}

    # --- plain frames ----------------------------------------------------------
    async def send(self, header: dict[str, Any], payload: bytes = b"") -> None:
        await protocol.write_frame(self.writer, self.stamp(header), payload)

    async def reply(self, timeout: float = REPLY_TIMEOUT) -> tuple[dict[str, Any], bytes]:
        try:
            async with asyncio.timeout(timeout):
                header, payload = await protocol.read_frame(self.reader)
        except TimeoutError as exc:
            raise ChannelError(f"the target did not answer within {timeout:.0f} s") from exc
        if header.get("op") == "error":
            raise target_error(header)
        return header, payload

    async def call(self, header: dict[str, Any], payload: bytes = b"") -> dict[str, Any]:
        """Send a frame that the target acknowledges, and wait for the ack."""
        return await self.acked(await self.post(header, payload))

    async def post(self, header: dict[str, Any], payload: bytes = b"") -> int:
        """Send a frame that the target acknowledges; returns the ack number to wait
        for with :meth:`acked` (acks come back in the order frames were sent)."""
        self._seq += 1
        await self.send({**header, "ack": self._seq}, payload)
        return self._seq

    async def acked(self, number: int) -> dict[str, Any]:
        """Wait for the next ack, which must be ``number``'s (the oldest unacked)."""
        reply, _ = await self.reply()
        if reply.get("op") != "ack" or reply.get("ack") != number:
            raise ChannelError("the target acknowledged out of order")
        return reply

    async def ack(self) -> dict[str, Any]:
        return await self.call({"op": "ping"})

    # --- requests --------------------------------------------------------------
    async def listing(self) -> dict[str, tuple[bool, int, int]]:
        """The target's entries of the set: ``win path → (is_dir, size, mtime_ns)``."""
        return {k: v[:3] for k, v in (await self.listing_digests(False)).items()}

    async def listing_digests(
        self, digests: bool = True,
    ) -> dict[str, tuple[bool, int, int, str]]:
        """The target's entries with each file's content digest (blocks.file_digest,
        computed by the target; "" without ``digests``):
        ``win path → (is_dir, size, mtime_ns, digest)``."""
        await self.send({"op": "list", "digests": digests})
        # hashing a whole set takes the target a while: bounded, but generously
        _, payload = await self.reply(LISTING_TIMEOUT if digests else REPLY_TIMEOUT)
        rows = json.loads(protocol.inflate(payload, protocol.MAX_LISTING)) if payload else []
        return {r[0]: (bool(r[1]), int(r[2]), int(r[3]), str(r[4]) if len(r) > 4 else "")
                for r in rows}

    # --- data ------------------------------------------------------------------
    async def send_file(
        self, win: str, local: str, ack: bool = False,
        wrap: Callable[[BinaryIO, int], Any] | None = None, wait: bool = True,
    ) -> bool:
        """Send a whole file; False when it no longer exists (nothing was sent).
        ``wrap(fh, size)`` may return a reader the bytes are read through instead
        (block-delta hashes what it sends: :class:`core.engine.delta.HashingReader`).
        With ``ack`` and not ``wait``, the ack to wait for is :attr:`last_ack`."""
        try:
            fh = open(local, "rb")  # noqa: SIM115 - closed in finally
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return False
        try:
            st = os.fstat(fh.fileno())
            src = wrap(fh, st.st_size) if wrap else fh
            header: dict[str, Any] = {"op": "file", "path": win, "size": st.st_size,
                                      "mtime_ns": st.st_mtime_ns}
            if ack:
                self._seq += 1
                header["ack"] = self._seq
            if self.level == 0:
                # counted slice by slice: a 200 MB file shows its rate while it goes
                await protocol.write_file_frame(self.writer, self.stamp(header), src, st.st_size,
                                                on_sent=lambda n: self.counters.sent(n, n))
            else:
                await self.send({**header, "chunked": True})
                await self._send_chunks(src, st.st_size)
        finally:
            fh.close()
        self.last_ack = self._seq
        if ack and wait:
            reply, _ = await self.reply()
            if reply.get("ack") != self._seq:
                raise ChannelError("the target acknowledged out of order")
        return True

    async def send_files(self, rows: list[list[Any]], wire: bytes, raw: int,
                         z: bool | str) -> None:
        """A batch of small files (``rows``: win path, size, mtime_ns; their bytes one
        after the other, compressed when ``z``): one frame, one sequence number."""
        await self.send({"op": "files", "files": rows, "raw": raw, "z": z}, wire)
        self.counters.sent(raw, len(wire))

    def pack(self, data: bytes) -> tuple[bytes, bool | str]:
        """``data`` compressed at the channel's level when that shrinks it, and the
        frame's ``"z"`` (:func:`core.engine.codec.wire_flag`; False: raw). Call it in a
        worker thread."""
        if self.level and data:
            packed = codec.compress(self.method, data, self.level)
            if len(packed) < len(data):
                return packed, codec.wire_flag(self.method)
        return data, False

    async def _send_chunks(self, fh: Any, size: int) -> None:
        left = size
        while left:
            data = await asyncio.to_thread(fh.read, min(left, protocol.CHUNK))
            if not data:  # the file shrank: keep the frame count honest
                data = b"\0" * min(left, protocol.CHUNK)
            left -= len(data)
            await self.send_data({"op": "chunk"}, data)

    async def send_data(self, header: dict[str, Any], data: bytes) -> None:
        """A frame carrying file bytes, compressed when configured and useful."""
        wire, z = (await asyncio.to_thread(self.pack, data)) if self.level and data else (data, False)
        await self.send({**header, "raw": len(data), "z": z}, wire)
        self.counters.sent(len(data), len(wire))
