"""Turn a :class:`~core.dns.tsig_key.TsigKey` into dnspython's key object (adapter side)."""

from __future__ import annotations

import dns.name
import dns.tsig

from core.dns.tsig_key import TsigKey

_ALGORITHMS = {
    "hmac-md5": dns.tsig.HMAC_MD5,
    "hmac-sha1": dns.tsig.HMAC_SHA1,
    "hmac-sha224": dns.tsig.HMAC_SHA224,
    "hmac-sha256": dns.tsig.HMAC_SHA256,
    "hmac-sha256-128": dns.tsig.HMAC_SHA256_128,
    "hmac-sha384": dns.tsig.HMAC_SHA384,
    "hmac-sha384-192": dns.tsig.HMAC_SHA384_192,
    "hmac-sha512": dns.tsig.HMAC_SHA512,
    "hmac-sha512-256": dns.tsig.HMAC_SHA512_256,
}


def dnspython_key(key: TsigKey) -> dns.tsig.Key:
    """dnspython's key for ``key`` (its ``repr`` shows the secret: never log it)."""
    return dns.tsig.Key(dns.name.from_text(key.name), key.secret_bytes(), _ALGORITHMS[key.algorithm])
