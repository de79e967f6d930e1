"""Proof of a connection token: the token never crosses the wire.

A data channel is opened by an engine whose estate certificate TLS has
already verified; the token then says it may write *this* set. The engine
sends a random nonce, the source answers ``HMAC-SHA256(key, nonce || identity)``
with ``key`` derived from the token (the state files store only that derived
key). Tokens are random (``secrets``), never derived from a password; the
administrators of an engine are identified by their console certificate
(:mod:`core.engine.tls`), not by a password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

NONCE_BYTES = 32


def make_nonce(randbytes: Callable[[int], bytes] = secrets.token_bytes) -> bytes:
    return randbytes(NONCE_BYTES)


def token_key(token: str) -> str:
    """The key both engines derive from a connection token."""
    return hashlib.sha256(b"appmgr-engine-token\0" + token.encode("utf-8")).hexdigest()


def proof(key_hex: str, nonce: bytes, identity: str) -> str:
    """What the client sends back for ``nonce``."""
    msg = nonce + b"\0" + identity.encode("utf-8")
    return hmac.new(bytes.fromhex(key_hex), msg, hashlib.sha256).hexdigest()


def verify(key_hex: str, nonce: bytes, identity: str, answer: str) -> bool:
    return hmac.compare_digest(proof(key_hex, nonce, identity), str(answer))
