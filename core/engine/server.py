"""Each TCP connection: challenge, authenticate, then serve the management
API (administrators) or a data channel (a source engine holding the token)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from core.engine import auth, handshake, protocol
from core.engine.api import serve_admin

if TYPE_CHECKING:
    from core.engine.service import EngineService

log = logging.getLogger(__name__)
HANDSHAKE_TIMEOUT = 10.0


async def handle_connection(
    svc: EngineService, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    peer = writer.get_extra_info("peername")
    task = asyncio.current_task()
    if task is not None:
        svc.conn_tasks.add(task)
    try:
        nonce = auth.make_nonce()
        await protocol.write_frame(writer, handshake.challenge(nonce, svc.hostname))
        async with asyncio.timeout(HANDSHAKE_TIMEOUT):
            hello, _ = await protocol.read_frame(reader)
        channel = hello.get("channel")
        if hello.get("op") != "hello" or channel not in ("admin", "data"):
            await _deny(writer, "expected a hello")
        elif channel == "admin":
            if handshake.check_admin(svc.admins, nonce, hello):
                await protocol.write_frame(writer, {"op": "welcome"})
                await serve_admin(svc, reader, writer)
            else:
                await _deny(writer, _admin_denied(svc, str(hello.get("user", ""))))
        else:
            name = str(hello.get("set", ""))
            key = svc.accepts.get(name, {}).get("key")
            if handshake.check_data(key, nonce, hello):
                await protocol.write_frame(writer, {"op": "welcome"})
                await svc.new_receiver(name, reader, writer).run()
            else:
                await _deny(writer, f"set {name} is not accepted by this engine or the "
                                    "token is wrong")
    except (ConnectionError, TimeoutError, protocol.FrameError, asyncio.IncompleteReadError):
        pass
    except asyncio.CancelledError:
        pass  # engine stopping; ending quietly keeps asyncio from logging the cancel
    except Exception:  # a bug must not take the engine down
        log.exception("connection from %s failed", peer)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        svc.conn_tasks.discard(task)  # type: ignore[arg-type]


def _admin_denied(svc: EngineService, user: str) -> str:
    if svc.admins.path is None:
        return "this engine has no administrators configured (start it with --admins FILE)"
    return f"{user} is not an administrator of this engine or the password is wrong"


async def _deny(writer: asyncio.StreamWriter, message: str) -> None:
    await protocol.write_frame(writer, {"op": "denied", "message": message})
