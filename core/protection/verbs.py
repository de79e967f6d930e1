"""The verbs a failover script may use and what each accepts.

The step implementations live in :mod:`core.protection.steps`; this module
only describes the language so a script can be checked before it runs (and
without importing anything that talks to a server).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class VerbSpec:
    usage: str
    help: str
    #: kinds of the positional arguments, in order
    args: tuple[str, ...] = ()
    #: kind of any further positional arguments (None = no more allowed)
    rest: str | None = None
    rest_min: int = 0
    options: dict[str, str] = field(default_factory=dict)


# Kinds: text, int, ip, ipmap (SOURCE_IP=TARGET_IP), side (source|target),
# mirror (full|checksum), method (heartbeat|icmp), trigger (all|any), level (0-9).
VERBS: dict[str, VerbSpec] = {
    "stop-replication": VerbSpec(
        "stop-replication SET",
        "Stop replicating SET: the source disconnects (if it answers) and the "
        "target stops accepting its data.",
        ("text",),
    ),
    "stop-monitor": VerbSpec(
        "stop-monitor SET", "Delete the failover monitor of SET on the target.", ("text",)
    ),
    "start-service": VerbSpec(
        "start-service NAME [on=target|source]",
        "Start a Windows service (on the target unless on=source).",
        ("text",),
        options={"on": "side"},
    ),
    "stop-service": VerbSpec(
        "stop-service NAME [on=target|source]",
        "Stop a Windows service (on the target unless on=source).",
        ("text",),
        options={"on": "side"},
    ),
    "publish-share": VerbSpec(
        "publish-share NAME PATH [description=TEXT]",
        "Share PATH as NAME on the target (the source's share, same path).",
        ("text", "text"),
        options={"description": "text"},
    ),
    "withdraw-share": VerbSpec(
        "withdraw-share NAME", "Remove the share NAME from the target.", ("text",)
    ),
    "dns-failover": VerbSpec(
        "dns-failover FQDN SOURCE_IP=TARGET_IP... [ttl=SECONDS] [target=FQDN]",
        "Point the source's A, PTR (and MX) records at the mapped target IPs.",
        ("text",),
        rest="ipmap",
        rest_min=1,
        options={"ttl": "int", "target": "text"},
    ),
    "dns-failback": VerbSpec(
        "dns-failback FQDN",
        "Put back the source's records exactly as they were before the DNS failover.",
        ("text",),
    ),
    "check-source": VerbSpec(
        "check-source", "Prove the source's host control and engine answer."
    ),
    "restore-mirror": VerbSpec(
        "restore-mirror SET [timeout=SECONDS]",
        "Copy the target's data of SET back to the source (reverse checksum "
        "mirror that also deletes files the target no longer has).",
        ("text",),
        options={"timeout": "int"},
    ),
    "reprotect": VerbSpec(
        "reprotect SET [route=IP] [port=N] [mirror=full|checksum] [compression=0-9]",
        "Connect SET from the source to the target again (new token) and mirror.",
        ("text",),
        options={"route": "ip", "port": "int", "mirror": "mirror", "compression": "level"},
    ),
    "create-monitor": VerbSpec(
        "create-monitor SET SOURCE_IP... [method=heartbeat|icmp] [interval=S] "
        "[missed=N] [trigger=all|any] [port=N]",
        "Create the failover monitor of SET on the target.",
        ("text",),
        rest="ip",
        rest_min=1,
        options={
            "method": "method",
            "interval": "int",
            "missed": "int",
            "trigger": "trigger",
            "port": "int",
        },
    ),
    "wait": VerbSpec("wait SECONDS", "Pause (e.g. to let a service settle).", ("int",)),
}

_CHOICES = {
    "side": ("target", "source"),
    "mirror": ("full", "checksum"),
    "method": ("heartbeat", "icmp"),
    "trigger": ("all", "any"),
}


def check_value(kind: str, value: str) -> None:
    """ValueError with a plain message when ``value`` is not of ``kind``."""
    if kind == "text":
        if value == "":
            raise ValueError("an empty value is not allowed")
    elif kind in ("int", "level"):
        if not value.isascii() or not value.isdigit():
            raise ValueError(f"{value!r} is not a whole number")
        if kind == "level" and int(value) > 9:
            raise ValueError(f"compression {value} is not 0-9")
    elif kind == "ip":
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address") from None
    elif kind == "ipmap":
        src, sep, tgt = value.partition("=")
        if not sep:
            raise ValueError(f"{value!r} is not SOURCE_IP=TARGET_IP")
        check_value("ip", src)
        check_value("ip", tgt)
    elif kind in _CHOICES:
        if value not in _CHOICES[kind]:
            raise ValueError(f"{value!r} is not one of {', '.join(_CHOICES[kind])}")
    else:  # pragma: no cover - a typo in VERBS
        raise AssertionError(kind)


def check_step(
    verb: str, args: tuple[str, ...], options: Mapping[str, str], verbs: Mapping[str, VerbSpec]
) -> None:
    """ValueError naming what is wrong with one step, checked against ``verbs``."""
    spec = verbs.get(verb)
    if spec is None:
        raise ValueError(f"unknown verb {verb!r} (known: {', '.join(sorted(verbs))})")
    need = len(spec.args) + spec.rest_min
    if len(args) < need:
        raise ValueError(f"{verb} needs more arguments: {spec.usage}")
    if spec.rest is None and len(args) > len(spec.args):
        raise ValueError(f"{verb} takes {len(spec.args)} argument(s): {spec.usage}")
    for i, value in enumerate(args):
        kind = spec.args[i] if i < len(spec.args) else spec.rest
        assert kind is not None
        try:
            check_value(kind, value)
        except ValueError as exc:
            raise ValueError(f"{verb} argument {i + 1}: {exc}") from None
    for key, value in options.items():
        if key not in spec.options:
            allowed = ", ".join(f"{k}=" for k in spec.options) or "none"
            raise ValueError(f"{verb} has no option {key}= (options: {allowed})")
        try:
            check_value(spec.options[key], value)
        except ValueError as exc:
            raise ValueError(f"{verb} {key}=: {exc}") from None
