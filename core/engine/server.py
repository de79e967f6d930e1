"""Each TCP connection: TLS, challenge, then the management API (a console) or a
data channel (a source engine holding the set's token).

TLS is started by the connection's task, not by the stream server, so a peer
whose handshake fails (plain text, an old engine, a certificate of another
CA) is logged and counted here instead of vanishing silently. Reading is
paused from the moment the connection is accepted until TLS takes the
transport over, so the peer's first bytes reach the TLS layer.

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
import ssl
from typing import TYPE_CHECKING

from core.engine import auth, codec, handshake, protocol, rxbuffer, tls
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
    transport = writer.transport
    assert isinstance(transport, asyncio.ReadTransport)  # a stream server's socket reads too
    transport.pause_reading()  # the first bytes are TLS's (see the module doc)
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
        try:
            await writer.start_tls(svc.server_tls, ssl_handshake_timeout=HANDSHAKE_TIMEOUT)
        except ConnectionError as exc:  # closed before any TLS: a port probe (lab, monitors)
            log.debug("connection from %s closed before TLS: %r", peer, exc)
            return
        except (ssl.SSLError, TimeoutError) as exc:
            svc.refused += 1
            log.warning("refused a connection from %s: %s (%d refused so far)",
                        peer, tls.why_server_refused(exc), svc.refused)
            return
        role, who = tls.peer_identity(writer.get_extra_info("peercert"))
        nonce = auth.make_nonce()
        await protocol.write_frame(writer, handshake.challenge(nonce, svc.hostname))
        async with asyncio.timeout(HANDSHAKE_TIMEOUT):
            hello, _ = await protocol.read_frame(reader, 0)
        channel = hello.get("channel")
        problem = handshake.version_problem(hello, f"the peer {who or peer}") or (
            handshake.codec_problem(hello.get("codec"), list(codec.available()),
                                    f"this engine ({svc.hostname})")
            if channel == "data" else None)
        if hello.get("op") != "hello" or channel not in ("admin", "data"):
            await _deny(writer, "expected a hello")
        elif problem:
            log.warning("refused %s: %s", peer, problem)
            await _deny(writer, problem)
        elif channel == "admin":
            if role == tls.ROLE_CONSOLE:
                await protocol.write_frame(writer, {"op": "welcome"})
                await serve_admin(svc, reader, writer)
            else:
                await _deny(writer, f"{who} holds an {role or 'unknown'} certificate; the "
                                    "management API needs the console's")
        else:
            name = str(hello.get("set", ""))
            key = svc.accepts.get(name, {}).get("key")
            if role != tls.ROLE_ENGINE:
                await _deny(writer, "a data channel needs an engine certificate")
            elif handshake.check_data(key, nonce, hello):
                await protocol.write_frame(writer, {"op": "welcome"})
                # TLS decrypts into the receiver's buffer from here on (rxbuffer)
                await svc.new_receiver(name, rxbuffer.take_over(reader, writer), writer).run()
            else:
                await _deny(writer, f"set {name} is not accepted by this engine or the "
                                    "token is wrong")
    except protocol.FrameError as exc:
        log.warning("dropped the connection from %s: %s", peer, exc)
    except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
        pass
    except Exception:  # a bug must not take the engine down
        log.exception("connection from %s failed", peer)
    finally:
        await close_writer(writer)


async def _deny(writer: asyncio.StreamWriter, message: str) -> None:
    await protocol.write_frame(writer, {"op": "denied", "message": message})
