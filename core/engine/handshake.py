"""The first exchange on every TCP connection to an engine, inside TLS.

TLS comes first (:mod:`core.engine.tls`): both sides present a certificate of
the estate's CA, so by the time a frame is sent the client knows it talks to
an engine of its estate, and the engine knows the peer's role. Then:

Engine → peer: ``{"op": "challenge", "nonce", "version", "engine", "codecs"}``
(``codecs``: the compression methods the engine inflates, :mod:`core.engine.codec`).
Peer → engine: ``{"op": "hello", "channel": "admin", "version"}`` (a console:
its certificate is its identity) or ``{"op": "hello", "channel": "data", "set",
"version", "proof", "codec"}`` (an engine: ``proof`` is an HMAC of the nonce keyed by
the set's connection token, which says it may write that set; ``codec`` the method its
compressed frames will use, absent when it sends raw).
Engine → peer: ``{"op": "welcome"}`` or ``{"op": "denied", "message"}``.
Either side refuses another protocol version with a sentence naming both, and a
compression method the target cannot inflate with a sentence naming it (no silent
fallback to zlib: the pair's setting is what goes on the wire, or nothing does).
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from core.engine import auth, codec, protocol, tls


class DeniedError(Exception):
    """The engine refused us (message is the engine's, or names both versions)."""


class TlsFailed(Exception):
    """The TLS handshake failed; the message is a whole sentence saying why."""


def challenge(nonce: bytes, engine: str) -> dict[str, Any]:
    return {"op": "challenge", "nonce": nonce.hex(), "version": protocol.PROTOCOL_VERSION,
            "engine": engine, "codecs": list(codec.available())}


def version_problem(header: dict[str, Any], peer: str) -> str | None:
    """None when ``header`` (a challenge or hello) speaks our protocol version; else a
    sentence naming both versions."""
    theirs = header.get("version")
    if theirs == protocol.PROTOCOL_VERSION:
        return None
    return (f"{peer} speaks engine protocol version {theirs if theirs is not None else 1}, "
            f"this side speaks version {protocol.PROTOCOL_VERSION}: install the same appmgr "
            "release on both")


def codec_problem(method: str | None, offered: Any, where: str) -> str | None:
    """None when ``where`` inflates ``method`` (None: nothing compressed); else a sentence."""
    if method is None or (isinstance(offered, list) and method in offered):
        return None
    return (f"{where} cannot decompress {method} (it offers "
            f"{', '.join(map(str, offered)) if isinstance(offered, list) else 'zlib'}): "
            f"choose another compression method for this pair, or install the zstandard "
            f"package with appmgr there")


def data_hello(challenge_header: dict[str, Any], set_name: str, key_hex: str,
               method: str | None = None) -> dict[str, Any]:
    nonce = bytes.fromhex(str(challenge_header.get("nonce", "")))
    hello = {"op": "hello", "channel": "data", "set": set_name,
             "version": protocol.PROTOCOL_VERSION,
             "proof": auth.proof(key_hex, nonce, "data:" + set_name)}
    if method is not None:
        hello["codec"] = method
    return hello


def admin_hello() -> dict[str, Any]:
    return {"op": "hello", "channel": "admin", "version": protocol.PROTOCOL_VERSION}


def check_data(key_hex: str | None, nonce: bytes, hello: dict[str, Any]) -> bool:
    name = str(hello.get("set", ""))
    return key_hex is not None and auth.verify(
        key_hex, nonce, "data:" + name, str(hello.get("proof"))
    )


async def open_data(
    host: str, port: int, set_name: str, key_hex: str, context: ssl.SSLContext,
    timeout: float = 10.0, method: str | None = None,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connect to a target engine's data channel for ``set_name`` over TLS (the target's
    certificate verified first) and prove we hold the set's token; ``method`` is the
    compression method our frames will use (None: none), which the target must offer."""
    where = f"the target engine on {host}:{port}"
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(
                host, port, limit=4 << 20, ssl=context, server_hostname=host,
                ssl_handshake_timeout=timeout)
    except ssl.SSLError as exc:
        raise TlsFailed(tls.why_client_failed(exc, where, protocol.TLS_VERSION)) from exc
    try:
        async with asyncio.timeout(timeout):
            chal, _ = await protocol.read_frame(reader, 0)
        if chal.get("op") != "challenge":
            raise protocol.FrameError("the target did not send a challenge")
        problem = version_problem(chal, where) or codec_problem(method, chal.get("codecs"), where)
        if problem:
            raise DeniedError(problem)
        await protocol.write_frame(writer, data_hello(chal, set_name, key_hex, method))
        async with asyncio.timeout(timeout):
            reply, _ = await protocol.read_frame(reader, 0)
        if reply.get("op") != "welcome":
            raise DeniedError(str(reply.get("message", "the target refused the connection")))
    except ssl.SSLError as exc:  # TLS 1.3: a refused certificate shows on the first read
        writer.close()
        raise TlsFailed(tls.why_client_failed(exc, where, protocol.TLS_VERSION)) from exc
    except BaseException:
        writer.close()
        raise
    return reader, writer
