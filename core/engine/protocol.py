"""Wire framing shared by the management API and the data channel.

A frame is ``b"AM"``, a 4-byte header length, an 8-byte payload length (big
endian), the header (UTF-8 JSON object, at most 1 MiB) and the payload (raw
bytes). File data travels as payload, so a 1 MiB block costs one small
header; a whole file can be one payload streamed from disk with ``sendfile``.
Both an asyncio side (engine) and a blocking-socket side (client) live here.
"""

from __future__ import annotations

import asyncio
import functools
import json
import socket
import struct
from collections.abc import Callable
from typing import Any, BinaryIO, Protocol

from core.engine import codec as codecs

MAGIC = b"AM"
PREFIX = struct.Struct("!2sIQ")
MAX_HEADER = 1 << 20
MAX_SMALL_PAYLOAD = 256 << 20  # payloads read into memory (not streamed) stay below this
CHUNK = 1 << 20
MAX_DATA = 16 << 20  # a chunk or block frame, compressed or not, and what it inflates to
MAX_LISTING = 1 << 30  # a target's listing, inflated
#: 2: TLS with certificates, versions checked at the handshake. 3: every change on a
#: data channel carries the set's sequence number (``seq``), and an ack means on disk.
#: 4: small files travel in batches (``files``). 5: data frames may be zstd-compressed
#: (``"z": "zstd"``); the challenge lists the methods the engine inflates, the hello names
#: the one it will send
PROTOCOL_VERSION = 5
TLS_VERSION = 2  # the first version that speaks TLS (an older engine answers in plain text)
#: the data channel's operations that change the target: each carries the next ``seq``
CHANGES = frozenset({"mkdir", "delete", "file", "files", "block", "settle", "rename"})
MAX_BATCH_FILES = 1024  # files in one ``files`` frame at most
SLICE = 4 << 20  # a streamed file is counted (transfer rate) after each slice


class Reader(Protocol):
    """What frames are read from: an asyncio.StreamReader, or the target's
    :class:`core.engine.rxbuffer.BufferedReader`."""

    async def readexactly(self, n: int) -> bytes: ...


class FrameError(Exception):
    """The peer sent something that is not a frame of this protocol."""


def encode(header: dict[str, Any], payload_len: int = 0) -> bytes:
    """Prefix + header bytes for a frame whose payload follows separately."""
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    if len(raw) > MAX_HEADER:
        raise FrameError("frame header too large")
    return PREFIX.pack(MAGIC, len(raw), payload_len) + raw


def _parse_prefix(prefix: bytes) -> tuple[int, int]:
    magic, hlen, plen = PREFIX.unpack(prefix)
    if magic != MAGIC:
        raise FrameError("the peer does not speak the appmgr engine protocol")
    if hlen > MAX_HEADER:
        raise FrameError("frame header too large")
    return hlen, plen


def _parse_header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FrameError("malformed frame header") from exc
    if not isinstance(header, dict):
        raise FrameError("frame header is not an object")
    return header


# --- asyncio side --------------------------------------------------------------
async def read_header(reader: Reader) -> tuple[dict[str, Any], int]:
    """Read one frame's header; the caller must consume ``payload_len`` bytes next."""
    try:
        prefix = await reader.readexactly(PREFIX.size)
        hlen, plen = _parse_prefix(prefix)
        return _parse_header(await reader.readexactly(hlen)), plen
    except asyncio.IncompleteReadError as exc:
        raise ConnectionResetError("the peer closed the connection") from exc


async def read_payload(
    reader: Reader, n: int, limit: int = MAX_SMALL_PAYLOAD
) -> bytes:
    if n > limit:
        raise FrameError(f"payload of {n} bytes is larger than the {limit} allowed here")
    try:
        return await reader.readexactly(n) if n else b""
    except asyncio.IncompleteReadError as exc:
        raise ConnectionResetError("the peer closed the connection") from exc


async def read_frame(
    reader: Reader, limit: int = MAX_SMALL_PAYLOAD
) -> tuple[dict[str, Any], bytes]:
    header, plen = await read_header(reader)
    return header, await read_payload(reader, plen, limit)


def inflate(payload: bytes, limit: int, expect: int | None = None, codec: str = "zlib") -> bytes:
    """Decompress ``payload`` (zlib, or ``codec``) to at most ``limit`` bytes (``expect``
    exactly, when given): a decompression bomb is a FrameError, not an exhausted memory
    (the bounds per method: :mod:`core.engine.codec`)."""
    bound = limit if expect is None else min(expect, limit)
    try:
        data = codecs.inflate(codec, payload, bound)
    except codecs.CodecError as exc:
        raise FrameError(str(exc)) from exc
    if expect is not None and len(data) != expect:
        raise FrameError("a compressed payload has the wrong length")
    return data


async def copy_payload(reader: Reader, n: int, out: BinaryIO | None) -> None:
    """Stream ``n`` payload bytes into ``out`` (or discard them) in 1 MiB pieces."""
    left = n
    try:
        while left:
            data = await reader.readexactly(min(left, CHUNK))
            if out is not None:
                out.write(data)
            left -= len(data)
    except asyncio.IncompleteReadError as exc:
        raise ConnectionResetError("the peer closed the connection") from exc


async def write_frame(
    writer: asyncio.StreamWriter, header: dict[str, Any], payload: bytes = b""
) -> None:
    writer.write(encode(header, len(payload)))
    if payload:
        writer.write(payload)
    await writer.drain()


