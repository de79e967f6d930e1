"""The first exchange on every TCP connection to an engine.

Engine → peer: ``{"op": "challenge", "nonce", "version", "engine"}``.
Peer → engine: ``{"op": "hello", "channel": "admin", "user", "proof"}`` or
``{"op": "hello", "channel": "data", "set", "proof"}``.
Engine → peer: ``{"op": "welcome"}`` or ``{"op": "denied", "message"}``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from core.engine import auth, protocol


class DeniedError(Exception):
    """The engine refused our credentials (message is the engine's)."""


def challenge(nonce: bytes, engine: str) -> dict[str, Any]:
    return {"op": "challenge", "nonce": nonce.hex(), "version": protocol.PROTOCOL_VERSION,
            "engine": engine}


def data_hello(challenge_header: dict[str, Any], set_name: str, key_hex: str) -> dict[str, Any]:
    nonce = bytes.fromhex(str(challenge_header.get("nonce", "")))
    return {"op": "hello", "channel": "data", "set": set_name,
            "proof": auth.proof(key_hex, nonce, "data:" + set_name)}


def admin_hello(challenge_header: dict[str, Any], user: str, password: str) -> dict[str, Any]:
    nonce = bytes.fromhex(str(challenge_header.get("nonce", "")))
    return {"op": "hello", "channel": "admin", "user": user,
            "proof": auth.proof(auth.password_key(password), nonce, "admin:" + user)}


def check_admin(admins: auth.Admins, nonce: bytes, hello: dict[str, Any]) -> bool:
    user = str(hello.get("user", ""))
    key = admins.key_for(user)
    return key is not None and auth.verify(key, nonce, "admin:" + user, str(hello.get("proof")))


def check_data(key_hex: str | None, nonce: bytes, hello: dict[str, Any]) -> bool:
    name = str(hello.get("set", ""))
    return key_hex is not None and auth.verify(
        key_hex, nonce, "data:" + name, str(hello.get("proof"))
    )


async def open_data(
    host: str, port: int, set_name: str, key_hex: str, timeout: float = 10.0
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connect to a target engine's data channel for ``set_name`` and authenticate."""
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(host, port, limit=4 << 20)
    try:
        async with asyncio.timeout(timeout):
            chal, _ = await protocol.read_frame(reader)
        if chal.get("op") != "challenge":
            raise protocol.FrameError("the target did not send a challenge")
        await protocol.write_frame(writer, data_hello(chal, set_name, key_hex))
        async with asyncio.timeout(timeout):
            reply, _ = await protocol.read_frame(reader)
        if reply.get("op") != "welcome":
            raise DeniedError(str(reply.get("message", "the target refused the connection")))
    except BaseException:
        writer.close()
        raise
    return reader, writer
