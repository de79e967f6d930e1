"""Challenge-response authentication: the secret never crosses the wire.

The engine sends a random nonce; the peer answers
``HMAC-SHA256(key, nonce || identity)`` where ``key`` is
``SHA-256(password)`` for an administrator (the admins file stores exactly
that, so the file is password-equivalent and must be readable by the engine
only) or a key derived from the connection token for the data channel (the
state files store only that derived key, never the token).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from pathlib import Path

NONCE_BYTES = 32


def make_nonce(randbytes: Callable[[int], bytes] = secrets.token_bytes) -> bytes:
    return randbytes(NONCE_BYTES)


def password_key(password: str) -> str:
    """The admins-file form of a password (hex SHA-256 of its UTF-8 bytes)."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def token_key(token: str) -> str:
    """The key both engines derive from a connection token."""
    return hashlib.sha256(b"appmgr-engine-token\0" + token.encode("utf-8")).hexdigest()


def proof(key_hex: str, nonce: bytes, identity: str) -> str:
    """What the client sends back for ``nonce``."""
    msg = nonce + b"\0" + identity.encode("utf-8")
    return hmac.new(bytes.fromhex(key_hex), msg, hashlib.sha256).hexdigest()


def verify(key_hex: str, nonce: bytes, identity: str, answer: str) -> bool:
    return hmac.compare_digest(proof(key_hex, nonce, identity), str(answer))


def normalize_user(user: str) -> tuple[str, str]:
    """``("lab", "administrator")`` for ``LAB\\Administrator`` and for
    ``administrator@lab.example.com``; domain ``""`` when none is given."""
    u = user.strip().lower()
    if "\\" in u:
        dom, _, name = u.partition("\\")
    elif "@" in u:
        name, _, dom = u.partition("@")
    else:
        dom, name = "", u
    return dom.split(".")[0], name


def same_account(a: str, b: str) -> bool:
    """Whether two user names name the same account (domain optional on either side)."""
    da, na = normalize_user(a)
    db, nb = normalize_user(b)
    return na == nb and (da == db or not da or not db)


class Admins:
    """The engine's administrators, read from a JSON file on every check so an
    edited file takes effect without a restart."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def key_for(self, user: str) -> str | None:
        if self.path is None:
            return None
        try:
            users = json.loads(self.path.read_text("utf-8")).get("users", {})
        except (OSError, ValueError, AttributeError):
            return None
        for name, key in users.items():
            if same_account(name, user):
                return str(key).lower()
        return None
