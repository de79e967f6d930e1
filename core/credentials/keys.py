"""Credential cache keys: kinds and case-folded names (no keyring import)."""

from __future__ import annotations

from core.errors import InvalidInput

KINDS = ("server", "domain", "dns", "wmi", "tls")
#: kinds that are not cached logins but the estate's own keys (its CA, the console's
#: certificate): "clear cached credentials" keeps them, or every engine would refuse us
KEPT_ON_CLEAR = ("tls",)


def normalise_key(kind: str, key: str) -> tuple[str, str]:
    """``(kind, key)`` checked and case-folded (keys are case-insensitive names)."""
    if kind not in KINDS:
        raise InvalidInput("credential kind", f"must be one of {', '.join(KINDS)}")
    k = key.strip().rstrip(".").lower()
    if not k:
        raise InvalidInput(kind, f"a {kind} name is needed to store its credentials")
    return kind, k
