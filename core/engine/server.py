"""Each TCP connection: challenge, authenticate, then serve the management
API (administrators) or a data channel (a source engine holding the token).

Every connection runs in a task the service owns from the moment it is
accepted (:func:`spawn_connection`), so stopping the engine cancels and awaits
all of them. The task is ours rather than the stream server's: Python 3.11's
``start_server`` attaches a done-callback to a coroutine handler's task that
calls ``task.exception()``, which raises (and logs a CancelledError traceback)
for a task that ended cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from core.engine import auth, handshake, protocol
from core.engine.api import serve_admin
from core.engine.tasks import close_writer

if TYPE_CHECKING:
    from core.engine.service import EngineService

log = logging.getLogger(__name__)
HANDSHAKE_TIMEOUT = 10.0


def spawn_connection(
    svc: EngineService, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """The stream server's callback: serve the new connection in a task of ``svc``."""
    if svc.stopping:  # accepted while the engine stops: nobody will serve it
        writer.transport.abort()
        return
    peer = writer.get_extra_info("peername")
    task = asyncio.get_running_loop().create_task(handle_connection(svc, reader, writer),
                                                  name=f"connection from {peer}")
    svc.conn_tasks.add(task)

    def done(t: asyncio.Task[None]) -> None:
        svc.conn_tasks.discard(t)
        if not t.cancelled() and t.exception() is not None:  # retrieved: never "never retrieved"
            log.error("connection from %s ended with an error: %s", peer, t.exception())

    task.add_done_callback(done)


async def handle_connection(
    svc: EngineService, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Serve one connection until the peer leaves, breaks the protocol, or the engine
    stops (the task is then cancelled and ends cancelled, the connection closed)."""
    peer = writer.get_extra_info("peername")
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
    except Exception:  # a bug must not take the engine down
        log.exception("connection from %s failed", peer)
    finally:
        await close_writer(writer)


def _admin_denied(svc: EngineService, user: str) -> str:
    if svc.admins.path is None:
        return "this engine has no administrators configured (start it with --admins FILE)"
    return f"{user} is not an administrator of this engine or the password is wrong"


async def _deny(writer: asyncio.StreamWriter, message: str) -> None:
    await protocol.write_frame(writer, {"op": "denied", "message": message})
