"""Parsers for values a person types (forms, ``--set section.key=value``).

Each parser takes the text as typed and returns the canonical value, or
raises :class:`~core.errors.InvalidInput` naming ``field`` with a sentence
that says what would be accepted. They never raise anything else, so a form
can show the message next to the field and keep the old value.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime

# re-exported, so forms and fields import every parser from here
from core.config.text_parsers import parse_name_list as parse_name_list
from core.config.text_parsers import parse_windows_path as parse_windows_path
from core.config.text_parsers import plain_text as plain_text
from core.errors import InvalidInput
from core.visible import has_controls, quoted

_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
# characters Windows refuses in account and NetBIOS domain names
_BAD_ACCOUNT_CHARS = set('"/\\[]:;|=,+*?<>@')
TTL_MAX = 2_147_483_647
#: a sign, then ASCII digits (never ``\d``: it matches every script's digits)
_WHOLE = re.compile(r"([+-]?)([0-9]+)", re.ASCII)
#: more digits than any bound of a field (the largest, a TTL, has 10)
_MAX_DIGITS = 12


def parse_bool(text: str, field: str = "value") -> bool:
    """on/off, true/false, yes/no, 1/0 (any case)."""
    word = str(text).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise InvalidInput(field, f"{quoted(text)} is not on or off (use on/off, yes/no, true/false or 1/0)")


def parse_int(text: str, field: str, lo: int, hi: int | None = None, unit: str = "") -> int:
    """A whole number between ``lo`` and ``hi`` (inclusive; no upper bound when None).

    ASCII digits only: ``str.isdigit`` and ``\\d`` also take ``²``, ``５`` and ``٥``
    (issue 11), which either crash ``int()`` or are silently read as another number.
    The digits are counted before ``int()`` sees them, so a pasted 5,000-digit value
    is refused as out of range instead of hitting Python's int-string limit.
    """
    raw = str(text).strip()
    suffix = f" {unit}" if unit else ""
    span = f"between {lo} and {hi}{suffix}" if hi is not None else f"at least {lo}{suffix}"
    m = _WHOLE.fullmatch(raw)
    if not m:
        raise InvalidInput(field, f"{quoted(text)} is not a whole number: use the digits "
                                  f"0-9, {span}")
    if len(m.group(2)) > _MAX_DIGITS:
        raise InvalidInput(field, f"{quoted(raw)} is out of range: must be {span}")
    value = int(raw)
    if value < lo or (hi is not None and value > hi):
        raise InvalidInput(field, f"{value} is out of range: must be {span}")
    return value


def whole_or_none(text: str, lo: int = 0, hi: int | None = None) -> int | None:
    """``text`` as a whole number in range, or None: for live hints while a field is typed
    (the value itself is checked by ``parse_int`` when it is applied)."""
    try:
        return parse_int(text, "value", lo, hi)
    except InvalidInput:
        return None


def parse_port(text: str, field: str = "port") -> int:
    """A TCP/UDP port, 1–65535."""
    return parse_int(text, field, 1, 65535)


def parse_ttl(text: str, field: str = "failover.dns.ttl") -> int:
    """A DNS TTL in seconds, 0–2147483647 (RFC 2181)."""
    return parse_int(text, field, 0, TTL_MAX, "s")


def parse_interval(text: str, field: str = "monitoring.interval") -> int:
    """The failover monitor interval in seconds, 1–3600."""
    return parse_int(text, field, 1, 3600, "s")


def parse_missed(text: str, field: str = "monitoring.missed") -> int:
    """Missed heartbeats before a failure is declared, 1–1000."""
    return parse_int(text, field, 1, 1000)


def parse_snapshot_interval(text: str, field: str = "snapshots.interval_min") -> int:
    """Minutes between snapshots: at least 15."""
    return parse_int(text, field, 15, None, "min")


def parse_ipv4(text: str, field: str = "ip") -> str:
    """A dotted-quad IPv4 address, returned in canonical form."""
    raw = str(text).strip()
    if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", raw):
        raise InvalidInput(field, f"{quoted(text)} is not an IPv4 address (like 192.0.2.10)")
    try:
        return str(ipaddress.IPv4Address(raw))
    except ValueError as exc:
        raise InvalidInput(field, f"{quoted(text)} is not an IPv4 address: {exc}") from None


def parse_ip_list(text: str, field: str = "ips") -> list[str]:
    """Comma- or space-separated IPv4 addresses, duplicates dropped, order kept."""
    out: list[str] = []
    for part in _split(text):
        ip = parse_ipv4(part, field)
        if ip not in out:
            out.append(ip)
    return out


def parse_hostname(text: str, field: str = "server") -> str:
    """A host name or FQDN (RFC 1123 labels); a trailing dot is dropped."""
    raw = str(text).strip().rstrip(".")
    if not raw or len(raw) > 253:
        raise InvalidInput(field, f"{quoted(text)} is not a host name (1 to 253 characters)")
    for label in raw.split("."):
        if not _LABEL.match(label):
            raise InvalidInput(
                field, f"{quoted(text)} is not a host name: {quoted(label)} must be 1 to 63 letters, "
                "digits or hyphens, not starting or ending with a hyphen")
    if raw.replace(".", "").isdigit():
        raise InvalidInput(field, f"{quoted(text)} is an address, not a host name")
    return raw


def parse_domain(text: str, field: str = "domain") -> str:
    """A DNS domain with a suffix (``lab.example.com``); lower case.

    Single-label names (``LAB``) are refused: SPEC F-5.1.
    """
    name = parse_hostname(text, field).lower()
    labels = name.split(".")
    if len(labels) < 2:
        raise InvalidInput(field, f"{quoted(text)} has no suffix: use the full DNS name, like {name}.com")
    if labels[-1].isdigit():
        raise InvalidInput(field, f"{quoted(text)} ends in a number, not a DNS suffix")
    return name


def parse_user_name(text: str, field: str = "user", default_domain: str = "") -> str:
    """``DOMAIN\\user``, ``user@domain`` or a bare ``user`` (SPEC F-5.4).

    A bare name takes ``default_domain`` (the DNS domain) when one is given
    and comes back as ``user@domain``; the other forms come back as typed
    (trimmed).
    """
    raw = str(text).strip()
    if not raw:
        raise InvalidInput(field, "a user name is required")
    if "\\" in raw:
        domain, _, user = raw.partition("\\")
        _account(user, field, text)
        if (not domain or len(domain) > 255 or has_controls(domain)
                or any(c in _BAD_ACCOUNT_CHARS for c in domain)):
            raise InvalidInput(field, f"{quoted(text)}: the domain before '\\' is not a valid domain name")
        return f"{domain}\\{user}"
    if "@" in raw:
        user, _, domain = raw.rpartition("@")
        _account(user, field, text)
        parse_hostname(domain, field)
        return f"{user}@{domain}"
    _account(raw, field, text)
    if default_domain:
        return f"{raw}@{parse_domain(default_domain, field)}"
    return raw


def _account(user: str, field: str, text: str) -> None:
    if not user or len(user) > 104:
        raise InvalidInput(field, f"{quoted(text)}: the account name must be 1 to 104 characters")
    bad = sorted({c for c in user if c in _BAD_ACCOUNT_CHARS or has_controls(c)})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise InvalidInput(field, f"{quoted(text)}: an account name cannot contain {shown}")
    if user.strip(". ") == "":
        raise InvalidInput(field, f"{quoted(text)}: an account name cannot be only dots or spaces")


def parse_enum(text: str, field: str, choices: dict[str, str]) -> str:
    """One of ``choices`` (typed word -> canonical value), any case."""
    word = str(text).strip().lower()
    if word in choices:
        return choices[word]
    allowed = ", ".join(sorted(set(choices.values())))
    raise InvalidInput(field, f"{quoted(text)} is not one of: {allowed}")


def parse_datetime(text: str, field: str = "snapshots.start_at") -> str:
    """An ISO date-time (``2025-01-31T22:00``) or empty for "now"."""
    raw = str(text).strip()
    if raw.lower() in {"", "now"}:
        return ""
    if not raw.isascii():  # fromisoformat reads other scripts' digits as 0-9
        raise InvalidInput(field, f"{quoted(text)} is not a date-time like 2025-01-31T22:00")
    try:
        return datetime.fromisoformat(raw).isoformat(timespec="minutes")
    except ValueError:
        raise InvalidInput(field, f"{quoted(text)} is not a date-time like 2025-01-31T22:00") from None


def parse_ip_map(text: str, field: str = "failover.dns.ip_map") -> dict[str, str]:
    """``SRC:TGT,SRC:TGT`` (``=`` or ``->`` also separate); target IPs must be unique."""
    out: dict[str, str] = {}
    for part in _split(text, spaces=False):
        pair = re.split(r"->|=|:", part)
        if len(pair) != 2:
            raise InvalidInput(field, f"{quoted(part)} is not SOURCE_IP:TARGET_IP")
        src, tgt = parse_ipv4(pair[0], field), parse_ipv4(pair[1], field)
        if src in out:
            raise InvalidInput(field, f"source IP {src} is listed twice")
        if tgt in out.values():
            raise InvalidInput(field, f"target IP {tgt} is used twice: each monitored source IP "
                                      "needs its own target IP")
        out[src] = tgt
    return out


def _split(text: str, spaces: bool = True) -> list[str]:
    parts = re.split(r"[,\s]+" if spaces else r",", str(text))
    return [p.strip() for p in parts if p.strip()]
