"""The compression methods of the data channel: zlib (as ever) and zstd.

Chosen by measurement (``python -m bench.compression``, issue 9): per 1 MiB chunk
on this machine, zstd at the guide's levels 1/6/9 compressed text 3.0x/3.0x/3.8x
and database pages 4.2x/2.0x/11x faster than zlib at the same levels, at
nearly the same ratio (text 3.52 vs 3.15 at 1, 3.99 vs 4.03 at 9), and passes
incompressible data at gigabytes per second where zlib spends 50 MB/s
finding nothing. lz4 was faster still at its fast level but shrank text only
2.3x (zstd 1: 3.5x), and its HC levels were slower than zstd's: not offered.

The level stays the guide's 0 (off) … 9 (max) for both methods: zstd takes it as
its own level 1–9. zstandard is a dependency, but an engine without the wheel still
runs: it offers only zlib (:func:`available`), and the handshake refuses a pair that
asks it for zstd with a sentence naming it (core.engine.handshake).

Inflating is bounded for both: a zlib bomb is a FrameError after ``limit + 1`` bytes
of output; a zstd frame must declare its size (the one-shot compressor always does),
a declared size beyond the limit is refused before a byte is inflated, and a frame
that lies about its size fails in a buffer of the declared size.
"""

from __future__ import annotations

import zlib
from typing import Any

ZLIB, ZSTD = "zlib", "zstd"
CODECS = (ZLIB, ZSTD)
#: a zstd frame may ask for this much window at most (chunks are 1 MiB, frames ≤ 16 MiB)
MAX_WINDOW = 1 << 24

try:  # an engine without the wheel speaks zlib only
    import zstandard as _zstd
except ImportError:  # pragma: no cover - the wheel is a dependency
    _zstd = None  # type: ignore[assignment]


class CodecError(ValueError):
    """A payload that cannot be inflated within its bounds (message says why)."""


def available() -> tuple[str, ...]:
    """The methods this engine can compress and inflate."""
    return CODECS if _zstd is not None else (ZLIB,)


def compress(codec: str, data: bytes, level: int) -> bytes:
    """``data`` compressed by ``codec`` at the guide's ``level`` (1–9)."""
    if codec == ZSTD:
        if _zstd is None:
            raise CodecError("zstd compression needs the zstandard package on this server")
        return _zstd.ZstdCompressor(level=level).compress(data)
    return zlib.compress(data, level)


def inflate(codec: str, payload: bytes, bound: int) -> bytes:
    """``payload`` inflated to at most ``bound`` bytes, else CodecError."""
    if codec == ZSTD:
        return _inflate_zstd(payload, bound)
    if codec != ZLIB:
        raise CodecError(f"unknown compression method {codec!r}")
    d = zlib.decompressobj()
    try:
        data = d.decompress(payload, bound + 1)
    except zlib.error as exc:
        raise CodecError(f"a compressed payload is corrupt: {exc}") from exc
    if len(data) > bound or d.unconsumed_tail:
        raise CodecError(f"a compressed payload inflates beyond the {bound} bytes allowed")
    if not d.eof:
        raise CodecError("a compressed payload is truncated")
    return data


def _inflate_zstd(payload: bytes, bound: int) -> bytes:
    if _zstd is None:
        raise CodecError("a zstd payload arrived, and this server lacks the zstandard package")
    try:
        params: Any = _zstd.get_frame_parameters(payload)
    except _zstd.ZstdError as exc:
        raise CodecError(f"a compressed payload is corrupt: {exc}") from exc
    size = params.content_size
    if size == _zstd.CONTENTSIZE_UNKNOWN:
        raise CodecError("a zstd payload does not declare its size")
    if size > bound:
        raise CodecError(f"a compressed payload inflates beyond the {bound} bytes allowed")
    if params.window_size > MAX_WINDOW:
        raise CodecError(f"a zstd payload asks for a {params.window_size}-byte window")
    try:
        # the output buffer is the declared size: a frame that holds more fails here
        data: bytes = _zstd.ZstdDecompressor(max_window_size=MAX_WINDOW).decompress(payload)
    except _zstd.ZstdError as exc:
        raise CodecError(f"a compressed payload is corrupt or truncated: {exc}") from exc
    return data


def wire_name(header: dict[str, Any]) -> str | None:
    """The method a data frame's payload is compressed with (None: raw). ``"z": true``
    is zlib, as protocol 4 sent it; otherwise ``"z"`` names the method."""
    z = header.get("z")
    if z is True:
        return ZLIB
    if not z:
        return None
    return str(z)


def wire_flag(codec: str) -> bool | str:
    """What a compressed frame's ``"z"`` says (zlib stays ``true``, as in protocol 4)."""
    return True if codec == ZLIB else codec