async def write_file_frame(
    writer: asyncio.StreamWriter, header: dict[str, Any], fh: BinaryIO, size: int,
    on_sent: Callable[[int], None] | None = None, slice_size: int = SLICE,
) -> int:
    """Send a frame whose payload is the first ``size`` bytes of ``fh`` (zero-copy
    where the platform allows). Returns the bytes actually read from the file;
    when the file shrank meanwhile the rest is zero-filled so the stream stays
    framed (the change that shrank it is queued and fixes the copy).

    The payload goes out in slices of ``slice_size`` and ``on_sent`` hears each
    one: a large file moves the transfer rate while it is sent, not once at its end."""
    writer.write(encode(header, size))
    if size == 0:
        await writer.drain()
        return 0
    if writer.get_extra_info("sslcontext") is not None or not hasattr(fh, "fileno"):
        # TLS, or a reader that is not a plain file (one that hashes what it reads)
        return await _write_file_tls(writer, fh, size, on_sent)
    loop = asyncio.get_running_loop()
    sent = 0
    while sent < size:
        await _flushed(writer)
        if writer.transport.is_closing():  # sendfile would say "Transport is closing"
            raise ConnectionResetError("the connection was closed")
        want = min(slice_size, size - sent)
        n = await loop.sendfile(writer.transport, fh, sent, want)
        sent += n
        if n and on_sent is not None:
            on_sent(n)
        if n < want:  # the file shrank
            break
    if sent < size:
        pad = size - sent
        while pad:
            n = min(pad, CHUNK)
            writer.write(b"\0" * n)
            await writer.drain()
            pad -= n
    return sent


async def _write_file_tls(writer: asyncio.StreamWriter, fh: BinaryIO, size: int,
                          on_sent: Callable[[int], None] | None = None) -> int:
    """``write_file_frame`` over TLS: no zero-copy there, and asyncio's sendfile
    fallback reads 16 KiB per executor job (measured: 3x the CPU per GB of plain
    text); reading 1 MiB per job costs a sixty-fourth of the hops."""
    read = 0
    while read < size:
        data = await asyncio.to_thread(fh.read, min(size - read, CHUNK))
        if not data:  # the file shrank: zero-filled below, as write_file_frame says
            break
        writer.write(data)
        read += len(data)
        await writer.drain()
        if on_sent is not None:
            on_sent(len(data))
    pad = size - read
    while pad:
        n = min(pad, CHUNK)
        writer.write(b"\0" * n)
        await writer.drain()
        pad -= n
    return read


async def _flushed(writer: asyncio.StreamWriter) -> None:
    """Wait until the transport has handed every queued byte to the kernel.

    ``loop.sendfile`` first waits for exactly that on a private future of the
    transport; cancelled there (the engine stopping while the target reads
    slowly) it leaves that future cancelled in the transport, whose close then
    fails with InvalidStateError in a callback (a traceback on stderr) and whose
    writes fail. Waiting here instead, through the public flow control, means
    sendfile never has to wait for it."""
    transport = writer.transport
    if transport.get_write_buffer_size() == 0:
        return
    low, high = transport.get_write_buffer_limits()
    transport.set_write_buffer_limits(high=0, low=0)  # drain() now waits for empty
    try:
        await writer.drain()
    finally:
        transport.set_write_buffer_limits(high=high, low=low)


# --- blocking side (client) ----------------------------------------------------
def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        part = sock.recv(n - len(buf))
        if not part:
            raise ConnectionResetError("the peer closed the connection")
        buf += part
    return bytes(buf)


#: bytes asked of the socket at the start of a reply: a small reply (a status: under
#: 1 KiB) arrives whole in one read instead of a read for the prefix and one for the
#: header (a larger one needs more reads; asking 16 KiB would allocate them each time)
READ_AHEAD = 4096


def send_frame_sync(sock: socket.socket, header: dict[str, Any], payload: bytes = b"") -> None:
    sock.sendall(encode(header, len(payload)) + payload)


@functools.lru_cache(maxsize=8192)
def named_request(op: str, name: str) -> bytes:
    """The frame of request ``op`` of set ``name`` (the dashboard's poll sends the same
    few thousand each second: encoded once)."""
    return encode({"op": op, "args": {"name": name}})


def recv_frame_sync(sock: socket.socket) -> tuple[dict[str, Any], bytes]:
    """One frame. The peer sends a frame only in reply to one request (never ahead),
    so reading ahead finds at most the rest of this frame; more is a broken peer."""
    buf = sock.recv(READ_AHEAD)
    if not buf:
        raise ConnectionResetError("the peer closed the connection")
    if len(buf) < PREFIX.size:
        buf += _recv_exact(sock, PREFIX.size - len(buf))
    hlen, plen = _parse_prefix(buf[:PREFIX.size])
    if plen > MAX_SMALL_PAYLOAD:
        raise FrameError("payload too large")
    end = PREFIX.size + hlen
    if len(buf) < end:
        buf += _recv_exact(sock, end - len(buf))
    if len(buf) > end + plen:
        raise FrameError("the peer sent more than the frame it was asked for")
    header = _parse_header(buf[PREFIX.size:end])
    if not plen:
        return header, b""
    got = buf[end:]
    return header, got + _recv_exact(sock, plen - len(got)) if len(got) < plen else got


class RemoteError(Exception):
    """A management request the engine refused; ``kind`` is one of
    ``not_found``, ``refused``, ``invalid``, ``protocol`` (mapped by the client
    to NotFound, Refused, InvalidInput-like Refused, ProtocolError)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
