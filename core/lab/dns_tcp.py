"""DNS over TCP for the lab server: two-byte length prefix, several messages per connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

#: A client that sends nothing for this long is disconnected (RFC 7766 suggests seconds).
IDLE_TIMEOUT = 10.0


async def serve_tcp(
    handle: Callable[[bytes, bool], bytes | None],
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    idle_timeout: float = IDLE_TIMEOUT,
) -> None:
    """Answer each length-prefixed message with ``handle(wire, udp=False)`` until EOF or idle."""
    try:
        while True:
            try:
                head = await asyncio.wait_for(reader.readexactly(2), idle_timeout)
                wire = await asyncio.wait_for(
                    reader.readexactly(int.from_bytes(head, "big")), idle_timeout)
            except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
                return
            try:
                out = handle(wire, False)
            except Exception:  # one bad message must not stop the server
                log.exception("lab DNS failed on a TCP message")
                return
            if out is None:
                continue
            writer.write(len(out).to_bytes(2, "big") + out)
            await writer.drain()
    except ConnectionError:
        return
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
