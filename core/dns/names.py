"""Pure-Python parsing of DNS names, IPv4 addresses and MX values.

The failover logic uses these instead of dnspython (ARCHITECTURE rule 2):
names are compared case-insensitively in their absolute form (trailing dot).
"""

from __future__ import annotations

import ipaddress
import re

from core.errors import InvalidInput

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")


def fqdn(name: str, field: str = "name") -> str:
    """``name`` as an absolute, lower-case DNS name with a trailing dot.

    Raises InvalidInput for empty names, empty labels, labels over 63
    characters, characters other than letters, digits, ``-`` and ``_``, or a
    name over 253 characters.
    """
    text = name.strip()
    if text.endswith("."):
        text = text[:-1]
    if not text:
        raise InvalidInput(field, "a DNS name is needed")
    if len(text) > 253:
        raise InvalidInput(field, f"{text[:40]}… is longer than 253 characters")
    for label in text.split("."):
        if not _LABEL.match(label):
            raise InvalidInput(
                field,
                f"{name!r} is not a valid DNS name (label {label!r}: use letters, digits "
                "and '-', at most 63 characters)",
            )
    return text.lower() + "."


def same_name(a: str, b: str) -> bool:
    """True when two DNS names are the same (case, trailing dot ignored)."""
    return a.rstrip(".").lower() == b.rstrip(".").lower()


def ipv4(text: str, field: str = "IP address") -> str:
    """A dotted-quad IPv4 address in canonical form; InvalidInput otherwise."""
    try:
        return str(ipaddress.IPv4Address(text.strip()))
    except ValueError as exc:
        raise InvalidInput(field, f"{text!r} is not an IPv4 address") from exc


def is_ip(text: str) -> bool:
    """Whether ``text`` is an IP address (v4 or v6) rather than a name."""
    try:
        ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return True


def ptr_name(ip: str) -> str:
    """The reverse-lookup owner name of ``ip`` (IPv4 or IPv6), absolute.

    An IPv4-mapped IPv6 address (``::ffff:a.b.c.d``) is the IPv4 host, so its
    name is under in-addr.arpa (as dnspython and BIND's tools do).
    """
    try:
        addr: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(ip.strip())
    except ValueError as exc:
        raise InvalidInput("IP address", f"{ip!r} is not an IP address") from exc
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.reverse_pointer + "."


def parse_mx(value: str) -> tuple[int, str]:
    """``"10 mail.example.com."`` -> ``(10, "mail.example.com.")``."""
    parts = value.split()
    if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) > 65535:
        raise InvalidInput("MX", f"{value!r} is not 'preference exchange'")
    return int(parts[0]), fqdn(parts[1], "MX exchange")


def format_mx(preference: int, exchange: str) -> str:
    """The presentation form of one MX record."""
    return f"{preference} {fqdn(exchange, 'MX exchange')}"
